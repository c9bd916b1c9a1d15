"""Drawing a figure never changes matplotlib's backend.

Why: the notebooks import ``ptce_sim`` into a Jupyter kernel whose backend is the inline
one. A library that calls ``matplotlib.use("Agg")`` (or draws through ``pyplot``) to
write its PNGs switches that backend for the whole kernel, and the notebook's own figures
silently stop showing. The figure code therefore draws on ``matplotlib.figure.Figure``
objects and saves them, without pyplot. These tests import every module of the package
and call every function that writes a figure, in a fresh interpreter started with an
interactive backend, and check that the backend is still that one afterwards.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ptce_sim"
INLINE = "module://matplotlib_inline.backend_inline"

#: Runs in the child interpreter: import every module, then draw every figure the package
#: writes, on small made-up data, into the folder given as argv[1].
CHILD = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    from pathlib import Path
    from types import SimpleNamespace

    import matplotlib
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    import ptce_sim

    out = Path(sys.argv[1])
    before = matplotlib.get_backend()
    changed = []

    def check(what):
        now = matplotlib.get_backend()
        if now != before:
            changed.append(f"{what}: {before} -> {now}")
            matplotlib.use(before)  # so that the next function is judged on its own

    try:
        import solara  # noqa: F401
        web = True
    except ImportError:
        web = False
    for info in pkgutil.walk_packages(ptce_sim.__path__, "ptce_sim."):
        if info.name.startswith("ptce_sim.apps.web") and not web:
            continue
        importlib.import_module(info.name)
    check("importing every module")

    from ptce_sim.apps import calibration, compare, patterns, patterns_view, report
    from ptce_sim.apps.sensitivity import report as sens
    from ptce_sim.apps.sweep_tables import META_KEY
    from ptce_sim.world.survival import kaplan_meier

    rng = np.random.default_rng(1)
    km = kaplan_meier(rng.uniform(1, 120, 30), rng.random(30) < 0.6)
    compare.plot_survival(SimpleNamespace(curves={"a": km}), out / "survival.png")
    check("compare.plot_survival")

    summaries = {p.summary: rng.uniform(p.lo, p.hi, 6) for p in patterns.PATTERNS}
    runs = pd.DataFrame({"point": [0, 0, 0, 1, 1, 1], "x.a": [1.0] * 3 + [2.0] * 3,
                         **summaries})
    patterns_view.plot_patterns(patterns.evaluate(runs), out / "patterns.png", "title")
    check("patterns_view.plot_patterns")
    calibration.plot_acceptance(calibration.point_table(runs, ["x.a"]), out / "accept.png")
    check("calibration.plot_acceptance")

    exp = SimpleNamespace(outputs=["y"], method="morris")
    indices = pd.DataFrame({"output": "y", "parameter": ["p", "q"], "mu_star": [1.0, 0.5],
                            "sigma": [0.2, 0.1]})
    sens.plot_indices(exp, indices, out / "morris.png")
    conv = pd.DataFrame({"output": "y", "index": "mu_star", "parameter": ["p", "p"],
                         "n": [2, 4], "value": [1.0, 0.9], "conf": [0.1, 0.05]})
    sens.plot_convergence(exp, conv, out / "convergence.png")
    check("sensitivity.report plots")

    sweep = out / "sweep"
    sweep.mkdir()
    n = 8
    table = pa.Table.from_pandas(pd.DataFrame({
        "run_id": range(n), "scenario": ["s1", "s2"] * 4, "k.f": [0.1, 0.1, 0.2, 0.2] * 2,
        "poles_formed": rng.integers(0, 5, n), "poles_formalised": rng.integers(0, 3, n),
    }), preserve_index=False)
    meta = {"factors": ["k.f"], "labels": ["scenario"], "design": "grid", "replicates": 2}
    pq.write_table(table.replace_schema_metadata({META_KEY: json.dumps(meta)}),
                   sweep / "runs.parquet")
    pd.DataFrame({"run_id": np.repeat(range(n), 3), "formalised": 10.0,
                  "died": np.where(rng.random(3 * n) < 0.5, 50.0, np.nan),
                  "months_observed": 120, "cause": "funding"}).assign(
        cause=lambda d: d["cause"].where(d["died"].notna())).to_parquet(sweep / "poles.parquet")
    report.build(sweep, None, None)
    check("report.build")

    written = sorted(p.name for p in out.rglob("*.png"))
    print(json.dumps({"before": before, "changed": changed, "written": written}))
    """
)


def test_drawing_figures_leaves_the_backend_alone(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib_inline")
    env = {**os.environ, "MPLBACKEND": INLINE, "PYTHONPATH": str(SRC.parent)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == INLINE
    assert not seen["changed"], "the backend was switched: " + "; ".join(seen["changed"])
    # the figures were still written (the check is not passing by drawing nothing)
    assert {
        "survival.png",
        "patterns.png",
        "accept.png",
        "morris.png",
        "convergence.png",
        "survival_by_point.png",
        "heatmap.png",
        "km_by_policy.png",
        "causes.png",
        "distributions.png",
    } <= set(seen["written"])


def _global_matplotlib_calls(tree: ast.AST) -> list[str]:
    """``import matplotlib.pyplot``, ``matplotlib.use(...)``, ``switch_backend(...)``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name == "matplotlib.pyplot"]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "matplotlib.pyplot" or (
                node.module == "matplotlib" and any(a.name == "pyplot" for a in node.names)
            ):
                found.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"use", "switch_backend"}
            and ast.unparse(node.func.value).endswith(("matplotlib", "plt", "pyplot"))
        ):
            found.append(ast.unparse(node.func))
    return found


def test_no_module_reaches_for_pyplot_or_the_backend() -> None:
    """A new figure written with pyplot would pass the run above unless it were added to
    it: read the source too."""
    offenders = {
        str(p.relative_to(SRC)): calls
        for p in sorted(SRC.rglob("*.py"))
        if (calls := _global_matplotlib_calls(ast.parse(p.read_text(encoding="utf-8"))))
    }
    assert not offenders, f"draw on matplotlib.figure.Figure instead: {offenders}"


def test_the_source_check_sees_pyplot() -> None:
    code = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    assert set(_global_matplotlib_calls(ast.parse(code))) == {"matplotlib.use", "matplotlib.pyplot"}
