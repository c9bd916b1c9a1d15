"""The money parameter groups: the unit of money (``[economy]``), the animation cell
(``[cell]``), funding policies (``[funding]``), national calls for projects
(``[calls]``), structural funding (``[structural]``) and exogenous catalysts
(``[events]``); the income sources of a cell.

**Units.** Every amount of money is counted in *wages*: the cost of one FTE-month
(``economy.wage``, 5 k€ by default). A subsidy of 5 wages a year is 25 k€ a year at the
default wage. Why: the model's behaviour then depends only on ratios — what a project
brings against what a member's time costs, what a subsidy pays against what a cell
costs — and a sensitivity analysis screens those ratios, not a unit of currency. The
wage converts the outputs back to k€.

The equations that use them live in ``rules/cell.py`` (phase 8, the cell's money and
staff) and ``rules/lifecycle.py`` (phase 9, formalisation).
"""

from __future__ import annotations

from dataclasses import dataclass

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param

#: Income sources of a cell, in ledger order. Public ones are listed in PUBLIC_SOURCES.
SOURCES: tuple[str, ...] = (
    "dues",
    "la_subsidy",
    "call_grant",
    "structural",
    "matching",
    "revenue_share",
)
PUBLIC_SOURCES: tuple[str, ...] = ("la_subsidy", "call_grant", "structural", "matching")


@dataclass(frozen=True, kw_only=True)
class EconomyParams:
    """The unit of money: every amount of the model is counted in wages (the cost of an
    FTE-month), so that the model's behaviour depends on ratios only; the wage converts
    them to euros in the outputs."""

    wage: float = param(
        5.0,
        lo=0.1,
        hi=100.0,
        unit="k€/FTE-month",
        role="structure",
        doc="what one FTE-month costs, in k€ (only converts the outputs to euros)",
    )


@dataclass(frozen=True, kw_only=True)
class CellParams:
    """The animation cell: cost and staffing rule."""

    cost_per_fte: float = param(
        1.1,
        lo=0.2,
        hi=4.0,
        unit="wages/FTE-month",
        role="uncertainty",
        doc="monthly cost of one FTE of the animation cell, in wages (1 = the territory's wage)",
        source="calibrated",
    )
    initial_fte: float = param(
        1.4,
        lo=0.0,
        hi=5.0,
        unit="FTE",
        role="uncertainty",
        source="calibrated",
        doc="cell staffing at formalisation (field: 1 to 2 FTE)",
    )
    fte_cap: float = param(
        2.0,
        lo=0.0,
        hi=5.0,
        unit="FTE",
        role="lever",
        source="field",
        doc="largest cell the pole may hire (field: 1 to 2 FTE)",
    )
    fte_step: float = param(
        0.5,
        lo=0.1,
        hi=2.0,
        unit="FTE",
        role="uncertainty",
        doc="FTE hired or cut at a time",
    )
    reserve_low: float = param(
        3.0,
        lo=0.0,
        hi=24.0,
        unit="months of cost",
        role="uncertainty",
        doc="below this cash reserve the cell cuts staff",
    )
    reserve_high: float = param(
        12.0,
        lo=0.0,
        hi=60.0,
        unit="months of cost",
        role="uncertainty",
        doc="above this cash reserve the cell may hire",
    )
    grace_months: int = param(
        0,
        lo=0,
        hi=60,
        unit="months",
        role="lever",
        doc="months after formalisation during which the cell is never cut (0: no such months)",
    )
    hire_min_members: int = param(
        23,
        lo=1,
        hi=100,
        unit="organisations",
        role="uncertainty",
        doc="members needed before the cell hires beyond its first post",
        source="calibrated",
    )

    @property
    def starting_fte(self) -> float:
        """Staff of a new cell: ``initial_fte``, never above the cap (a lever that a study
        may set below the usual first post)."""
        return min(self.initial_fte, self.fte_cap)

    def __post_init__(self) -> None:
        if self.reserve_low > self.reserve_high:
            raise ConfigError(
                "reserve_low must not exceed reserve_high",
                key="cell.reserve_low",
                value=self.reserve_low,
                allowed=f"<= reserve_high ({self.reserve_high})",
            )


@dataclass(frozen=True, kw_only=True)
class FundingParams:
    """Funding policies (levers): dues, local subsidy, revenue share, matching funds."""

    dues_mode: str = param(
        "flat",
        choices=("flat", "revenue"),
        role="lever",
        doc="how dues are set: a flat amount per member, or a share of revenue",
    )
    dues_flat: float = param(
        0.12,
        lo=0.0,
        hi=10.0,
        unit="wages/year",
        role="lever",
        doc="flat yearly dues per member (dues_mode = flat), in wages (0.12 = 600 €)",
    )
    dues_rate: float = param(
        0.002,
        lo=0.0,
        hi=0.05,
        unit="share of revenue",
        role="lever",
        doc="yearly dues as a share of a market member's revenue (dues_mode = revenue)",
    )
    dues_exclusion: bool = param(
        False,
        role="lever",
        doc="exclude members who have not paid their dues for exclusion_months months",
    )
    exclusion_months: int = param(
        3,
        lo=1,
        hi=24,
        unit="months",
        role="lever",
        doc="unpaid months after which a member is excluded (with dues_exclusion)",
    )
    la_subsidy: float = param(
        6.5,
        lo=0.0,
        hi=100.0,
        unit="wages/year",
        role="lever",
        doc="yearly subsidy of the local authority to a formal pole's cell, in wages (5 = 25 k€)",
        source="calibrated",
    )
    la_renewal: float = param(
        0.8,
        lo=0.0,
        hi=1.0,
        unit="1/year",
        role="lever",
        doc="probability that the local subsidy is renewed each year",
    )
    la_value: float = param(
        0.4,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="how much the renewal probability moves with what the pole brings the authority",
    )
    la_outsider: float = param(
        0.6,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="decision probability multiplier when no local authority is a member of the pole",
    )
    election_factor: float = param(
        0.6,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="renewal probability multiplier in a municipal election year",
    )
    election_period: int = param(
        72,
        lo=12,
        hi=240,
        unit="months",
        role="structure",
        doc="months between municipal elections (6 years)",
    )
    election_offset: int = param(
        62,
        lo=0,
        hi=240,
        unit="months",
        role="structure",
        doc="month of the first election (62 = March 2014 when the run starts in January 2009)",
    )
    revenue_share: float = param(
        0.02,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="lever",
        doc="phi: share of members' gains from joint pole projects paid to the cell",
    )
    matching_rate: float = param(
        0.0,
        lo=0.0,
        hi=5.0,
        unit="€/€",
        role="lever",
        doc="public euros added per euro of dues collected (matching funds)",
    )


@dataclass(frozen=True, kw_only=True)
class CallParams:
    """National calls for projects: time-limited grants to laureate poles."""

    open: bool = param(
        False,
        role="lever",
        doc="a national call for projects is open (toggle it with [[policy]] entries)",
    )
    grant: float = param(
        26.0,
        lo=0.0,
        hi=400.0,
        unit="wages",
        role="lever",
        source="field",
        doc="grant per laureate over its whole duration, in wages (2014 call: €3M / 23 = 26)",
    )
    duration: int = param(
        36,
        lo=1,
        hi=120,
        unit="months",
        role="lever",
        doc="months over which a grant is paid",
    )
    informal_apply: bool = param(
        True,
        role="lever",
        doc="informal groups may answer a call; a laureate formalises to receive the grant",
    )
    win_probability: float = param(
        0.3,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="p_win: probability that a fully mature pole is a laureate",
    )
    maturity_weight: float = param(
        0.5,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="m_w: weight of maturity (institutionalisation, track record) in winning",
    )


@dataclass(frozen=True, kw_only=True)
class StructuralParams:
    """Continuous funding per formal pole, as competitiveness clusters get."""

    amount: float = param(
        0.0,
        lo=0.0,
        hi=200.0,
        unit="wages/year",
        role="lever",
        doc="continuous yearly funding per formal pole, in wages (12 = one FTE)",
    )
    performance_share: float = param(
        0.0,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="lever",
        doc="share of structural funding paid only to poles meeting the performance target",
    )
    performance_target: float = param(
        2.0,
        lo=0.0,
        hi=20.0,
        unit="cooperations/member/year",
        role="lever",
        doc="cooperations per member per year a pole must start to earn the performance share",
    )


@dataclass(frozen=True, kw_only=True)
class EventParams:
    """Exogenous catalysts (toggle them with [[policy]] entries)."""

    crisis: bool = param(
        False,
        role="lever",
        doc="a crisis of the local industry is under way (catalyst for every organisation)",
    )
    site: bool = param(
        False,
        role="lever",
        doc="a site is made available by a local authority (catalyst)",
    )
