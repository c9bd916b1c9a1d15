r"""Phase 9: the life of a pole — leadership, formalisation, animation,
institutionalisation, vegetation, death — and the emergence of new poles (ODD §7.6;
parameters ``[poles]``, ``[cell]``).

**Emergence.** After a successful joint project, the organisations outside any pole that
are linked (``rules/membership.trusted_tie``: effective trust ``T >= theta_T`` *and* at
least one completed cooperation) form a graph; the connected group containing that
project becomes an **informal pole** when it has at least ``n_min`` organisations and a
leader (a person flagged as territorial entrepreneur) in post. The founder is drawn
among the group's organisations with a leader.

**Pole trust.** A pole's mean member trust is the mean effective trust over ordered
pairs of members that have cooperated (over all pairs when none has).

**Leadership.** The leader is a person: a territorial entrepreneur of a member, who
takes part in more of its organisation's projects (``rules/search.person_weight``) and
so holds many of the pole's ties, and who draws outsiders it has worked with
(``rules/membership.consider_probability``). When the leader leaves, its ties go with it,
``A`` is reduced until a successor emerges among the persons in post of the pole's ESS
members, with monthly probability::

    s = s_0 * (mean trust + I) / 2 + s_support                    (succession_probability)

the successor drawn with weights ``1 + w_ties * ties`` (its ties to the other members'
persons, ``successor_weight``): the person who knows the pole best.

**Formalisation** (legal body + animation cell), monthly hazard::

    h_F = 1 - exp(-lambda_F * G * (1 + c_E * E))                  (formalisation_hazard)
    G   = 1 if size >= n_F and mean trust >= theta_F and a leader is in post
              and pledged first-year budget >= phi_F * first-year cell cost  (..._eligible)

``E`` = 1 while a call for projects is open or a catalyst is active; the pledged budget
is ``rules/cell.pledged_budget``. Governance is a dedicated body (association or SCIC)
with probability ``p_dedicated``, otherwise the animation is delegated to the founding
organisation (the leader's).

**Animation intensity** ``A`` (it raises search, lowers project time cost, raises success
and handover)::

    formal, with a cell:   A = min(1, FTE / FTE_full) * (1 - l_L * [no leader])
    volunteer animation:   A = A_vol * (1 - l_L * [no leader])
    informal:              A = A_inf * [leader in post]
    vegetating or dead:    A = 0                                  (animation_intensity)

A formal pole without any animation for ``vegetation_delay`` months **vegetates**.

**Institutionalisation** ``I``: formal poles ``I <- I + iota * (1 - I)`` (twice as fast
with a dedicated body), vegetating poles ``I <- I * (1 - iota_v)``, informal poles
``I = 0`` (institutionalise).

**Death**, checked in this order, with its recorded cause (death_cause):

1. cash below ``-debt_limit``                                   -> funding
2. vegetating for ``veg_death`` months                           -> funding
3. fewer than ``n_min`` members (informal) or ``n_core`` (formal, vegetating: the hard
   core), or no cooperation among members for ``idle_limit``
   months (the pole has stopped living): leaderless for 12+ months -> leader loss; else
   mean member trust fell below ``theta_T`` after having been above it -> trust
   collapse (trust_fell); else -> membership erosion.

There is no timer on leadership: a pole without a leader dies only when its members
stop cooperating or leave.

References: Provan & Kenis (2008) for the network administrative organisation (the cell);
Brüderl & Schüssler (1990) and Levinthal (1991) for survival as a cash random walk and the
hazard peak after an endowment ends.
"""

from __future__ import annotations

import math
from typing import Any

from ptce_sim.rules.jit import clip, rule
from ptce_sim.rules.poles import (
    DEDICATED,
    DELEGATED,
    FORMAL,
    FUNDING,
    INFORMAL,
    LEADER_LOSS,
    MEMBERSHIP_EROSION,
    TRUST_COLLAPSE,
    VEGETATING,
)

#: Months without a leader after which a pole that dies of too few members or idleness
#: is recorded as dying of the leader's loss rather than of its membership.
LEADERLESS_CAUSE_MONTHS = 12


@rule
def succession_probability(mean_trust: float, institutionalisation: float, p: Any) -> float:
    """``s = s_0 * (mean trust + I) / 2 + s_support``, in [0, 1] (``p``: ``[poles]``)."""
    s = p.succession_rate * (mean_trust + institutionalisation) / 2.0 + p.succession_support
    return clip(s, 0.0, 1.0)


@rule
def successor_weight(ties: int, p: Any) -> float:
    """Weight of a candidate successor: ``1 + w_ties * ties`` (its ties to the persons of
    the pole's other members)."""
    return 1.0 + p.successor_ties * ties


@rule
def formalisation_eligible(
    size: int, mean_trust: float, has_leader: bool, pledged: float, first_year_cost: float, p: Any
) -> bool:
    """G: size, mean trust, a leader in post, and a pledged first-year budget."""
    return (
        size >= p.formal_size
        and mean_trust >= p.formal_trust
        and has_leader
        and pledged >= p.pledge_share * first_year_cost
    )


@rule
def formalisation_hazard(eligible: bool, catalyst: float, p: Any) -> float:
    """``1 - exp(-lambda_F * G * (1 + c_E * E))``."""
    g = 1.0 if eligible else 0.0
    return -math.expm1(-p.formalisation_rate * g * (1.0 + p.catalyst_boost * catalyst))


@rule
def governance(u: float, p: Any) -> int:
    """Governance of a pole that formalises, from a uniform draw: a dedicated body with
    probability ``p_dedicated``, else animation delegated to the founding organisation."""
    return DEDICATED if u < p.dedicated_share else DELEGATED


@rule
def animation_intensity(
    status: int, fte: float, volunteer: bool, has_leader: bool, p: Any
) -> float:
    """``A`` of a pole (module docstring)."""
    lead = 1.0 if has_leader else 1.0 - p.leaderless_loss
    if status == INFORMAL:
        return p.informal_animation if has_leader else 0.0
    if status != FORMAL:
        return 0.0
    if fte > 0:
        return min(1.0, fte / p.full_fte) * lead
    if volunteer:
        return p.volunteer_animation * lead
    return 0.0


@rule
def vegetates(unanimated_months: int, p: Any) -> bool:
    """A formal pole vegetates after ``vegetation_delay`` months without animation."""
    return unanimated_months >= p.vegetation_delay


@rule
def institutionalise(i: float, status: int, dedicated: bool, p: Any) -> float:
    """One month of institutionalisation ``I``."""
    if status == FORMAL:
        rate = p.institution_rate * (2.0 if dedicated else 1.0)
        return i + min(rate, 1.0) * (1.0 - i)
    if status == VEGETATING:
        return i * (1.0 - p.institution_decay)
    return 0.0


@rule
def at_risk(size: int, idle_months: int, status: int, p: Any) -> bool:
    """Too few members (``n_min`` for an informal pole, the hard core ``n_core`` for a
    formal or vegetating one), or no cooperation among members for ``idle_limit`` months.

    Why two sizes: an informal group exists only while enough partners stay linked, but
    a pole with a legal body and a cell survives the departure of its second circle; it
    ends when its hard core is gone (the field's "first circle" of founders).
    """
    smallest = p.min_size if status == INFORMAL else p.core_size
    return size < smallest or idle_months >= p.idle_limit


@rule
def trust_fell(mean_trust: float, trust_peak: float, p: Any) -> bool:
    """The members' mean trust is below ``theta_T`` after having been at or above it."""
    return mean_trust < p.trust_threshold <= trust_peak


@rule
def death_cause(
    cash: float,
    vegetating_months: int,
    status: int,
    size: int,
    idle_months: int,
    leaderless_months: int,
    mean_trust: float,
    trust_peak: float,
    p: Any,
) -> int:
    """The cause of death this month as an index in ``rules.poles.CAUSES``, or -1 if the
    pole lives on (decision table in the module docstring)."""
    if cash < -p.debt_limit:
        return FUNDING
    if vegetating_months >= p.vegetation_death:
        return FUNDING
    if at_risk(size, idle_months, status, p):
        if leaderless_months >= LEADERLESS_CAUSE_MONTHS:
            return LEADER_LOSS
        if trust_fell(mean_trust, trust_peak, p):
            return TRUST_COLLAPSE
        return MEMBERSHIP_EROSION
    return -1
