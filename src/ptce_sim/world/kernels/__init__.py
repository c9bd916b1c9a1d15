"""Compiled kernels (numba) for the monthly phases: turnover, trust, projects, poles, metrics.

Why compiled: a month touches a few hundred small index sets; as numpy calls each costs
more in call overhead than in arithmetic (a run took ~0.6 s, almost all overhead). These
kernels do the same arithmetic as the pure-numpy rules in ``ptce_sim.rules`` — the
equations and their docstrings live there, and the tests check the kernels against
them — in plain loops. A month is one call (``month``), which chains one kernel per
phase in the order of the schedule.

One module per concern: ``month`` (the month), ``search`` (partner search),
``projects`` (turnover, project completion, trust from outcomes, learning),
``relations`` (trust blocks, newcomers and leavers, relaxation), ``stats`` (the monthly
metrics), ``pole_step`` (the pole block), ``pole_members``, ``pole_cell``, ``pole_life``
and ``pole_report`` (the pole phases), ``poles`` and ``pole_month`` (their inner loops),
``sums`` (numpy's summation order), ``streams`` (the random streams, boxed) and
``cache_guard``. The per-concern kernels the Python side and the tests call are
re-exported here (``kernels.turnover``); the modules of the month's chain are imported
by name (``from ptce_sim.world.kernels import month``).

Rules of this package:

- every random number comes from the model's named numpy streams, in the order the
  numpy version drew them: drawn by the caller and passed in, or drawn inside from the
  generators themselves (``kernels.streams``: numba runs numpy's algorithms on their
  state, so a draw is the same either way);
- updates are applied in the order the numpy version applied them (several updates to
  one cell in one month are applied one after the other, in the order they came);
- ``cache=True``, no ``fastmath``, no ``parallel``: results are reproducible and a run
  stays on one core; ``cache_guard`` empties the cache when a kernel source changes
  (numba alone would keep a caller's stale copy of an edited callee).

Persons are slots ``(organisation, s)`` flattened to ``p = organisation * S + s``.
Person-level deviations are stored divided by a common scale ``g`` (argument ``dev``
with ``g``; see ``Relations``): the true deviation is ``dev * g``.
"""

from __future__ import annotations

from pathlib import Path

from ptce_sim.world.kernels import cache_guard as _cache_guard
from ptce_sim.world.kernels.pole_month import (
    cooperating,
    dissatisfied_all,
    emergence_groups,
    emergence_seeds,
    membership_month,
    month_end,
    pole_matrix,
)
from ptce_sim.world.kernels.poles import (
    dissatisfied_members,
    formal_member_stats,
    formal_shared,
    homophily_with,
    joining,
    joint_poles,
    leader_candidates,
    mean_trust,
    pole_outcomes,
    trusted_component,
)
from ptce_sim.world.kernels.projects import (
    complete,
    count_due,
    kind_fit,
    learn,
    record_outcomes,
    turnover,
)
from ptce_sim.world.kernels.relations import (
    _block,
    add_persons,
    month_passes,
    month_passes_poles,
    refresh_pair,
    refresh_rows,
    remove_persons,
    trust_stats,
)
from ptce_sim.world.kernels.stats import (
    month_stats,
)
from ptce_sim.world.kernels.streams import Streams, box_streams
from ptce_sim.world.kernels.sums import (
    _block_sum,
    np_sum,
)

__all__ = [
    "Streams",
    "_block",
    "_block_sum",
    "add_persons",
    "box_streams",
    "complete",
    "cooperating",
    "count_due",
    "dissatisfied_all",
    "dissatisfied_members",
    "emergence_groups",
    "emergence_seeds",
    "formal_member_stats",
    "formal_shared",
    "homophily_with",
    "joining",
    "joint_poles",
    "kind_fit",
    "leader_candidates",
    "learn",
    "mean_trust",
    "membership_month",
    "month_end",
    "month_passes",
    "month_passes_poles",
    "month_stats",
    "np_sum",
    "pole_matrix",
    "pole_outcomes",
    "record_outcomes",
    "refresh_pair",
    "refresh_rows",
    "remove_persons",
    "trust_stats",
    "trusted_component",
    "turnover",
]

# Before any kernel is called (numba reads its cache at the first call).
_cache_guard.guard(Path(turnover._cache._cache_path))
