"""The ``[poles]`` parameter group and the vocabulary of poles: status, governance, causes
of death (ODD §7.6).

The group is read by the pole phases, whose equations live in their own rule modules:
``rules/membership.py`` (phase 7: joining, dissatisfaction, leaving),
``rules/cell.py`` (phase 8: the animation cell's money and staff, volunteers) and
``rules/lifecycle.py`` (phase 9: leadership, formalisation, animation,
institutionalisation, vegetation, death, emergence).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param


class Status(IntEnum):
    """Pole status. It moves forward, but for one way back: a vegetating pole whose cell
    hires again is re-animated (formal)."""

    INFORMAL = 0
    FORMAL = 1
    VEGETATING = 2
    DEAD = 3


class Governance(IntEnum):
    NONE = 0  # informal pole
    DEDICATED = 1  # association or SCIC
    DELEGATED = 2  # animation delegated to the founding organisation


CAUSES: tuple[str, ...] = ("funding", "trust_collapse", "leader_loss", "membership_erosion")

#: The status codes as plain ints, for compiled code (``Status`` members in order).
INFORMAL, FORMAL, VEGETATING, DEAD = (int(s) for s in Status)
#: The governance codes as plain ints.
NO_GOVERNANCE, DEDICATED, DELEGATED = (int(g) for g in Governance)
#: The causes of death as codes: their index in :data:`CAUSES`.
FUNDING, TRUST_COLLAPSE, LEADER_LOSS, MEMBERSHIP_EROSION = range(len(CAUSES))


@dataclass(frozen=True, kw_only=True)
class PoleParams:
    """Parameters of the pole lifecycle."""

    min_size: int = param(
        7,
        lo=2,
        hi=50,
        unit="organisations",
        role="uncertainty",
        doc="n_min: smallest informal pole; fewer members and the pole dies",
        source="calibrated",
    )
    trust_threshold: float = param(
        0.54,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="theta_T: effective trust that links two organisations of a pole",
        source="calibrated",
    )
    core_size: int = param(
        6,
        lo=2,
        hi=50,
        unit="organisations",
        role="uncertainty",
        doc=(
            "n_core: smallest formal or vegetating pole; a legal body and a cell keep a "
            "hard core together below the size at which a group forms"
        ),
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
        0.37,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="theta_F: mean member trust needed to formalise",
        source="calibrated",
    )
    formalisation_rate: float = param(
        0.067,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="lambda_F: formalisation hazard when every condition holds",
        source="calibrated",
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
    debt_limit: float = param(
        6.0,
        lo=0.0,
        hi=200.0,
        unit="wages",
        role="uncertainty",
        doc="debt of the cell beyond which the pole dies (cause: funding), in wages (6 = 30 k€)",
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
        0.044,
        lo=0.0,
        hi=1.0,
        unit="1/month",
        role="uncertainty",
        doc="p_consider: monthly probability that a trusted outsider weighs joining",
        source="calibrated",
    )
    pole_time: float = param(
        0.039,
        lo=0.0,
        hi=1.0,
        unit="FTE",
        role="uncertainty",
        doc="c_P: time a member gives to pole activities (meetings, pooled services)",
        source="calibrated",
    )
    value_premium: float = param(
        0.38,
        lo=0.0,
        hi=4.0,
        unit="wages/month",
        role="uncertainty",
        doc="V_0: monthly worth of belonging to a pole that shares one's values, in wages",
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
    successor_ties: float = param(
        1.0,
        lo=0.0,
        hi=10.0,
        unit="-",
        role="uncertainty",
        doc="weight of a person's ties within the pole in being chosen as its next leader",
    )
    leader_recruit: float = param(
        4.2,
        lo=0.0,
        hi=20.0,
        unit="-",
        role="uncertainty",
        doc="relative rise of p_consider for an outsider whose persons worked with the leader",
        source="calibrated",
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
        if self.core_size > self.formal_size:
            raise ConfigError(
                "core_size must not exceed formal_size",
                key="poles.core_size",
                value=self.core_size,
                allowed=f"<= formal_size ({self.formal_size})",
            )
        if self.min_size > self.formal_size:
            raise ConfigError(
                "min_size must not exceed formal_size",
                key="poles.min_size",
                value=self.min_size,
                allowed=f"<= formal_size ({self.formal_size})",
            )
