r"""Phase 7: who joins a pole, who is dissatisfied, who leaves (ODD §7.6; parameters
``[poles]``, ``[funding]``).

**Ties.** Two organisations are *linked* when persons of theirs now in post have worked
together (a tie: ``rules/trust.py``) and their effective trust is at least ``theta_T``
(trusted_tie); links make poles emerge (``rules/lifecycle.py``) and draw outsiders in. A
departure that takes the last tie between two members unlinks them.

**Joining.** An outsider considers joining with probability ``p_consider`` a month,
``(1 + r_L)`` times more when its persons have worked with a pole's leader (leaders
recruit: consider_probability); it weighs the pole where it has the most linked members,
and joins when::

    rho_i * c_P + alpha_i * H(i, pole) * V_0  >  dues_i + c_P * rho_0      (join_value > 0)

(expected monthly return on the time ``c_P`` it would give the pole, plus the value of
shared values, against its monthly dues — none for an informal pole — and the
opportunity cost of that time). ``H(i, pole)``: its mean value homophily with the
members.

**Leaving.** A member is *dissatisfied* while::

    rho_i - dues_i / c_P  <  a_i - alpha_i * H(i, pole) * V_0 / c_P           (dissatisfied)

(value-driven members tolerate a lower return), or while it is *detached*: none of its
persons in post has a trusted tie to a person of another member (``trusted_tie``). Persons
carry the pole: when the persons who worked with the other members have left and their
successors have not yet worked with them, the organisation has lost its reason of its own
to be there, whatever its return — the field's "any change in the teams can destabilise
the dynamic". A successor who works with the other members within the member's patience
re-attaches it (pole co-members are favoured partners: ``cooperation.pole_weight``; the
cell passes relations on at a departure: ``turnover.handover_animation``). The dues of a
formal pole count against
the return, per unit of the time given to the pole (dues_burden), as they do when the
member decides to join: the field names the cost of animation among what weakens poles,
and a member who would not join at these dues does not stay forever at them either. A
dissatisfied member stops paying, so the burden is what it is asked to pay. It leaves after
``patience`` (drawn in
``[patience_min, patience_max]`` when a spell starts) consecutive dissatisfied months; a
dissatisfied member of a formal pole does not pay its dues, and with ``dues_exclusion``
it is excluded after ``exclusion_months`` unpaid months.
"""

from __future__ import annotations

from typing import Any

from ptce_sim.rules.jit import rule


@rule
def trusted_tie(trust: float, ties: int, threshold: float) -> bool:
    """A link of the pole graph: persons in post who worked together (``ties`` tied pairs
    of persons) and trust >= theta_T."""
    return ties > 0 and trust >= threshold


@rule
def consider_probability(knows_leader: bool, p: Any) -> float:
    """Monthly probability that an outsider weighs joining a pole: ``p_consider``, times
    ``1 + r_L`` when its persons have worked with a pole's leader (``p``: ``[poles]``)."""
    return p.join_consider * (1.0 + p.leader_recruit) if knows_leader else p.join_consider


@rule
def join_value(
    perceived: float, alpha: float, homophily: float, monthly_dues: float, rho0: float, p: Any
) -> float:
    """Net monthly value of joining: ``rho * c_P + alpha * H * V_0 - dues - c_P * rho_0``
    (``p``: ``[poles]``). Join when positive."""
    values = alpha * homophily * p.value_premium
    return perceived * p.pole_time + values - monthly_dues - p.pole_time * rho0


@rule
def tolerance_factor(p: Any) -> float:
    """``V_0 / c_P``: the return a member forgives per unit of ``alpha * H``."""
    return p.value_premium / max(p.pole_time, 1e-9)


@rule
def dues_burden(monthly_dues: float, p: Any) -> float:
    """``dues / c_P``: the return per FTE-month of pole time that a member's monthly dues
    (wages; 0 in an informal pole) eat (``p``: ``[poles]``)."""
    return monthly_dues / max(p.pole_time, 1e-9)


@rule
def dissatisfied(
    perceived: float,
    aspiration: float,
    alpha: float,
    homophily: float,
    tolerance: float,
    burden: float,
    linked: bool,
) -> bool:
    """A member is dissatisfied while ``rho - burden < a - alpha * H * tolerance``
    (``tolerance``: :func:`tolerance_factor`; ``burden``: :func:`dues_burden`), or while
    it is not ``linked`` (no trusted tie to another member: detached)."""
    return (not linked) or perceived - burden < aspiration - alpha * homophily * tolerance


@rule
def patience_exhausted(dissatisfied_months: int, patience: int) -> bool:
    """A dissatisfied member leaves when its spell reaches its patience."""
    return dissatisfied_months >= patience


@rule
def excluded_for_dues(unpaid_months: int, p: Any) -> bool:
    """With ``dues_exclusion`` (``p``: ``[funding]``), a member is excluded after
    ``exclusion_months`` consecutive unpaid months."""
    return p.dues_exclusion and unpaid_months >= p.exclusion_months
