"""The sensitivity glue on analytic functions with known indices, injected in place of the model.

Ishigami (a = 7, b = 0.1) has S1 = (0.314, 0.442, 0) and ST = (0.558, 0.442, 0.244); the
Sobol' G-function with a = (0, 1, 4.5, 9, 99, 99) ranks its inputs x1 > x2 > x3 > x4 >
x5 ≈ x6 for every method. If sampling, the replicate means, the block structure or the
SALib calls were wired wrongly, these numbers would move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from SALib.test_functions import Ishigami, Sobol_G

from ptce_sim.apps import runid
from ptce_sim.apps.sensitivity.design import make_design, replicate_seed
from ptce_sim.apps.sensitivity.runner import function_runner
from ptce_sim.apps.sensitivity.spec import Experiment, Factor
from ptce_sim.apps.sensitivity.study import run_study

PI = float(np.pi)
ISHIGAMI = tuple(Factor(f"x{i}", -PI, PI) for i in (1, 2, 3))
ISHIGAMI_S1 = np.array([0.314, 0.442, 0.0])
ISHIGAMI_ST = np.array([0.558, 0.442, 0.244])
ISHIGAMI_VAR = 49 / 8 + 0.1 * PI**4 / 5 + 0.01 * PI**8 / 18 + 0.5  # ≈ 13.84
G_A = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])
G_FACTORS = tuple(Factor(f"x{i + 1}", 0.0, 1.0) for i in range(6))


def _x(point: Mapping[str, Any], n: int) -> np.ndarray:
    return np.array([[point[f"x{i + 1}"] for i in range(n)]], dtype=float)


def _point_rng(point: Mapping[str, Any], seed: int) -> np.random.Generator:
    """Noise that depends on the point and the seed, as a model's would."""
    digest = hashlib.blake2b(repr(sorted(point.items())).encode(), digest_size=8).digest()
    return np.random.default_rng([seed, int.from_bytes(digest, "little")])


def ishigami(point: Mapping[str, Any], seed: int) -> dict[str, float]:
    return {"y": float(Ishigami.evaluate(_x(point, 3))[0])}


def noisy_ishigami(point: Mapping[str, Any], seed: int) -> dict[str, float]:
    """Ishigami plus replicate noise of the same variance as the function itself."""
    noise = _point_rng(point, seed).normal(0.0, np.sqrt(ISHIGAMI_VAR))
    return {"y": float(Ishigami.evaluate(_x(point, 3))[0]) + noise}


def g_function(point: Mapping[str, Any], seed: int) -> dict[str, float]:
    return {"y": float(Sobol_G.evaluate(_x(point, 6), G_A)[0])}


def study(tmp_path: Path, name: str, evaluate: Any, factors: tuple[Factor, ...], **kw: Any) -> Any:
    exp = Experiment(factors=factors, outputs=("y",), **kw)
    return run_study(exp, tmp_path / name, runner=function_runner(evaluate))


@pytest.mark.slow
def test_sobol_on_ishigami_recovers_the_analytic_indices(tmp_path: Path) -> None:
    res = study(tmp_path, "ish", ishigami, ISHIGAMI, method="sobol", n=1024, seed=3)
    idx = res.indices.set_index("parameter")
    np.testing.assert_allclose(idx["S1"].to_numpy(), ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(idx["ST"].to_numpy(), ISHIGAMI_ST, atol=0.04)
    assert list(idx["ST"].sort_values(ascending=False).index) == ["x1", "x2", "x3"]
    # the analytic values lie inside (a slightly widened) bootstrap interval
    assert (abs(idx["ST"].to_numpy() - ISHIGAMI_ST) <= 1.5 * idx["ST_conf"].to_numpy()).all()
    # convergence: three sample sizes, the CI shrinks as N grows
    conv = res.convergence[(res.convergence["index"] == "ST")]
    assert sorted(conv["n"].unique()) == [256, 512, 1024]
    widths = conv.groupby("n")["conf"].mean()
    assert widths[1024] < widths[256]


def test_morris_ranks_the_g_function_inputs(tmp_path: Path) -> None:
    res = study(tmp_path, "g", g_function, G_FACTORS, method="morris", trajectories=40, seed=5)
    ranked = res.indices.sort_values("mu_star", ascending=False)["parameter"].tolist()
    assert ranked[:4] == ["x1", "x2", "x3", "x4"]
    mu = res.indices.set_index("parameter")["mu_star"]
    assert mu["x5"] < 0.05 * mu["x1"]
    assert mu["x6"] < 0.05 * mu["x1"]
    assert sorted(res.convergence["n"].unique()) == [10, 20, 40]


@pytest.mark.slow
def test_sobol_on_the_g_function_matches_its_analytic_total_indices(tmp_path: Path) -> None:
    res = study(tmp_path, "gs", g_function, G_FACTORS, method="sobol", n=512, seed=7)
    st = res.indices.set_index("parameter")["ST"].to_numpy()
    np.testing.assert_allclose(st, Sobol_G.total_sensitivity_index(G_A), atol=0.05)


def test_noise_share_is_recovered_and_shrinks_with_replicates(tmp_path: Path) -> None:
    res = study(
        tmp_path, "noisy", noisy_ishigami, ISHIGAMI, method="sobol", n=256, replicates=4, seed=2
    )
    row = res.noise.iloc[0]
    # noise variance = function variance: half of a run is chance, 1/(1 + R) of a mean
    assert row["noise_share_run"] == pytest.approx(0.5, abs=0.06)
    assert row["noise_share_mean"] == pytest.approx(1 / 5, abs=0.04)
    # noise lifts every raw ST by about ns = 0.2 and shrinks S1 by 1 - ns; corrected back:
    idx = res.indices.set_index("parameter")
    assert (idx["ST"].to_numpy() > ISHIGAMI_ST + 0.08).all()
    np.testing.assert_allclose(idx["ST_denoised"].to_numpy(), ISHIGAMI_ST, atol=0.08)
    # S1 is unbiased up to that factor but noisy at this N: inside its widened interval
    gap = abs(idx["S1_denoised"].to_numpy() - ISHIGAMI_S1)
    assert (gap <= 1.5 * idx["S1_denoised_conf"].to_numpy()).all(), gap
    summary = (res.out / "summary.md").read_text(encoding="utf-8")
    assert "of the variance of a single run is chance" in summary
    assert "Largest ST CI half-width" in summary
    # the replicate means still rank the inputs of Ishigami
    assert idx["ST"].idxmax() == "x1"
    assert idx["S1"].idxmax() == "x2"


@pytest.mark.slow
def test_same_seed_same_indices_other_seed_other_design(tmp_path: Path) -> None:
    kw: dict[str, Any] = {"method": "sobol", "n": 64, "replicates": 2}
    a = study(tmp_path, "a", noisy_ishigami, ISHIGAMI, seed=11, **kw)
    b = study(tmp_path, "b", noisy_ishigami, ISHIGAMI, seed=11, **kw)
    c = study(tmp_path, "c", noisy_ishigami, ISHIGAMI, seed=12, **kw)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "a" / "indices.csv"), pd.read_csv(tmp_path / "b" / "indices.csv")
    )
    assert not np.allclose(a.design.X, c.design.X)


def test_common_random_numbers_one_seed_per_replicate(tmp_path: Path) -> None:
    res = study(tmp_path, "crn", noisy_ishigami, ISHIGAMI, method="morris", trajectories=4,
                replicates=3, seed=9)  # fmt: skip
    seeds = res.runs.groupby("replicate")["seed"].unique()
    assert all(len(s) == 1 for s in seeds)  # same seed at every point for replicate r
    assert [s[0] for s in seeds] == [replicate_seed(9, r) for r in range(3)]
    assert len(set(replicate_seed(9, r) for r in range(3))) == 3
    # the sweep engine's paired seeds, which do not depend on R: growing R keeps the
    # seeds of the first replicates
    assert replicate_seed(9, 1) == runid.replicate_seed(9, 1)
    grown = study(tmp_path, "crn5", noisy_ishigami, ISHIGAMI, method="morris", trajectories=4,
                  replicates=5, seed=9)  # fmt: skip
    assert list(grown.runs.groupby("replicate")["seed"].first())[:3] == [s[0] for s in seeds]


def test_undefined_outputs_drop_whole_blocks(tmp_path: Path) -> None:
    def sometimes(point: Mapping[str, Any], seed: int) -> dict[str, float]:
        y = ishigami(point, seed)["y"]
        return {"y": float("nan") if point["x3"] > 2.5 else y}

    res = study(tmp_path, "nan", sometimes, ISHIGAMI, method="sobol", n=256, seed=4)
    row = res.indices.iloc[0]
    assert 0 < row["blocks_used"] < row["blocks_total"] == 256
    assert np.isfinite(res.indices["ST"]).all()
    assert "where the output is defined" in (tmp_path / "nan" / "summary.md").read_text()


def test_groups_are_analysed_as_one_factor(tmp_path: Path) -> None:
    grouped = (
        Factor("x1", -PI, PI, group="a"),
        Factor("x2", -PI, PI, group="b"),
        Factor("x3", -PI, PI, group="a"),
    )
    res = study(tmp_path, "grp", ishigami, grouped, method="sobol", n=512, seed=3)
    idx = res.indices.set_index("parameter")
    assert list(idx.index) == ["a", "b"]
    # x1 and x3 together: ST = 1 - S1(x2) = 0.558, S1 = S1(x1) + S1(x3) + S13 = 0.558
    assert idx.loc["a", "ST"] == pytest.approx(0.558, abs=0.05)
    assert idx.loc["b", "S1"] == pytest.approx(0.442, abs=0.05)
    # two groups: N (2 + 2) design points, not N (3 + 2)
    assert len(make_design(Experiment(method="sobol", factors=grouped, n=8)).points) == 8 * 4


def test_outputs_are_written_atomically(tmp_path: Path) -> None:
    res = study(tmp_path, "files", ishigami, ISHIGAMI, method="morris", trajectories=8, seed=1)
    names = {p.name for p in res.out.iterdir()}
    expected = {"indices.csv", "convergence.csv", "noise.csv", "summary.md", "morris.png"}
    expected |= {"convergence.png", "design.csv", "runs.parquet", "experiment.json"}
    assert expected <= names
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())
    runs = pd.read_parquet(res.out / "runs.parquet")
    assert list(runs.columns[:3]) == ["point", "replicate", "seed"]
    assert len(runs) == 8 * 4


def test_sobol_summary_advises_n_for_the_ci_target() -> None:
    from ptce_sim.apps.sensitivity.report import n_for_ci

    assert n_for_ci(0.04, 512) == 512
    assert n_for_ci(0.10, 512) == 2048  # (0.10 / 0.05)^2 = 4 x 512
    assert n_for_ci(0.07, 256) == 512  # 256 x 1.96 = 502 -> next power of 2


def test_morris_with_undefined_points_drops_single_effects_not_trajectories() -> None:
    from SALib.analyze import morris

    from ptce_sim.apps.sensitivity.analysis import morris_partial

    exp = Experiment(method="morris", factors=G_FACTORS, trajectories=12, seed=5)
    design = make_design(exp)
    y = np.array([g_function(p, 0)["y"] for p in design.points])
    ref = morris.analyze(design.problem, design.X, y, num_resamples=500, num_levels=4, seed=5)
    ours = morris_partial(design, y, design.n_blocks, 4, 5)
    for key in ("mu", "mu_star", "sigma"):
        np.testing.assert_allclose(ours[key], ref[key], rtol=1e-12)
    np.testing.assert_allclose(ours["mu_star_conf"], ref["mu_star_conf"], rtol=0.35)
    assert (ours["used"] == 12).all()
    # one undefined point costs the one or two effects of the steps that touch it
    y[design.block + 3] = np.nan
    holed = morris_partial(design, y, design.n_blocks, 4, 5)
    assert sorted(holed["used"]) == [11, 11, 12, 12, 12, 12]


def test_morris_noise_floor_flags_factors_without_effect(tmp_path: Path) -> None:
    def noisy_g(point: Mapping[str, Any], seed: int) -> dict[str, float]:
        return {"y": g_function(point, seed)["y"] + _point_rng(point, seed).normal(0, 0.3)}

    res = study(tmp_path, "floor", noisy_g, G_FACTORS, method="morris", trajectories=30,
                replicates=2, seed=5)  # fmt: skip
    idx = res.indices.set_index("parameter")
    floor = idx["mu_star_noise"].iloc[0]
    # noise s.d. in the means 0.3 / sqrt(2); floor = 2 s / (delta sqrt(pi)), delta = 2/3
    assert floor == pytest.approx(2 * 0.3 / np.sqrt(2) / (2 / 3 * np.sqrt(np.pi)), rel=0.2)
    assert idx.loc["x1", "mu_star"] > 5 * floor
    assert idx.loc["x6", "mu_star"] < 2 * floor
    assert "Above chance" in (res.out / "summary.md").read_text(encoding="utf-8")


def test_noise_shared_by_all_points_does_not_bias_the_indices(tmp_path: Path) -> None:
    """Common random numbers: noise that depends on the seed only cancels between points."""

    def shared(point: Mapping[str, Any], seed: int) -> dict[str, float]:
        noise = np.random.default_rng(seed).normal(0.0, np.sqrt(ISHIGAMI_VAR))
        return {"y": ishigami(point, seed)["y"] + noise}

    res = study(tmp_path, "s", shared, ISHIGAMI, method="sobol", n=256, replicates=3, seed=2)
    idx = res.indices.set_index("parameter")
    np.testing.assert_allclose(idx["ST_denoised"], idx["ST"], atol=1e-9)
    np.testing.assert_allclose(idx["ST"].to_numpy(), ISHIGAMI_ST, atol=0.08)
    res = study(tmp_path, "m", shared, ISHIGAMI, method="morris", trajectories=6,
                replicates=3, seed=2)  # fmt: skip
    assert (res.indices["mu_star_noise"] < 1e-9).all()


def test_themes_of_factors_and_groups() -> None:
    from ptce_sim.apps.sensitivity.report import OTHER, theme_of
    from ptce_sim.apps.sensitivity.spec import Factor

    def f(key: str, group: str | None = None) -> Factor:
        return Factor(key, 0.0, 1.0, "float", group, "lever", "-", "")

    factors = (
        f("funding.dues_flat", "money"),
        f("structural.amount", "money"),
        f("turnover.rate", "people"),
        f("poles.succession_support", "people"),
        f("trust.loss", "mix"),
        f("funding.la_subsidy", "mix"),
        f("cooperation.threshold"),
    )
    assert theme_of("money", factors) == "funding policy"
    assert theme_of("people", factors) == "staff turnover"
    assert theme_of("mix", factors) == "mixed"
    assert theme_of("cooperation.threshold", factors) == OTHER
