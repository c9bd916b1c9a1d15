"""The ``[cooperation]`` parameter group: partner search, project choice, success, gains
and return learning (ODD §7.4), and the project-kind propensities of each organisation
kind.

The group is read by three phases, whose equations live in their own rule modules:
``rules/search.py`` (phase 3: who searches, candidates, scores, partner choice),
``rules/outcomes.py`` (phase 4: success and gains) and ``rules/learning.py`` (phase 6:
perceived return and aspiration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param

F = NDArray[np.float64]

#: Propensity of each organisation kind (rows: ASSO, COOP, SIAE, FIRM, LA, RT) to propose
#: each project kind (columns: commercial, pooling, strategic, R&D). An assumption,
#: shaped by the field sources (docs/field.md): market kinds seek outlets, associations
#: pool, local authorities work on strategy, research and training centres on R&D and on
#: pooled knowledge and training (knowledge is the second pooling members seek, 76 %).
KIND_PROPENSITY = np.array(
    [
        [0.35, 0.35, 0.25, 0.05],  # ASSO
        [0.55, 0.20, 0.20, 0.05],  # COOP
        [0.55, 0.25, 0.15, 0.05],  # SIAE
        [0.65, 0.15, 0.10, 0.10],  # FIRM
        [0.20, 0.20, 0.60, 0.00],  # LA
        [0.10, 0.30, 0.20, 0.40],  # RT
    ]
)


@dataclass(frozen=True, kw_only=True)
class CooperationParams:
    """Parameters of partner search, project choice, success and return learning."""

    search_rate: float = param(
        0.41,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_0: monthly probability that an organisation with free time looks for partners",
        source="calibrated",
    )
    search_rate_animation: float = param(
        0.99,
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
        1.8,
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
        0.49,
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
    sector_affinity: float = param(
        0.35,
        lo=0.0,
        hi=3.0,
        unit="-",
        role="uncertainty",
        doc="relative rise of a pair's fit for a project when both work in the same sector",
        source="calibrated",
    )
    leader_assignment: float = param(
        2.3,
        lo=1.0,
        hi=20.0,
        unit="-",
        role="uncertainty",
        doc="weight of a territorial entrepreneur when its organisation staffs a project",
        source="calibrated",
    )
    opportunity_cost: float = param(
        1.0,
        lo=0.02,
        hi=10.0,
        unit="wages/FTE-month",
        role="uncertainty",
        doc="rho_0: what an FTE-month earns elsewhere, in wages (1 = what it costs)",
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
        3.2,
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
        0.38,
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
        10,
        lo=1,
        hi=60,
        unit="months",
        role="uncertainty",
        doc="longest project",
        source="calibrated",
    )
    value_commercial: float = param(
        3.3,
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
