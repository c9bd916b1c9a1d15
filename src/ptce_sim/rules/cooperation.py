r"""Cooperation: trust x values x perceived return (ODD §7.4, MODEL.md §4).

Each month an organisation with free time and no vacancy searches with probability::

    lambda = lambda_0 + lambda_A * A + lambda_E * E

(``A``: its pole's animation intensity, ``E`` = 1 while a catalyst is active). It draws a
project kind from the propensities of its own kind (:data:`KIND_PROPENSITY`), the pooling
propensity raised to ``pi_pool * (1 + tau_P * A)`` because organising pooled skills, places,
staff and purchases is the animation cell's main trade (renormalised; ``tau_P = 0`` leaves
the kind's propensities as they are), then ``m`` candidates without replacement with
weights::

    w_ij = exp(-d_ij / l) + w_prev * [i and j cooperated before] + w_pole * [same pole] + w_0

(acquaintances decaying with distance, previous partners, pole co-members, and a small
random top-up ``w_0``). For candidate ``j`` and kind ``k``, organisation ``i`` scores::

    S_ij = T_ij^gamma * Q_ij^(1 - gamma)
    Q_ij = alpha_i * H_ij + (1 - alpha_i) * R_ij            values vs interest
    H_ij = 1 - |v_i - v_j|_1 / 3                             value homophily
    R_ij = B_ij / (B_ij + c_k * rho_0)                       perceived return on time
    B_ij = fit_k(i, j) * rho_i * cbar_k                      expected benefit

``rho_i`` is i's perceived return per FTE-month (learned, below), ``cbar_k`` the nominal
monthly time cost of kind ``k`` and ``c_k = cbar_k * (1 - chi_A * A)`` the cost after the
animation cell's help, ``rho_0`` the opportunity cost of an FTE-month. ``fit`` is the
complementarity of competences for commercial and R&D projects (what j brings that i
lacks), their similarity (Jaccard) for pooling, and the mean of both for strategic ones.

A project starts when **both** sides score at least ``theta`` and have the time; partners
are chosen by softmax on ``S`` (Gumbel top-k sampling, without replacement).

On completion the project succeeds with probability::

    p = logistic(b0 + b1 * sqrt(T_bar) + b2 * comp_bar + b3 * A)

and each participant gains ``g = v_k * fit * cbar_k * D * rho_0 * eps`` on success (a share
``f`` of it on failure), ``eps`` log-normal with mean 1. Its realised return on time
``r = g / (c_k * D)`` feeds the perceived return and the aspiration::

    rho <- (1 - lambda_r) * rho + lambda_r * r
    a   <- (1 - mu) * a + mu * rho

References: Klos & Nooteboom (2001) for partner choice combining trust and expected
profit; SKIN (Gilbert, Ahrweiler & Pyka) for partner search; Levinthal (1991) for
aspiration learning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ptce_sim.base.domain import ProjectKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param

F = NDArray[np.float64]

#: Propensity of each organisation kind (rows: ASSO, COOP, SIAE, FIRM, LA, RT) to propose
#: each project kind (columns: commercial, pooling, strategic, R&D). An assumption,
#: shaped by the field brief: market kinds seek outlets, associations pool, local
#: authorities work on strategy, research centres on R&D.
KIND_PROPENSITY = np.array(
    [
        [0.35, 0.35, 0.25, 0.05],  # ASSO
        [0.55, 0.20, 0.20, 0.05],  # COOP
        [0.55, 0.25, 0.15, 0.05],  # SIAE
        [0.65, 0.15, 0.10, 0.10],  # FIRM
        [0.20, 0.20, 0.60, 0.00],  # LA
        [0.10, 0.10, 0.20, 0.60],  # RT
    ]
)


@dataclass(frozen=True, kw_only=True)
class CooperationParams:
    """Parameters of partner search, project choice, success and return learning."""

    search_rate: float = param(
        0.28,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_0: monthly probability that an organisation with free time looks for partners",
        source="calibrated",
    )
    search_rate_animation: float = param(
        0.53,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_A: extra search probability at full animation intensity",
        source="calibrated",
    )
    search_rate_catalyst: float = param(
        0.2,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_E: extra search probability while a catalyst is active",
    )
    candidates: int = param(
        5,
        lo=1,
        hi=30,
        unit="organisations",
        role="uncertainty",
        doc="m: candidates considered per search",
    )
    acquaintance_range: float = param(
        0.15,
        lo=0.01,
        hi=2.0,
        unit="territory width",
        role="uncertainty",
        doc="l: distance at which acquaintance weight falls by a factor e",
    )
    previous_partner_weight: float = param(
        3.0,
        lo=0.0,
        hi=50.0,
        unit="-",
        role="uncertainty",
        doc="w_prev: extra candidate weight of a previous partner",
    )
    pole_weight: float = param(
        14.0,
        lo=0.0,
        hi=50.0,
        unit="-",
        role="uncertainty",
        doc="w_pole: extra candidate weight of a pole co-member",
        source="calibrated",
    )
    random_weight: float = param(
        0.05,
        lo=0.0,
        hi=10.0,
        unit="-",
        role="uncertainty",
        doc="w_0: candidate weight of any organisation (random top-up)",
    )
    trust_weight: float = param(
        0.5,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="gamma: weight of trust in the partner score S = T^gamma Q^(1-gamma)",
    )
    threshold: float = param(
        0.45,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="theta: minimum score on both sides for a project to start",
        source="calibrated",
    )
    choice_sharpness: float = param(
        10.0,
        lo=0.0,
        hi=100.0,
        unit="-",
        role="uncertainty",
        doc="beta: softmax sharpness of partner choice on the score",
    )
    extra_partner_prob: float = param(
        0.35,
        lo=0.0,
        hi=0.95,
        unit="-",
        role="uncertainty",
        doc="probability of inviting one more partner (geometric number of partners)",
    )
    max_partners: int = param(
        4,
        lo=1,
        hi=10,
        unit="organisations",
        role="structure",
        doc="most partners an initiator invites to one project (2 to 5 participants)",
    )
    opportunity_cost: float = param(
        5.0,
        lo=0.1,
        hi=50.0,
        unit="k€/FTE-month",
        role="uncertainty",
        doc="rho_0: what an FTE-month earns elsewhere (about the cost of a post)",
    )
    initial_return: float = param(
        1.0,
        lo=0.0,
        hi=5.0,
        unit="x rho_0",
        role="uncertainty",
        doc="perceived return at the start, as a multiple of rho_0",
    )
    pooling_tilt: float = param(
        8.6,
        lo=0.0,
        hi=50.0,
        unit="-",
        role="uncertainty",
        doc="tau_P: relative rise of the pooling propensity at full animation intensity",
        source="calibrated",
    )
    animation_time_saving: float = param(
        0.3,
        lo=0.0,
        hi=0.9,
        unit="-",
        role="uncertainty",
        doc="chi_A: share of project time cost saved at full animation intensity",
    )
    cost_commercial: float = param(
        0.13,
        lo=0.01,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="cbar: monthly time cost per participant of a commercial project",
        source="calibrated",
    )
    cost_pooling: float = param(
        0.08,
        lo=0.01,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="cbar: monthly time cost per participant of a pooling project",
    )
    cost_strategic: float = param(
        0.1,
        lo=0.01,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="cbar: monthly time cost per participant of a strategic project",
    )
    cost_rnd: float = param(
        0.2,
        lo=0.01,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="cbar: monthly time cost per participant of an R&D project",
    )
    duration_min: int = param(
        3,
        lo=1,
        hi=60,
        unit="months",
        role="uncertainty",
        doc="shortest project",
    )
    duration_max: int = param(
        21,
        lo=1,
        hi=60,
        unit="months",
        role="uncertainty",
        doc="longest project",
        source="calibrated",
    )
    value_commercial: float = param(
        6.8,
        lo=0.0,
        hi=20.0,
        unit="x time cost",
        role="uncertainty",
        doc="v: gain of a successful commercial project per unit of time cost at fit 1",
        source="calibrated",
    )
    value_pooling: float = param(
        1.8,
        lo=0.0,
        hi=20.0,
        unit="x time cost",
        role="uncertainty",
        doc="v: savings of a successful pooling project per unit of time cost at fit 1",
    )
    value_strategic: float = param(
        1.2,
        lo=0.0,
        hi=20.0,
        unit="x time cost",
        role="uncertainty",
        doc="v: gain of a successful strategic project per unit of time cost at fit 1",
    )
    value_rnd: float = param(
        3.5,
        lo=0.0,
        hi=20.0,
        unit="x time cost",
        role="uncertainty",
        doc="v: gain of a successful R&D project per unit of time cost at fit 1",
    )
    failure_share: float = param(
        0.2,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="f: share of the gain still realised when a project fails",
    )
    payoff_noise: float = param(
        0.5,
        lo=0.0,
        hi=3.0,
        unit="-",
        role="uncertainty",
        doc="sigma of the log-normal noise on gains (mean 1)",
    )
    success_intercept: float = param(
        -0.8,
        lo=-10.0,
        hi=10.0,
        unit="logit",
        role="uncertainty",
        doc="b0: success log-odds with no trust, no complementarity, no animation",
    )
    success_trust: float = param(
        2.5,
        lo=0.0,
        hi=10.0,
        unit="logit",
        role="uncertainty",
        doc="b1: success log-odds per unit of sqrt(mean trust)",
    )
    success_complementarity: float = param(
        1.0,
        lo=0.0,
        hi=10.0,
        unit="logit",
        role="uncertainty",
        doc="b2: success log-odds per unit of mean complementarity",
    )
    success_animation: float = param(
        0.5,
        lo=0.0,
        hi=10.0,
        unit="logit",
        role="uncertainty",
        doc="b3: success log-odds at full animation intensity",
    )
    learning_rate: float = param(
        0.2,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="lambda_r: weight of the latest realised return in the perceived return",
    )
    aspiration_rate: float = param(
        0.05,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="mu: monthly speed at which aspiration follows the perceived return",
    )

    def __post_init__(self) -> None:
        if self.duration_min > self.duration_max:
            raise ConfigError(
                "duration_min must not exceed duration_max",
                key="cooperation.duration_min",
                value=self.duration_min,
                allowed=f"<= duration_max ({self.duration_max})",
            )

    def costs(self) -> F:
        """Nominal monthly time cost by project kind (indexed by ProjectKind)."""
        return np.array(
            [self.cost_commercial, self.cost_pooling, self.cost_strategic, self.cost_rnd]
        )

    def values(self) -> F:
        """Value multiple by project kind (indexed by ProjectKind)."""
        return np.array(
            [self.value_commercial, self.value_pooling, self.value_strategic, self.value_rnd]
        )


def kind_propensity(org_kind: ArrayLike, animation: ArrayLike, tilt: float) -> F:
    """Project-kind propensities of each searcher (rows sum to 1), pooling tilted by ``A``.

    Row ``i`` is ``KIND_PROPENSITY[kind_i]`` with its pooling entry multiplied by
    ``1 + tilt * A_i``, renormalised. Why: members of an animated pole do not only meet more
    partners, they are steered towards pooling (the cell runs the pooled services the field
    survey found most sought: skills 79%, knowledge 76%, places 58%).
    """
    rows = KIND_PROPENSITY[np.asarray(org_kind, dtype=np.int64)].copy()
    rows[:, ProjectKind.POOLING] *= 1.0 + tilt * np.asarray(animation, dtype=float)
    return rows / rows.sum(axis=1, keepdims=True)


def cumulative_propensity(kind: ArrayLike, animation: ArrayLike, tilt: float) -> F:
    """Each organisation's cumulative kind propensities (:func:`kind_propensity`, then a
    running sum); the last column is forced to exactly 1 so that a uniform draw always
    picks a kind: the kind is the number of entries below the draw. The numpy reference
    the compiled search (``kernels.search._kind_of``, one searcher at a time) is tested
    against."""
    cum = np.cumsum(kind_propensity(kind, animation, tilt), axis=1)
    cum[:, -1] = 1.0
    return cum


def search_probability(animation: ArrayLike, catalyst: ArrayLike, p: CooperationParams) -> F:
    """``lambda = lambda_0 + lambda_A * A + lambda_E * E``, clipped to [0, 1]."""
    a = np.asarray(animation, dtype=float)
    e = np.asarray(catalyst, dtype=float)
    return np.clip(p.search_rate + p.search_rate_animation * a + p.search_rate_catalyst * e, 0, 1)


def value_homophily(values: ArrayLike) -> F:
    """``H_ij = 1 - |v_i - v_j|_1 / 3`` for values in [0, 1]^3; an n x n matrix in [0, 1]."""
    v = np.asarray(values, dtype=float)
    return 1.0 - np.abs(v[:, None, :] - v[None, :, :]).sum(axis=2) / v.shape[1]


def complementarity(competences: ArrayLike) -> F:
    """``comp_ij``: share of j's competences that i lacks (what j brings to i)."""
    c = np.asarray(competences, dtype=float)
    shared = c @ c.T
    size_j = c.sum(axis=1)
    return (size_j[None, :] - shared) / np.maximum(size_j[None, :], 1.0)


def similarity(competences: ArrayLike) -> F:
    """``sim_ij``: Jaccard similarity of competence sets (what pooling can share)."""
    c = np.asarray(competences, dtype=float)
    shared = c @ c.T
    size = c.sum(axis=1)
    union = size[:, None] + size[None, :] - shared
    return shared / np.maximum(union, 1.0)


def kind_fit(kind: ArrayLike, comp: ArrayLike, sim: ArrayLike) -> F:
    """Fit of a pair for a project kind: complementarity, similarity, or their mean."""
    k = np.asarray(kind)
    comp = np.asarray(comp, dtype=float)
    sim = np.asarray(sim, dtype=float)
    return np.where(
        k == ProjectKind.POOLING,
        sim,
        np.where(k == ProjectKind.STRATEGIC, 0.5 * (comp + sim), comp),
    )


def expected_return(
    fit: ArrayLike, perceived: ArrayLike, nominal_cost: ArrayLike, cost: ArrayLike, rho0: float
) -> F:
    """``R = B / (B + c * rho_0)`` with ``B = fit * rho * cbar``; in [0, 1)."""
    b = (
        np.asarray(fit, dtype=float)
        * np.asarray(perceived, dtype=float)
        * np.asarray(nominal_cost, dtype=float)
    )
    denom = b + np.asarray(cost, dtype=float) * rho0
    return np.divide(b, denom, out=np.zeros_like(denom), where=denom > 0)


def score(
    trust: ArrayLike, homophily: ArrayLike, ret: ArrayLike, alpha: ArrayLike, gamma: float
) -> F:
    """``S = T^gamma * (alpha * H + (1 - alpha) * R)^(1 - gamma)``."""
    q = np.asarray(alpha, dtype=float) * np.asarray(homophily, dtype=float) + (
        1.0 - np.asarray(alpha, dtype=float)
    ) * np.asarray(ret, dtype=float)
    return np.power(np.asarray(trust, dtype=float), gamma) * np.power(q, 1.0 - gamma)


def success_probability(
    mean_trust: ArrayLike, mean_comp: ArrayLike, animation: ArrayLike, p: CooperationParams
) -> F:
    """``logistic(b0 + b1 * sqrt(T_bar) + b2 * comp_bar + b3 * A)``."""
    x = (
        p.success_intercept
        + p.success_trust * np.sqrt(np.asarray(mean_trust, dtype=float))
        + p.success_complementarity * np.asarray(mean_comp, dtype=float)
        + p.success_animation * np.asarray(animation, dtype=float)
    )
    return 1.0 / (1.0 + np.exp(-x))


def gains(
    value_multiple: ArrayLike,
    fit: ArrayLike,
    nominal_cost: ArrayLike,
    duration: ArrayLike,
    success: ArrayLike,
    noise: ArrayLike,
    p: CooperationParams,
) -> F:
    """Gain (k€) of each participant: ``v * fit * cbar * D * rho_0 * eps``, times f on failure.

    ``noise`` is a standard-normal draw; ``eps = exp(sigma * z - sigma^2 / 2)`` has mean 1.
    """
    s = p.payoff_noise
    eps = np.exp(s * np.asarray(noise, dtype=float) - 0.5 * s * s)
    base = (
        np.asarray(value_multiple, dtype=float)
        * np.asarray(fit, dtype=float)
        * np.asarray(nominal_cost, dtype=float)
        * np.asarray(duration, dtype=float)
        * p.opportunity_cost
    )
    return base * eps * np.where(np.asarray(success, dtype=bool), 1.0, p.failure_share)


def learn(perceived: ArrayLike, realised: ArrayLike, rate: float) -> F:
    """``rho <- (1 - lambda_r) * rho + lambda_r * r``."""
    return (1.0 - rate) * np.asarray(perceived, dtype=float) + rate * np.asarray(
        realised, dtype=float
    )


def aspire(aspiration: ArrayLike, perceived: ArrayLike, rate: float) -> F:
    """``a <- (1 - mu) * a + mu * rho``."""
    return (1.0 - rate) * np.asarray(aspiration, dtype=float) + rate * np.asarray(
        perceived, dtype=float
    )


def gumbel_top_k(log_weights: ArrayLike, gumbel: ArrayLike, k: int) -> NDArray[np.int64]:
    """Indices of ``k`` items per row sampled without replacement with prob. ∝ ``exp(log_w)``.

    The Gumbel-top-k trick: adding independent Gumbel noise to log-weights and taking the
    k largest is equivalent to sequential sampling without replacement. Items with
    ``-inf`` log-weight are never chosen unless a row has fewer than k finite items
    (callers check the weight of what they get). Rows are sorted best first.
    """
    keys = np.asarray(log_weights, dtype=float) + np.asarray(gumbel, dtype=float)
    k = min(k, keys.shape[-1])
    part = np.argpartition(-keys, k - 1, axis=-1)[..., :k]
    order = np.argsort(-np.take_along_axis(keys, part, axis=-1), axis=-1, kind="stable")
    return np.take_along_axis(part, order, axis=-1)
