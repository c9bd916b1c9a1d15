"""The bit-identical check for speed work: dump the full outputs of many runs, compare two dumps.

A change meant to make the model faster must not change what it computes. The golden
run checks one small scenario's summary; this checks everything (time series, pole
table, summary) of 6 seeds of the baseline, 8 of ``calls_only``, 6 of ``historical``
and 2 of every other shipped scenario (46 runs, ~12 s), so that a changed draw order or
summation order shows at once; the dump says how many runs saw a call grant (the
rarest branch of the pole phases).

Usage::

    python benchmarks/reference_outputs.py dump before.pkl     # on the old code
    python benchmarks/reference_outputs.py dump after.pkl      # on the new code
    python benchmarks/reference_outputs.py compare before.pkl after.pkl

``compare`` prints each run that differs (first difference) and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from ptce_sim.world.run import run_one
from ptce_sim.world.scenario import available, load

Dump = dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]]


#: Seeds per scenario: more where rare branches only show in some runs (call grants
#: won by formal poles or by informal groups, structural and matching funds).
SEEDS = {"baseline": 6, "calls_only": 8, "historical": 6}


def dump(path: Path) -> None:
    out: Dump = {}
    for name in sorted(available()):
        spec = load(name)
        for seed in range(SEEDS.get(name, 2)):
            r = run_one(spec, seed=seed)
            out[name, seed] = (r.timeseries, r.poles, r.summary)
    path.write_bytes(pickle.dumps(out))
    grants = sum(bool((poles["eur_call_grant"] > 0).any()) for _, poles, _ in out.values())
    print(f"{len(out)} runs dumped to {path} ({grants} with call grants)")


def _same(x: Any, y: Any) -> bool:
    nan = isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)
    return bool(x == y or nan)


def compare(a_path: Path, b_path: Path) -> int:
    # Only ever reads dumps this script wrote on this machine.
    a: Dump = pickle.loads(a_path.read_bytes())
    b: Dump = pickle.loads(b_path.read_bytes())
    bad = 0
    for key in sorted(a.keys() | b.keys()):
        if key not in a or key not in b:
            bad += 1
            print(key, "missing from one dump")
            continue
        (ta, pa, sa), (tb, pb, sb) = a[key], b[key]
        try:
            pd.testing.assert_frame_equal(ta, tb, check_exact=True)
            pd.testing.assert_frame_equal(pa, pb, check_exact=True)
        except AssertionError as exc:
            bad += 1
            print(key, str(exc)[:300])
            continue
        diff = [k for k in sa.keys() | sb.keys() if not _same(sa.get(k), sb.get(k))]
        if diff:
            bad += 1
            print(key, "summary differs:", sorted(diff)[:5])
    print(f"differences: {bad} of {len(a)} runs")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("path", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.path)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
