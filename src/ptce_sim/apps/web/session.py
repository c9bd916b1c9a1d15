"""One browser session's territory: its model, its levers, its feed — no Solara here.

Why a plain class: what the page does (build a model from a scenario, a seed and the
levers; step it; intervene; read what to show) is testable without a browser and
without Solara, and each browser session holds its own :class:`Session`, so two people on
the same server never share a model (the page keeps it in per-session state). A lock
serialises stepping (the play loop runs in a thread) with reading the views.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ptce_sim.apps.web import feed as feeds
from ptce_sim.apps.web.i18n import DEFAULT_LANG, Lang
from ptce_sim.apps.web.levers import Lever, defaults, levers
from ptce_sim.base.errors import ConfigError
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.events import Event
from ptce_sim.world.model import TerritoryModel

#: Scenarios offered first in the picker (the funding policies compared by the project).
DEFAULT_SCENARIO = "baseline"
#: Feed lines kept on the page (the newest); the model keeps the whole record.
FEED_LINES = 60
#: Months of events described for the feed at each redraw.
FEED_MONTHS = 12


_WARM = threading.Event()  # set once this process has built and stepped a territory


def warm_up() -> float:
    """Build a territory and simulate a month, which loads (or, the first time on a
    machine, compiles) the model's compiled month; returns the seconds it took."""
    started = time.perf_counter()
    TerritoryModel(seed=0).step()
    _WARM.set()
    return time.perf_counter() - started


def is_warm() -> bool:
    """This process has already run :func:`warm_up` (or built a session)."""
    return _WARM.is_set()


def scenario_names() -> list[str]:
    """The shipped scenarios (and any in ``./scenarios`` or ``PTCE_SIM_SCENARIOS``)."""
    return sorted(scenarios.available())


@dataclass
class Session:
    """The state behind one page: scenario, seed, lever values, the model and its feed."""

    lang: Lang = DEFAULT_LANG
    scenario: str = DEFAULT_SCENARIO
    seed: int = 0
    values: dict[str, Any] = field(default_factory=dict)  # lever key -> value to apply
    applied: dict[str, Any] = field(default_factory=dict)  # the values of the model now
    events: list[Event] = field(default_factory=list)  # shown in the feed (newest last)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    model: TerritoryModel | None = None

    def __post_init__(self) -> None:
        self.levers: dict[str, Lever] = {lv.key: lv for lv in levers()}
        if not self.values:
            self.values = self.scenario_values()
        if self.model is None:
            self.reset()

    # -- what the controls do ------------------------------------------------------------
    def scenario_values(self) -> dict[str, Any]:
        """The levers' values at month 0 of the chosen scenario."""
        return defaults(scenarios.load(self.scenario).params)

    def choose_scenario(self, name: str) -> None:
        """Pick a scenario: its lever values replace the current ones (applied on reset)."""
        if name not in scenarios.available():
            raise ConfigError("unknown scenario", "web", "scenario", name)
        self.scenario = name
        self.values = self.scenario_values()

    def set_lever(self, key: str, value: Any) -> Any:
        """Set a lever (applied at the next :meth:`reset`); returns the value kept, which
        is clamped into the declared range."""
        lever = self.levers[key]
        clean = lever.clean(value)
        if lever.same(clean, self.values[key]):
            return self.values[key]  # a slider snapping to its grid is not a change
        self.values[key] = clean
        return clean

    def set_seed(self, seed: Any) -> int:
        """Set the seed (an integer >= 0; anything else keeps the current one)."""
        try:
            s = int(seed)
        except (TypeError, ValueError):
            return self.seed
        self.seed = max(0, s)
        return self.seed

    @property
    def pending(self) -> bool:
        """Levers or seed were changed since the model was built."""
        return self.values != self.applied

    def keywords(self) -> dict[str, Any]:
        """The lever values that differ from the scenario's, as model keywords."""
        base = self.scenario_values()
        return {self.levers[k].keyword: v for k, v in self.values.items() if base.get(k) != v}

    def reset(self) -> None:
        """A new model from the scenario, the seed and the levers (Mesa's keyword way)."""
        with self.lock:
            self.model = TerritoryModel(self.scenario, seed=self.seed, **self.keywords())
            _WARM.set()
            self.applied = dict(self.values)
            self.events = []

    def step(self, months: int = 1) -> None:
        """Advance ``months`` months (fewer at the end of the run)."""
        with self.lock:
            m = self.model
            assert m is not None
            start = len(m.events)
            for _ in range(months):
                if not m.running:
                    break
                m.step()
            self._keep(m.events.since(start))

    def intervene(self, kind: str, **options: Any) -> str | None:
        """Apply an intervention now; returns None, or the reason it was refused."""
        with self.lock:
            m = self.model
            assert m is not None
            start = len(m.events)
            try:
                m.intervene(kind, **options)
            except ConfigError as err:
                return err.message if hasattr(err, "message") else str(err)
            self._keep(m.events.since(start))
            return None

    def _keep(self, new: list[Event]) -> None:
        self.events.extend(new)
        # Enough raw events for the newest feed lines (a month has at most a few hundred).
        if len(self.events) > 4000:
            self.events = self.events[-2000:]

    # -- what the page shows ---------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months simulated so far."""
        return 0 if self.model is None else int(self.model.steps)

    @property
    def total(self) -> int:
        return 0 if self.model is None else int(self.model.params.run.steps)

    @property
    def running(self) -> bool:
        return self.model is not None and bool(self.model.running)

    def feed(self, lang: Lang | None = None, lines: int = FEED_LINES) -> list[feeds.FeedItem]:
        """The newest feed lines, newest first."""
        with self.lock:
            assert self.model is not None
            recent = self.events
            if recent:
                # The lines of the last months suffice: describing the whole record at
                # every redraw would cost more than the month itself.
                cutoff = recent[-1].month - FEED_MONTHS
                k = len(recent)
                while k > 0 and recent[k - 1].month > cutoff:
                    k -= 1
                recent = recent[k:]
            items = feeds.describe(recent, self.model, lang or self.lang)
        return items[-lines:][::-1]

    def living_poles(self) -> list[int]:
        """Ids of the living poles (the targets of interventions)."""
        with self.lock:
            assert self.model is not None
            return [c.pole_id for c in self.model.pole_views()]
