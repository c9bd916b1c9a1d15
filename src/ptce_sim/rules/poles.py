r"""Poles: emergence, formalisation, membership, leadership, animation, vegetation, death
(ODD §7.6, MODEL.md §6).

**Emergence.** After a successful joint project, the organisations outside any pole that
are linked by effective trust ``T >= theta_T`` *and* at least one completed cooperation form
a graph; the connected group containing that project becomes an **informal pole** when it
has at least ``n_min`` organisations and a leader (a person flagged as territorial
entrepreneur) in post.

**Formalisation** (legal body + animation cell), monthly hazard::

    h_F = 1 - exp(-lambda_F * G * (1 + c_E * E))
    G   = 1 if size >= n_F and mean trust >= theta_F and a leader is in post
              and pledged first-year budget >= phi_F * first-year cell cost, else 0

``E`` = 1 while a call for projects is open or a catalyst is active. Governance is a
dedicated body (association or SCIC) with probability ``p_dedicated``, otherwise the
animation is delegated to the founding organisation (the leader's).

**Animation intensity** ``A`` (it raises search, lowers project time cost, raises success
and handover)::

    formal, with a cell:   A = min(1, FTE / FTE_full) * (1 - l_L * [no leader])
    volunteer animation:   A = A_vol * (1 - l_L * [no leader])
    informal:              A = A_inf * [leader in post]
    vegetating or dead:    A = 0

**Institutionalisation** ``I``: formal poles ``I <- I + iota * (1 - I)`` (twice as fast
with a dedicated body), vegetating poles ``I <- I * (1 - iota_v)``, informal poles ``I = 0``.

**Membership.** An outsider with a trusted tie (``T >= theta_T``) to a member considers
joining with probability ``p_consider`` a month and joins when::

    rho_i * c_P + alpha_i * H(i, pole) * V_0  >  dues_i / 12 + c_P * rho_0

(expected monthly return on the time ``c_P`` it would give the pole, plus the value of
shared values, against monthly dues and the opportunity cost of that time). A member is
*dissatisfied* while ``rho_i < a_i - alpha_i * H(i, pole) * V_0 / c_P`` (value-driven members
tolerate a lower return) and leaves after ``patience`` (3-6) consecutive dissatisfied months.

**Leadership.** When the pole's leader leaves, ``A`` is reduced until a successor emerges,
with monthly probability ``s = s_0 * (mean trust + I) / 2 + s_support``.

**Death**, checked in this order, with its recorded cause:

1. cash below ``-debt_limit``                                 -> funding
2. vegetating for ``veg_death`` months                         -> funding
3. no leader for ``leaderless_limit`` months (nobody took over)  -> leader loss
4. fewer than ``n_min`` members, or no cooperation among members for ``idle_limit`` months:
   leaderless for 12+ months -> leader loss; else mean member trust < theta_T -> trust collapse;
   else -> membership erosion.

References: Provan & Kenis (2008) for the network administrative organisation (the cell);
Brüderl & Schüssler (1990) and Levinthal (1991) for survival as a cash random walk and the
hazard peak after an endowment ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param


class Status(IntEnum):
    """Pole status; it only moves forward."""

    INFORMAL = 0
    FORMAL = 1
    VEGETATING = 2
    DEAD = 3


class Governance(IntEnum):
    NONE = 0  # informal pole
    DEDICATED = 1  # association or SCIC
    DELEGATED = 2  # animation delegated to the founding organisation


CAUSES: tuple[str, ...] = ("funding", "trust_collapse", "leader_loss", "membership_erosion")


@dataclass(frozen=True, kw_only=True)
class PoleParams:
    """Parameters of the pole lifecycle."""

    min_size: int = param(
        5,
        lo=2,
        hi=50,
        unit="organisations",
        role="uncertainty",
        doc="n_min: smallest informal pole; fewer members and the pole dies",
    )
    trust_threshold: float = param(
        0.5,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="theta_T: effective trust that links two organisations of a pole",
        source="calibrated",
    )
    formal_size: int = param(
        8,
        lo=2,
        hi=100,
        unit="organisations",
        role="uncertainty",
        doc="n_F: smallest pole that can formalise",
    )
    formal_trust: float = param(
        0.42,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="theta_F: mean member trust needed to formalise",
    )
    formalisation_rate: float = param(
        0.04,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_F: formalisation hazard when every condition holds",
    )
    catalyst_boost: float = param(
        2.0,
        lo=0.0,
        hi=20.0,
        unit="-",
        role="uncertainty",
        doc="c_E: relative rise of the formalisation hazard during a call or a catalyst",
    )
    pledge_share: float = param(
        0.3,
        lo=0.0,
        hi=2.0,
        unit="-",
        role="uncertainty",
        doc="phi_F: share of the first-year cell cost the members must pledge",
    )
    dedicated_share: float = param(
        0.6,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="p_dedicated: probability that a formal pole creates a dedicated body",
    )
    informal_animation: float = param(
        0.2,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="A_inf: animation intensity of an informal pole with its leader",
    )
    full_fte: float = param(
        1.5,
        lo=0.1,
        hi=10.0,
        unit="FTE",
        role="uncertainty",
        doc="FTE_full: cell staffing that gives full animation intensity",
    )
    leaderless_loss: float = param(
        0.5,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="l_L: share of animation intensity lost while the pole has no leader",
    )
    volunteer_alpha: float = param(
        0.7,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="alpha x H a member needs to carry the animation at its own cost",
    )
    volunteer_animation: float = param(
        0.4,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="lever",
        doc="A_vol: animation intensity of a volunteer member (0 = no volunteer animation)",
    )
    volunteer_fte: float = param(
        0.2,
        lo=0.0,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="time a volunteer member gives to the animation (valued at rho_0, in kind)",
    )
    vegetation_delay: int = param(
        9,
        lo=1,
        hi=60,
        unit="months",
        role="uncertainty",
        doc="months without any animation before a formal pole vegetates",
    )
    vegetation_death: int = param(
        24,
        lo=1,
        hi=120,
        unit="months",
        role="uncertainty",
        doc="months of vegetation before the pole is declared dead (cause: funding)",
    )
    idle_limit: int = param(
        18,
        lo=1,
        hi=120,
        unit="months",
        role="uncertainty",
        doc="months without any cooperation among members before the pole dies",
    )
    leaderless_limit: int = param(
        36,
        lo=1,
        hi=240,
        unit="months",
        role="uncertainty",
        doc="months without a leader after which the pole dissolves (cause: leader loss)",
    )
    debt_limit: float = param(
        30.0,
        lo=0.0,
        hi=1000.0,
        unit="k€",
        role="uncertainty",
        doc="debt of the cell beyond which the pole dies (cause: funding)",
    )
    institution_rate: float = param(
        0.03,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="iota: monthly growth of institutionalisation of a formal pole",
    )
    institution_decay: float = param(
        0.05,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="iota_v: monthly loss of institutionalisation while vegetating",
    )
    join_consider: float = param(
        0.031,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="p_consider: monthly probability that a trusted outsider weighs joining",
        source="calibrated",
    )
    pole_time: float = param(
        0.17,
        lo=0.0,
        hi=1.0,
        unit="FTE",
        role="uncertainty",
        doc="c_P: time a member gives to pole activities (meetings, pooled services)",
        source="calibrated",
    )
    value_premium: float = param(
        1.2,
        lo=0.0,
        hi=20.0,
        unit="k€/month",
        role="uncertainty",
        doc="V_0: monthly worth of belonging to a pole that shares one's values",
        source="calibrated",
    )
    patience_min: int = param(
        3,
        lo=1,
        hi=36,
        unit="months",
        role="uncertainty",
        doc="fewest dissatisfied months before a member leaves",
    )
    patience_max: int = param(
        6,
        lo=1,
        hi=36,
        unit="months",
        role="uncertainty",
        doc="most dissatisfied months before a member leaves",
    )
    succession_rate: float = param(
        0.06,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="s_0: monthly probability of a new leader at full trust and institutionalisation",
    )
    succession_support: float = param(
        0.0,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="lever",
        doc="s_support: extra monthly probability of a new leader (succession programme)",
    )
    tender_rate: float = param(
        0.02,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="monthly probability that a formal pole is offered a tender needing critical size",
    )
    tender_size: int = param(
        8,
        lo=2,
        hi=25,
        unit="organisations",
        role="structure",
        doc="members needed to answer a collective tender",
    )

    def __post_init__(self) -> None:
        if self.patience_min > self.patience_max:
            raise ConfigError(
                "patience_min must not exceed patience_max",
                key="poles.patience_min",
                value=self.patience_min,
                allowed=f"<= patience_max ({self.patience_max})",
            )
        if self.min_size > self.formal_size:
            raise ConfigError(
                "min_size must not exceed formal_size",
                key="poles.min_size",
                value=self.min_size,
                allowed=f"<= formal_size ({self.formal_size})",
            )


def formalisation_hazard(
    eligible: ArrayLike, catalyst: ArrayLike, p: PoleParams
) -> NDArray[np.float64]:
    """``1 - exp(-lambda_F * G * (1 + c_E * E))``."""
    g = np.asarray(eligible, dtype=float)
    e = np.asarray(catalyst, dtype=float)
    return -np.expm1(-p.formalisation_rate * g * (1.0 + p.catalyst_boost * e))


def formalisation_eligible(
    size: int,
    mean_trust: float,
    has_leader: bool,
    pledged: float,
    first_year_cost: float,
    p: PoleParams,
) -> bool:
    """G: size, mean trust, a leader, and a pledged first-year budget."""
    return (
        size >= p.formal_size
        and mean_trust >= p.formal_trust
        and has_leader
        and pledged >= p.pledge_share * first_year_cost
    )


def animation_intensity(
    status: int, fte: float, volunteer: bool, has_leader: bool, p: PoleParams
) -> float:
    """``A`` of a pole (see module docstring)."""
    lead = 1.0 if has_leader else 1.0 - p.leaderless_loss
    if status == Status.INFORMAL:
        return p.informal_animation if has_leader else 0.0
    if status != Status.FORMAL:
        return 0.0
    if fte > 0:
        return min(1.0, fte / p.full_fte) * lead
    if volunteer:
        return p.volunteer_animation * lead
    return 0.0


def institutionalise(i: float, status: int, dedicated: bool, p: PoleParams) -> float:
    """One month of institutionalisation ``I``."""
    if status == Status.FORMAL:
        rate = p.institution_rate * (2.0 if dedicated else 1.0)
        return i + min(rate, 1.0) * (1.0 - i)
    if status == Status.VEGETATING:
        return i * (1.0 - p.institution_decay)
    return 0.0


def join_value(
    perceived: ArrayLike,
    alpha: ArrayLike,
    homophily: ArrayLike,
    monthly_dues: ArrayLike,
    rho0: float,
    p: PoleParams,
) -> NDArray[np.float64]:
    """Net monthly value of joining: ``rho*c_P + alpha*H*V_0 - dues/12 - c_P*rho_0``.

    ``monthly_dues`` is already per month. Join when positive.
    """
    rho = np.asarray(perceived, dtype=float)
    values = np.asarray(alpha, dtype=float) * np.asarray(homophily, dtype=float) * p.value_premium
    return rho * p.pole_time + values - np.asarray(monthly_dues, dtype=float) - p.pole_time * rho0


def dissatisfied(
    perceived: ArrayLike,
    aspiration: ArrayLike,
    alpha: ArrayLike,
    homophily: ArrayLike,
    p: PoleParams,
) -> NDArray[np.bool_]:
    """A member is dissatisfied while ``rho < a - alpha * H * V_0 / c_P``."""
    tolerance = (
        np.asarray(alpha, dtype=float)
        * np.asarray(homophily, dtype=float)
        * (p.value_premium / max(p.pole_time, 1e-9))
    )
    return np.asarray(perceived, dtype=float) < np.asarray(aspiration, dtype=float) - tolerance


def succession_probability(mean_trust: float, institutionalisation: float, p: PoleParams) -> float:
    """``s = s_0 * (mean trust + I) / 2 + s_support``, in [0, 1]."""
    s = p.succession_rate * (mean_trust + institutionalisation) / 2.0 + p.succession_support
    return float(min(max(s, 0.0), 1.0))


def death_cause(
    cash: float,
    vegetating_months: int,
    size: int,
    idle_months: int,
    leaderless_months: int,
    mean_trust: float,
    p: PoleParams,
) -> str | None:
    """The cause of death this month, or None if the pole lives on (decision table above)."""
    if cash < -p.debt_limit:
        return "funding"
    if vegetating_months >= p.vegetation_death:
        return "funding"
    if leaderless_months >= p.leaderless_limit:
        return "leader_loss"
    if size < p.min_size or idle_months >= p.idle_limit:
        if leaderless_months >= 12:
            return "leader_loss"
        if mean_trust < p.trust_threshold:
            return "trust_collapse"
        return "membership_erosion"
    return None


def reachable(adjacency: NDArray[np.bool_], start: int) -> NDArray[np.bool_]:
    """Nodes connected to ``start`` in an undirected graph (breadth-first, by frontiers)."""
    seen = np.zeros(adjacency.shape[0], dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        frontier = adjacency[frontier].any(axis=0) & ~seen
        seen |= frontier
    return seen
