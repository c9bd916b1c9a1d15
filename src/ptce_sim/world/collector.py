"""``model.datacollector``: Mesa's ``DataCollector`` over the monthly metrics.

Why a subclass: Mesa's collector calls each reporter and deep-copies its value every
step, into Python lists — a large part of a run that takes tens of milliseconds. The
model already writes every metric of a month into a preallocated array
(``world/metrics.py``, ``MetricRecorder``); this collector reads that array. Mesa's tools
see a ``DataCollector``: ``get_model_vars_dataframe()`` (SolaraViz plots),
``model_vars`` (``mesa.batch_run``), one model reporter per metric. Agent reporters
work as in Mesa (``DataCollector(agent_reporters=...)`` semantics, collected each step
when given).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import mesa

from ptce_sim.world.metrics import METRICS

if TYPE_CHECKING:
    import pandas as pd

    from ptce_sim.world.model import TerritoryModel


def _read(name: str, model: TerritoryModel) -> float:
    """The metric ``name`` of the month last simulated."""
    rec = model.recorder
    return float(rec.data[rec.months - 1, rec.column_index[name]])


class RecorderCollector(mesa.DataCollector):
    """A ``mesa.DataCollector`` whose model variables are the model's monthly metrics,
    one row per month simulated (index: the month, 0-based)."""

    def __init__(self, model: TerritoryModel, agent_reporters: dict[str, Any] | None = None):
        self._model = model
        super().__init__(
            model_reporters={name: partial(_read, name) for name in METRICS},
            agent_reporters=agent_reporters,
        )

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list[float]]:
        """Metric name -> its value for each month simulated (a fresh copy)."""
        return {name: list(col) for name, col in self._model.recorder.columns().items()}

    @model_vars.setter
    def model_vars(self, value: dict[str, list[float]]) -> None:
        """Mesa's constructor starts an empty dict: the recorder holds the values."""

    def _new_model_reporter(self, name: str, reporter: Any) -> None:
        """Register the reporter only: its values live in the recorder."""
        self.model_reporters[name] = reporter

    def collect(self, model: TerritoryModel) -> None:
        """The metrics are already recorded; agent reporters, if any, are collected.
        From Mesa 3.5 the collector also lists the steps it collected
        (``_collection_steps``), which ``mesa.batch_run`` reads to index ``model_vars``:
        one entry per month simulated, the month's 0-based index."""
        steps = getattr(self, "_collection_steps", None)
        if steps is not None:
            steps.append(model.steps - 1)
        if self.agent_reporters:
            self._agent_records[model.steps - 1] = list(self._record_agents(model))

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per month simulated, one column per metric (``docs/outputs.md``)."""
        frame = self._model.recorder.frame()
        return frame.set_index("month")
