"""Phase 9, the pole lifecycle: leadership, formalisation, vegetation, death, emergence.

Rules: ``rules/poles.py`` (and ``rules/funding.py`` for an informal group answering a
call). The phase runs as one compiled call (``kernels.pole_life.lifecycle``) on the
registry's :class:`~ptce_sim.world.pole_state.PoleTable`, drawing from the model's
``poles`` and ``funding`` streams in the order the decisions need them: per living pole
in id order, a leaderless pole draws for a successor (then for which candidate), an
eligible informal pole compares its formalisation draw with the hazard and, when it
formalises, draws its governance; an informal group answering a call draws once from
``funding``. New poles then emerge from the month's successful teams (one draw per new
pole for its founder). This module builds the kernel's inputs and keeps the registry's
list of living poles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.world.kernels import pole_life
from ptce_sim.world.pole_state import (
    Pole,
)

if TYPE_CHECKING:
    from ptce_sim.world.poles import PoleRegistry


def lifecycle(reg: PoleRegistry, successes: np.ndarray) -> None:
    """Phase 9, compiled (``kernels.pole_life.lifecycle``). ``successes``: member rows
    (-1 padded) of the projects that succeeded this month (from :meth:`outcomes`), the
    seeds of emergence."""
    m = reg.model
    state = reg.state
    # Each new pole needs a successful team of its own: room for one per team.
    if len(successes):
        state.reserve(len(successes))
    rel = m.relations
    before = state.size
    state.size = pole_life.lifecycle(
        reg.streams,
        m.month,
        state.size,
        state.ints,
        state.floats,
        state.members,
        lifecycle_params(reg),
        float(reg._catalyst),
        bool(m.params.calls.open),
        reg.call_window,
        m.projects.live_rows(),
        m.projects.members,
        m.pole_of,
        reg.dissatisfied,
        reg.patience,
        reg.unpaid,
        reg.dues_table(),
        m.present,
        m.gen,
        m.is_leader,
        reg._ess_orgs(),
        rel.tau0,
        rel.best_dev,
        rel.theta,
        rel.history,
        float(m.personal_weight),
        successes,
    )
    if state.size > before:
        reg.poles += [Pole(state, q) for q in range(before, state.size)]
    reg.observe()


def lifecycle_params(reg: PoleRegistry) -> np.ndarray:
    """The parameters of the lifecycle kernel (``kernels.pole_life.LIFECYCLE_PARAMS``),
    rebuilt when a policy changes the parameters."""
    p = reg.model.params
    if reg._lifecycle_key is p:
        return reg._lifecycle_params
    pp, cell, fp, cp = p.poles, p.cell, p.funding, p.calls
    values = {
        **{k: getattr(pp, k) for k in pole_life.LIFECYCLE_PARAMS if hasattr(pp, k)},
        "first_year_cost": 12 * cell.starting_fte * cell.cost_per_fte,
        "starting_fte": cell.starting_fte,
        "matching_rate": fp.matching_rate,
        "la_subsidy": fp.la_subsidy,
        "structural_amount": p.structural.amount,
        "call_pledge": cp.win_probability * cp.grant / cp.duration * 12 if cp.open else 0.0,
        "informal_apply": float(cp.informal_apply),
        "win_probability": cp.win_probability,
        "maturity_weight": cp.maturity_weight,
        "call_grant_monthly": cp.grant / cp.duration,
        "call_duration": cp.duration,
    }
    reg._lifecycle_params = np.array([values[k] for k in pole_life.LIFECYCLE_PARAMS], dtype=float)
    reg._lifecycle_key = p
    return reg._lifecycle_params
