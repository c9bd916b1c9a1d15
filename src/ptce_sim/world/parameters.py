"""The root of the parameter tree: one group per rule, plus the territory and the run.

Dotted keys are ``group.name`` (``turnover.rate``, ``trust.gain``). The defaults *are* the
baseline scenario; ``scenarios/baseline.toml`` spells them out and a test keeps the two
equal. ``ptce-sim params`` prints the whole table; ``docs/parameters.md`` is generated
from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ptce_sim.base.params import param
from ptce_sim.rules.cooperation import CooperationParams
from ptce_sim.rules.funding import (
    CallParams,
    CellParams,
    EconomyParams,
    EventParams,
    FundingParams,
    StructuralParams,
)
from ptce_sim.rules.poles import PoleParams
from ptce_sim.rules.trust import TrustParams
from ptce_sim.rules.turnover import TurnoverParams
from ptce_sim.world.territory import TerritoryParams


@dataclass(frozen=True, kw_only=True)
class RunParams:
    """Horizon of a run, and the warm start before it."""

    steps: int = param(
        240,
        lo=1,
        hi=1200,
        unit="months",
        role="structure",
        doc="months simulated (240 = 20 years)",
    )
    burn_in: int = param(
        60,
        lo=0,
        hi=240,
        unit="months",
        role="structure",
        doc="months of cooperation before month 0, unobserved, in which no pole formalises",
    )


@dataclass(frozen=True, kw_only=True)
class Parameters:
    """All parameters of one run, grouped by rule."""

    run: RunParams = field(default_factory=RunParams)
    economy: EconomyParams = field(default_factory=EconomyParams)
    territory: TerritoryParams = field(default_factory=TerritoryParams)
    cooperation: CooperationParams = field(default_factory=CooperationParams)
    trust: TrustParams = field(default_factory=TrustParams)
    turnover: TurnoverParams = field(default_factory=TurnoverParams)
    poles: PoleParams = field(default_factory=PoleParams)
    cell: CellParams = field(default_factory=CellParams)
    funding: FundingParams = field(default_factory=FundingParams)
    calls: CallParams = field(default_factory=CallParams)
    structural: StructuralParams = field(default_factory=StructuralParams)
    events: EventParams = field(default_factory=EventParams)
