r"""Phase 3: partner search and project proposals (ODD §7.4; parameters ``[cooperation]``).

Each month an organisation with free time and no vacancy searches with probability::

    lambda = lambda_0 + lambda_A * A + lambda_E * E                (search_probability)

(``A``: its pole's animation intensity, ``E`` = 1 while a catalyst is active). It draws a
project kind from the propensities of its own kind (``KIND_PROPENSITY``), the pooling
propensity multiplied by ``1 + tau_P * A`` and renormalised (project_kind): organising
pooled skills, places and purchases is the animation cell's main trade. The project
costs each participant ``c_k = cbar_k * (1 - chi_A * A)`` FTE a month (project_cost).

It then considers ``m`` candidates drawn without replacement with weights::

    w_ij = exp(-d_ij / l) + w_0 + w_prev * [cooperated before] + w_pole * [same pole]

(acquaintance and candidate_weight), one after the other (each with probability
proportional to its weight among those not drawn yet). For candidate ``j`` and kind
``k``, ``i`` scores::

    S_ij = T_ij^gamma * Q_ij^(1 - gamma)                           (score)
    Q_ij = alpha_i * H_ij + (1 - alpha_i) * R_ij                   values vs interest
    H_ij = 1 - |v_i - v_j|_1 / 3                                   (homophily)
    R_ij = B_ij / (B_ij + c_k * rho_0)                             (expected_return)
    B_ij = fit_k(i, j) * rho_i * cbar_k                            expected benefit

``fit`` (kind_fit) is the complementarity of competences for commercial and R&D
projects (what ``j`` brings that ``i`` lacks), their Jaccard similarity for pooling, and
the mean of both for strategic ones, ``1 + a_S`` times higher when the two work in the
same sector (pair_fit: value chains). A project starts when **both** sides score at least
``theta`` and have the time; partners are chosen by softmax on ``beta * S`` without
replacement (choice_key: the Gumbel-top-k trick), their number is geometric
(partners_wanted), its duration uniform (project_duration). R&D projects need a research
or training centre. Each participant assigns one of its persons in post, a territorial
entrepreneur ``leader_assignment`` times as likely as a colleague (person_weight).

References: Klos & Nooteboom (2001) for partner choice combining trust and expected
profit; SKIN (Gilbert, Ahrweiler & Pyka) for partner search.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import ProjectKind
from ptce_sim.rules.jit import clip, rule

_POOLING = int(ProjectKind.POOLING)
_STRATEGIC = int(ProjectKind.STRATEGIC)


@rule
def search_probability(animation: float, catalyst: float, p: Any) -> float:
    """``lambda = lambda_0 + lambda_A * A + lambda_E * E``, clipped to [0, 1].

    ``p``: the ``[cooperation]`` parameters (``CooperationParams`` or its record)."""
    return clip(
        p.search_rate + p.search_rate_animation * animation + p.search_rate_catalyst * catalyst,
        0.0,
        1.0,
    )


@rule
def project_kind(u: float, propensity: NDArray[np.float64], tilt: float, animation: float) -> int:
    """The project kind a uniform draw ``u`` picks from a searcher's kind propensities
    (its row of ``KIND_PROPENSITY``), pooling weighted by ``1 + tau_P * A``.

    The weights are normalised, then summed in order; the last running sum is exactly 1
    so that every draw picks a kind: the kind is the number of running sums below ``u``.
    """
    nk = len(propensity)
    pooling = propensity[_POOLING] * (1.0 + tilt * animation)
    total = 0.0
    for c in range(nk):
        total += pooling if c == _POOLING else propensity[c]
    k = 0
    cum = 0.0
    for c in range(nk):
        w = pooling if c == _POOLING else propensity[c]
        cum = 1.0 if c == nk - 1 else cum + w / total
        if u > cum:
            k += 1
    return k


@rule
def project_cost(nominal: float, time_saving: float, animation: float) -> float:
    """Monthly time cost per participant after the cell's help: ``cbar * (1 - chi_A * A)``."""
    return nominal * (1.0 - time_saving * animation)


@rule
def acquaintance(distance: float, p: Any) -> float:
    """Candidate weight of any organisation at distance ``d``: ``exp(-d / l) + w_0``."""
    return math.exp(-distance / p.acquaintance_range) + p.random_weight


@rule
def candidate_weight(acquaintance: float, was_partner: bool, same_pole: bool, p: Any) -> float:
    """``w_ij``: acquaintance, plus ``w_prev`` for a previous partner (persons now in post
    who worked together), plus ``w_pole`` for a co-member of the searcher's pole."""
    w = acquaintance
    if was_partner:
        w += p.previous_partner_weight
    if same_pole:
        w += p.pole_weight
    return w


@rule
def homophily(values_i: NDArray[np.float64], values_j: NDArray[np.float64]) -> float:
    """``H_ij = 1 - |v_i - v_j|_1 / K`` for values in [0, 1]^K (K = 3): in [0, 1]."""
    k = len(values_i)
    total = 0.0
    for c in range(k):
        total += abs(values_i[c] - values_j[c])
    return 1.0 - total / k


@rule
def complementarity(comp_i: NDArray[np.bool_], comp_j: NDArray[np.bool_]) -> float:
    """``comp_ij``: the share of ``j``'s competences that ``i`` lacks (what ``j`` brings)."""
    shared = 0.0
    size_j = 0.0
    for c in range(len(comp_i)):
        if comp_j[c]:
            size_j += 1.0
            if comp_i[c]:
                shared += 1.0
    return (size_j - shared) / max(size_j, 1.0)


@rule
def similarity(comp_i: NDArray[np.bool_], comp_j: NDArray[np.bool_]) -> float:
    """``sim_ij``: Jaccard similarity of two competence sets (what pooling can share)."""
    shared = 0.0
    size_i = 0.0
    size_j = 0.0
    for c in range(len(comp_i)):
        size_i += 1.0 if comp_i[c] else 0.0
        size_j += 1.0 if comp_j[c] else 0.0
        shared += 1.0 if comp_i[c] and comp_j[c] else 0.0
    return shared / max(size_i + size_j - shared, 1.0)


@rule
def kind_fit(kind: int, comp: float, sim: float) -> float:
    """Fit of a pair for a project kind: similarity for pooling, the mean of
    complementarity and similarity for strategic projects, complementarity otherwise."""
    if kind == _POOLING:
        return sim
    if kind == _STRATEGIC:
        return 0.5 * (comp + sim)
    return comp


@rule
def pair_fit(kind: int, comp: float, sim: float, same_sector: bool, p: Any) -> float:
    """Fit of a pair for a project kind (:func:`kind_fit`), ``1 + a_S`` times higher when
    both work in the same sector: a value chain (wood construction, food, mobility) is
    where complementary competences meet (``a_S``: ``sector_affinity``)."""
    fit = kind_fit(kind, comp, sim)
    return fit * (1.0 + p.sector_affinity) if same_sector else fit


@rule
def expected_return(
    fit: float, perceived: float, nominal_cost: float, cost: float, rho0: float
) -> float:
    """``R = B / (B + c * rho_0)`` with ``B = fit * rho * cbar``; in [0, 1)."""
    b = fit * perceived * nominal_cost
    den = b + cost * rho0
    return b / den if den > 0 else 0.0


@rule
def score(trust: float, homophily: float, ret: float, alpha: float, gamma: float) -> float:
    """``S = T^gamma * (alpha * H + (1 - alpha) * R)^(1 - gamma)``."""
    return trust**gamma * (alpha * homophily + (1.0 - alpha) * ret) ** (1.0 - gamma)


@rule
def agrees(score: float, threshold: float) -> bool:
    """A side agrees to a project when its score reaches ``theta``."""
    return score >= threshold


@rule
def choice_key(score: float, agrees: bool, beta: float, u: float) -> float:
    """Sampling key of a candidate for the softmax choice on ``beta * S`` (Gumbel-top-k):
    ``beta * S + Gumbel(u)``; a candidate that does not agree is never chosen (``-inf``).
    ``Gumbel(u) = -log(-log(1 - u))`` (``+inf`` when ``u`` is 0)."""
    if not agrees:
        return -np.inf
    if u <= 0.0:
        return np.inf
    return beta * score + -math.log(-math.log(1.0 - u))


@rule
def geometric(u: float, p: float) -> int:
    """Trials up to the first success (geometric, success probability ``p``) from a
    uniform draw, by sequential search: the smallest ``x`` with ``(1 - p)^x <= 1 - u``.

    Why the complement: summing ``p (1 - p)^k`` towards 1 can stall a rounding error
    short of a draw such as ``1 - 2^-53`` (numpy makes them), and the search would then
    stop early or never; ``(1 - p)^x`` shrinks with a relative error only. When it stops
    shrinking (``p = 0``: no success ever) the search ends at the trials so far.
    """
    x = 1
    rest = 1.0 - p  # the chance of needing more than x trials
    miss = 1.0 - u
    while rest > miss:
        shrunk = rest * (1.0 - p)
        if shrunk == rest:
            break
        rest = shrunk
        x += 1
    return x


@rule
def partners_wanted(u: float, p: Any) -> int:
    """Partners an initiator invites: 1 plus a geometric number of extra partners (each
    with probability ``extra_partner_prob``), at most ``max_partners``."""
    return min(geometric(u, 1.0 - p.extra_partner_prob), p.max_partners)


@rule
def person_weight(is_leader: bool, p: Any) -> float:
    """Weight of a person in post when its organisation assigns one to a project: a
    territorial entrepreneur counts ``leader_assignment`` times a colleague (leaders
    carry their organisation's cooperation, and so its ties)."""
    return p.leader_assignment if is_leader else 1.0


@rule
def project_duration(u: float, shortest: int, longest: int) -> int:
    """Months a project lasts, uniform on ``[shortest, longest]`` from a uniform draw."""
    span = longest - shortest
    return shortest + min(int(u * (span + 1)), span)
