"""Does the policy ranking hold across the parameter sets the calibration accepts?

Usage (from the repository root, after ``ptce-sim calibrate --out DIR``)::

    python experiments/ranking_stability.py DIR [--replicates 20] [--jobs 2] [--out FOLDER]

Why: the calibration picks one point, but several points pass every pattern (the
``confirm`` stage reruns the best candidates on 50 fresh replicates). If the funding
policies ranked differently at points the field cannot tell apart, a ranking from the
committed defaults would be an artefact of the choice. This script reruns
``ptce-sim compare`` (the shipped funding policies, paired seeds) at every accepted
point of ``DIR/confirm_points.csv`` (those within distance 1), then measures how much
the rankings agree (Kendall's tau between every two points, for each output).

Outputs, in ``--out`` (default ``DIR/ranking``): one ``compare`` folder per point
(resumable: a finished point is not rerun), ``ranking.csv`` (policy, point, output,
value, rank) and ``ranking.md`` (the tables quoted in ``docs/calibration.md``).
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
from pathlib import Path

import pandas as pd
from scipy.stats import kendalltau

#: The outputs ranked: higher is better for each, except the public cost.
OUTPUTS = {
    "survival_5y": "5-year survival of formal poles",
    "formal_poles_alive_end": "formal poles alive at the end",
    "coops_per_member_year": "cooperations per member-year",
    "eur_per_surviving_pole_year": "public k€ per surviving formal pole-year",
}
LOWER_IS_BETTER = {"eur_per_surviving_pole_year"}
#: Fewer formal poles than this over all replicates: a survival estimate is left out
#: (a Kaplan–Meier curve of one or two poles ranks nothing).
MIN_FORMAL_POLES = 10


def accepted_points(calibration: Path) -> pd.DataFrame:
    """The confirmed points the calibration accepts: within distance 1 of the field's
    patterns on the confirmation's 50 fresh replicates (the acceptance set of
    ``docs/calibration.md``; a point may fail a pattern narrowly and still be there)."""
    table = pd.read_csv(calibration / "confirm_points.csv")
    return table[table["distance"] <= 1.0].reset_index(drop=True)


#: Levers the policy scenarios set themselves: a point's calibrated value of one would
#: override every policy's own (``--set`` applies after a scenario is resolved), so that
#: ``no_support`` would receive the baseline's local subsidy.
POLICY_LEVERS = {"funding.la_subsidy"}


def parameter_columns(table: pd.DataFrame) -> list[str]:
    """The dotted parameter names among a points table's columns, policy levers excluded:
    across points only the uncertainties vary, each policy keeps its own levers."""
    return [c for c in table.columns if "." in c and c not in POLICY_LEVERS]


def run_point(
    row: pd.Series, keys: list[str], out: Path, replicates: int, jobs: int
) -> pd.DataFrame:
    """``ptce-sim compare`` at one point (skipped when its folder is complete)."""
    table = out / "compare.csv"
    if not table.exists():
        sets = []
        for key in keys:
            value = row[key]
            text = str(round(value)) if float(value).is_integer() else repr(float(value))
            sets += ["--set", f"{key}={text}"]
        cmd = ["ptce-sim", "compare", "-n", str(replicates), "-j", str(jobs), "--out", str(out)]
        subprocess.run([*cmd, *sets], check=True, stdout=subprocess.DEVNULL)
    return pd.read_csv(table)


def rank_table(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Long table: policy, point, output, value, rank (1 = best)."""
    rows = []
    for point, table in results.items():
        table = table.copy()
        table.loc[table["formal_poles"] < MIN_FORMAL_POLES, "survival_5y"] = float("nan")
        for output in OUTPUTS:
            ranks = table[output].rank(ascending=output in LOWER_IS_BETTER, method="min")
            for policy, value, rank in zip(table["scenario"], table[output], ranks, strict=True):
                rows.append(
                    {"point": point, "policy": policy, "output": output, "value": value}
                    | {"rank": rank}
                )
    return pd.DataFrame(rows)


def agreement(ranks: pd.DataFrame) -> pd.DataFrame:
    """Kendall's tau between every two points, per output: min, median, mean."""
    rows = []
    for output, group in ranks.groupby("output", sort=False):
        wide = group.pivot(index="policy", columns="point", values="value").dropna()
        taus = [
            kendalltau(wide[a], wide[b]).statistic
            for a, b in itertools.combinations(wide.columns, 2)
        ]
        rows.append(
            {
                "output": output,
                "policies": len(wide),
                "pairs of points": len(taus),
                "tau min": min(taus),
                "tau median": float(pd.Series(taus).median()),
                "tau mean": float(pd.Series(taus).mean()),
            }
        )
    return pd.DataFrame(rows)


def _table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (index as the first column), 2 decimals."""
    frame = frame.reset_index()
    cells = [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in frame.values]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def markdown(ranks: pd.DataFrame, taus: pd.DataFrame) -> str:
    """The tables quoted in docs/calibration.md."""
    parts = []
    for output, label in OUTPUTS.items():
        chosen = ranks[ranks["output"] == output]
        wide = chosen.pivot(index="policy", columns="point", values="value")
        parts.append(f"**{label}** (`{output}`), by accepted point:\n\n{_table(wide)}")
    parts.append(
        f"**Agreement of the rankings** (Kendall's tau):\n\n{_table(taus.set_index('output'))}"
    )
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("calibration", type=Path, help="folder written by ptce-sim calibrate")
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if not (args.calibration / "confirm_points.csv").exists():
        parser.error(f"{args.calibration}: no confirm_points.csv (run ptce-sim calibrate first)")
    out = args.out or args.calibration / "ranking"
    points = accepted_points(args.calibration)
    if len(points) < 2:
        parser.error(f"{args.calibration}: fewer than two accepted points: no ranking to compare")
    keys = parameter_columns(points)
    results = {}
    for i, row in points.iterrows():
        name = f"point{int(row['point'])}"
        print(f"[{i + 1}/{len(points)}] {name}", file=sys.stderr, flush=True)
        results[name] = run_point(row, keys, out / name, args.replicates, args.jobs)
    ranks = rank_table(results)
    taus = agreement(ranks)
    ranks.to_csv(out / "ranking.csv", index=False)
    (out / "ranking.md").write_text(markdown(ranks, taus), encoding="utf-8")
    print(markdown(ranks, taus))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
