"""The short golden run that checks the compiled kernels against themselves run as Python.

A 50-organisation, 150-month run of the ``historical`` scenario (seed 5, chosen so that
every pole event happens under the calibrated defaults; re-chosen at a recalibration):
poles form, formalise, hire and cut staff, win a call grant, die — every pole phase runs. Its full
outputs (time series, pole table, summary, event counts) are stored in
``golden/modes/`` and compared exactly, three ways (``test_golden_modes.py``): compiled,
with ``NUMBA_DISABLE_JIT=1`` (every kernel and rule run as plain Python: the same code,
so the same bits) and with ``NUMBA_BOUNDSCHECK=1`` (every array access checked).

Regenerate (deliberately, with a CHANGELOG line saying why the model's behaviour
changed): ``python tests/golden/modes.py write``; ``python tests/golden/modes.py
check`` runs the comparison in the current process and exits 1 on a difference (what
the tests run under each numba mode).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).parent / "modes"
SCENARIO, SEED = "historical", 5
OVERRIDES = {"territory.n_orgs": 50, "run.steps": 150}


def outputs() -> dict[str, Any]:
    """The run's outputs, in the form they are stored."""
    from ptce_sim.world import scenario as scenarios
    from ptce_sim.world.run import run_one

    result = run_one(scenarios.load(SCENARIO).with_overrides(OVERRIDES), seed=SEED)
    events = result.events
    counts = events.groupby(["month", "kind"], observed=True).size().rename("n").reset_index()
    counts["kind"] = counts["kind"].astype(str)
    summary = {
        k: (None if isinstance(v, float) and math.isnan(v) else v)
        for k, v in result.summary.items()
    }
    return {
        "timeseries": result.timeseries,
        "poles": result.poles,
        "events": counts,
        "summary": summary,
    }


def write() -> None:
    HERE.mkdir(exist_ok=True)
    out = outputs()
    for name in ("timeseries", "poles", "events"):
        # repr of a float round-trips exactly: the comparison can be exact.
        out[name].to_csv(HERE / f"{name}.csv", index=False, float_format="%r")
    (HERE / "summary.json").write_text(json.dumps(out["summary"], indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE}")


def differences() -> list[str]:
    """What differs between this process's run and the stored outputs (empty: none)."""
    out = outputs()
    found = []
    for name in ("timeseries", "poles", "events"):
        stored = pd.read_csv(HERE / f"{name}.csv")
        now = pd.read_csv(pd.io.common.StringIO(out[name].to_csv(index=False, float_format="%r")))
        try:
            pd.testing.assert_frame_equal(now, stored, check_exact=True, check_dtype=False)
        except AssertionError as exc:
            found.append(f"{name}: {str(exc)[:300]}")
    stored_summary = json.loads((HERE / "summary.json").read_text())
    for key, value in stored_summary.items():
        got = out["summary"].get(key)
        if got != value:
            found.append(f"summary {key}: {got!r} != {value!r}")
    return found


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        write()
    else:
        diff = differences()
        print("\n".join(diff) if diff else "identical")
        sys.exit(1 if diff else 0)
