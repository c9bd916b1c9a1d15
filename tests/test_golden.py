"""Golden run: a small scenario's summary, stored and compared.

A change here means the model's behaviour changed. If that is intended, regenerate with
``python tests/golden/regenerate.py`` and add a CHANGELOG line saying why.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ptce_sim.world import scenario as scenarios
from ptce_sim.world.run import run_one

GOLDEN = Path(__file__).parent / "golden" / "small_summary.json"
SEED = 7
OVERRIDES = {"territory.n_orgs": 40, "run.steps": 96, "turnover.rate": 0.02}


def golden_result() -> dict[str, Any]:
    spec = scenarios.load("turnover_shock").with_overrides(OVERRIDES)
    result = run_one(spec, seed=SEED)
    frame = result.timeseries
    return {
        "summary": {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in result.summary.items()
        },
        "started_by_year": [int(x) for x in frame["started"].groupby(frame.month // 12).sum()],
        "persons_departed_by_year": [
            int(x) for x in frame["persons_departed"].groupby(frame.month // 12).sum()
        ],
    }


def test_golden_run_matches_stored_summary() -> None:
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = golden_result()
    assert now["started_by_year"] == stored["started_by_year"]
    assert now["persons_departed_by_year"] == stored["persons_departed_by_year"]
    assert set(now["summary"]) == set(stored["summary"])
    for key, value in stored["summary"].items():
        got = now["summary"][key]
        if value is None:
            assert got is None, key
        elif isinstance(value, float):
            assert math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12), (key, got, value)
        else:
            assert got == value, key
