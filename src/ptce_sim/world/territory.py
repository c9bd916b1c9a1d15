"""The territory at month 0: organisations and their boundary spanners (ODD §5).

Organisations are placed uniformly in the unit square; their kind is drawn from the
territory's kind shares, their values around a kind-specific mean, their weight of values
vs interest (``alpha``) around a kind-specific mean, their competences as 3-6 of ``K``
kinds, their size (FTE) log-normal by kind. Market kinds (COOP, SIAE, FIRM, and a share of
associations) have an annual revenue proportional to their FTE. Each organisation has 1-3
persons (local authorities and research centres: 1); a few persons of ESS organisations
are leaders ("territorial entrepreneurs").

All draws come from the ``territory`` stream, so a change of any behavioural lever leaves
the initial territory unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import ESS_KINDS, MARKET_KINDS, MAX_PERSONS, SECTORS, OrgKind
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import param

#: Mean values (social utility, ecology, territorial anchoring) by kind. Assumption.
KIND_VALUES = np.array(
    [
        [0.80, 0.60, 0.70],  # ASSO
        [0.70, 0.60, 0.75],  # COOP
        [0.85, 0.45, 0.75],  # SIAE
        [0.30, 0.35, 0.50],  # FIRM
        [0.60, 0.55, 0.90],  # LA
        [0.50, 0.50, 0.45],  # RT
    ]
)

#: Median size in FTE by kind (log-normal, sigma 0.7). Assumption.
KIND_MEDIAN_FTE = np.array([4.0, 12.0, 15.0, 20.0, 40.0, 30.0])
FTE_SIGMA = 0.7


@dataclass(frozen=True, kw_only=True)
class TerritoryParams:
    """Structure of the territory and of its organisations."""

    n_orgs: int = param(
        80,
        lo=30,
        hi=300,
        unit="organisations",
        role="structure",
        doc="organisations on the territory",
    )
    share_asso: float = param(
        0.50,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of associations in the population (weights are normalised)",
    )
    share_coop: float = param(
        0.10,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of cooperatives (SCIC, SCOP, ESS companies)",
    )
    share_siae: float = param(
        0.08,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of insertion enterprises (SIAE)",
    )
    share_firm: float = param(
        0.096,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of conventional firms",
        source="calibrated",
    )
    share_la: float = param(
        0.04,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of local authorities",
    )
    share_rt: float = param(
        0.06,
        lo=0.0,
        hi=1.0,
        unit="weight",
        role="structure",
        doc="weight of research and training centres",
    )
    alpha_ess: float = param(
        0.65,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="mean weight of values vs interest of ESS organisations (ASSO, COOP, SIAE)",
    )
    alpha_firm: float = param(
        0.23,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="mean weight of values vs interest of conventional firms",
        source="calibrated",
    )
    alpha_la: float = param(
        0.65,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="mean weight of values vs interest of local authorities",
    )
    alpha_rt: float = param(
        0.5,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="mean weight of values vs interest of research and training centres",
    )
    alpha_spread: float = param(
        0.1,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="uncertainty",
        doc="standard deviation of alpha around its kind mean (clipped to [0, 1])",
    )
    value_spread: float = param(
        0.15,
        lo=0.0,
        hi=0.5,
        unit="-",
        role="uncertainty",
        doc="standard deviation of each value around its kind mean (clipped to [0, 1])",
    )
    competence_kinds: int = param(
        20,
        lo=6,
        hi=100,
        unit="kinds",
        role="structure",
        doc="K: kinds of competence an organisation can bring to a project",
    )
    competences_min: int = param(
        3,
        lo=1,
        hi=100,
        unit="kinds",
        role="structure",
        doc="fewest competences of an organisation",
    )
    competences_max: int = param(
        6,
        lo=1,
        hi=100,
        unit="kinds",
        role="structure",
        doc="most competences of an organisation",
    )
    time_budget_min: float = param(
        0.05,
        lo=0.0,
        hi=1.0,
        unit="share of FTE",
        role="uncertainty",
        doc="smallest share of its FTE an organisation may put into cooperation",
    )
    time_budget_max: float = param(
        0.22,
        lo=0.0,
        hi=1.0,
        unit="share of FTE",
        role="uncertainty",
        doc="largest share of its FTE an organisation may put into cooperation",
        source="calibrated",
    )
    market_asso_share: float = param(
        0.3,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="structure",
        doc="share of associations that sell goods or services (market activity)",
    )
    revenue_per_fte: float = param(
        12.0,
        lo=0.2,
        hi=200.0,
        unit="wages/FTE/year",
        role="structure",
        doc="annual revenue per FTE of organisations with market activity, in wages (12 = 60 k€)",
    )
    focus_sector: str = param(
        "none",
        choices=("none", *SECTORS),
        role="structure",
        doc="the territory's dominant sector, if any (e.g. food_agriculture for a farming area)",
    )
    focus_share: float = param(
        0.4,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="structure",
        doc="share of organisations in the focus sector (others spread evenly)",
    )
    persons_max: int = param(
        3,
        lo=1,
        hi=MAX_PERSONS,
        unit="persons",
        role="structure",
        source="field",
        doc="most persons of one organisation involved in cooperation (field: 1 to 3)",
    )
    leader_share: float = param(
        0.05,
        lo=0.0,
        hi=1.0,
        unit="-",
        role="uncertainty",
        doc="chance that a person of an ESS organisation is a leader (territorial entrepreneur)",
    )

    def __post_init__(self) -> None:
        if self.kind_weights().sum() <= 0:
            raise ConfigError(
                "the kind shares must not all be zero",
                key="territory.share_asso",
                value=self.share_asso,
                allowed="a positive sum",
            )
        if self.competences_min > self.competences_max:
            raise ConfigError(
                "competences_min must not exceed competences_max",
                key="territory.competences_min",
                value=self.competences_min,
                allowed=f"<= competences_max ({self.competences_max})",
            )
        if self.competences_max > self.competence_kinds:
            raise ConfigError(
                "competences_max must not exceed competence_kinds",
                key="territory.competences_max",
                value=self.competences_max,
                allowed=f"<= competence_kinds ({self.competence_kinds})",
            )
        if self.time_budget_min > self.time_budget_max:
            raise ConfigError(
                "time_budget_min must not exceed time_budget_max",
                key="territory.time_budget_min",
                value=self.time_budget_min,
                allowed=f"<= time_budget_max ({self.time_budget_max})",
            )

    def kind_weights(self) -> NDArray[np.float64]:
        """Kind shares in OrgKind order (not normalised)."""
        return np.array(
            [
                self.share_asso,
                self.share_coop,
                self.share_siae,
                self.share_firm,
                self.share_la,
                self.share_rt,
            ]
        )

    def kind_alpha(self) -> NDArray[np.float64]:
        """Mean alpha in OrgKind order."""
        ess = self.alpha_ess
        return np.array([ess, ess, ess, self.alpha_firm, self.alpha_la, self.alpha_rt])


@dataclass
class Organisations:
    """Initial state of the organisations, as arrays indexed by organisation."""

    kind: NDArray[np.int64]
    sector: NDArray[np.int64]
    position: NDArray[np.float64]  # (n, 2) in the unit square
    values: NDArray[np.float64]  # (n, 3) in [0, 1]
    alpha: NDArray[np.float64]
    competences: NDArray[np.bool_]  # (n, K)
    fte: NDArray[np.float64]
    is_market: NDArray[np.bool_]
    revenue: NDArray[np.float64]  # annual, in wages; 0 without market activity
    time_budget: NDArray[np.float64]  # FTE available for cooperation
    n_persons: NDArray[np.int64]
    is_leader: NDArray[np.bool_]  # (n, MAX_PERSONS)

    @property
    def n(self) -> int:
        return len(self.kind)


def generate(p: TerritoryParams, rng: np.random.Generator) -> Organisations:
    """Draw the organisations of a territory from the ``territory`` stream."""
    n = p.n_orgs
    weights = p.kind_weights() / p.kind_weights().sum()
    kind = rng.choice(len(OrgKind), size=n, p=weights)
    sector_u = rng.random(n)
    sector = np.minimum((sector_u * len(SECTORS)).astype(np.int64), len(SECTORS) - 1)
    if p.focus_sector != "none":
        # Same draws, remapped: the first focus_share of the unit interval is the focus sector.
        focus = SECTORS.index(p.focus_sector)
        others = [k for k in range(len(SECTORS)) if k != focus]
        rest = (sector_u - p.focus_share) / (1.0 - p.focus_share) if p.focus_share < 1 else sector_u
        pick = np.minimum(
            (np.clip(rest, 0, 1 - 1e-12) * len(others)).astype(np.int64), len(others) - 1
        )
        sector = np.where(sector_u < p.focus_share, focus, np.asarray(others)[pick])
    position = rng.random((n, 2))
    values = np.clip(KIND_VALUES[kind] + p.value_spread * rng.standard_normal((n, 3)), 0, 1)
    alpha = np.clip(p.kind_alpha()[kind] + p.alpha_spread * rng.standard_normal(n), 0, 1)

    n_comp = rng.integers(p.competences_min, p.competences_max + 1, size=n)
    keys = rng.random((n, p.competence_kinds))
    ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
    competences = ranks < n_comp[:, None]

    fte = KIND_MEDIAN_FTE[kind] * np.exp(FTE_SIGMA * rng.standard_normal(n))
    market_draw = rng.random(n)
    is_market = np.isin(kind, MARKET_KINDS) | (
        (kind == OrgKind.ASSO) & (market_draw < p.market_asso_share)
    )
    revenue = np.where(is_market, fte * p.revenue_per_fte, 0.0)
    share = rng.uniform(p.time_budget_min, p.time_budget_max, size=n)
    time_budget = share * fte

    single = np.isin(kind, (OrgKind.LA, OrgKind.RT))
    n_persons = np.where(single, 1, rng.integers(1, p.persons_max + 1, size=n))
    leader_draw = rng.random((n, MAX_PERSONS))
    slot_exists = np.arange(MAX_PERSONS)[None, :] < n_persons[:, None]
    is_ess = np.isin(kind, ESS_KINDS)
    is_leader = slot_exists & is_ess[:, None] & (leader_draw < p.leader_share)

    return Organisations(
        kind=kind,
        sector=sector,
        position=position,
        values=values,
        alpha=alpha,
        competences=competences,
        fte=fte,
        is_market=is_market,
        revenue=revenue,
        time_budget=time_budget,
        n_persons=n_persons,
        is_leader=is_leader,
    )
