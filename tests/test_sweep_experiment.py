"""Experiment files (apps/experiment.py), run ids and seeds (apps/runid.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import WriteToml
from ptce_sim.apps import experiment, runid
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import flat_dict
from ptce_sim.world import scenario as scenarios

REPO = Path(__file__).resolve().parents[1]
# experiments/ also holds sensitivity experiments (method = ...), read by their own loader
SHIPPED = [p for p in sorted((REPO / "experiments").glob("*.toml")) if experiment.is_experiment(p)]

MINIMAL = """
base = "baseline"        # a scenario name or a path
design = "grid"          # grid | lhs | random | file
replicates = 20
seed = 11
[levels]
"turnover.rate" = [0.005, 0.015, 0.03]   # any dotted parameter key
"""


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        experiment.load(path)
    text = str(info.value)
    assert "\n" not in text
    return text


def test_the_minimal_form_of_the_issue(write_toml: WriteToml) -> None:
    exp = experiment.load(write_toml("m.toml", MINIMAL))
    assert exp.n_runs == 60
    assert [p["turnover.rate"] for p in exp.points] == [0.005, 0.015, 0.03]
    runs = exp.runs()
    assert len({r[0] for r in runs}) == 60
    assert [r[0] for r in runs] == sorted(r[0] for r in runs)
    assert exp.resolve(2).params.turnover.rate == 0.03


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_experiments_are_valid(path: Path) -> None:
    exp = experiment.load(path)
    assert exp.n_runs >= 100
    assert exp.description


def test_headline_experiment_has_policies_turnover_handover_and_20_replicates() -> None:
    exp = experiment.load(REPO / "experiments" / "funding_x_turnover.toml")
    assert exp.replicates >= 20
    assert set(exp.factors) == {"scenario", "turnover.rate", "handover"}
    on = next(i for i, p in enumerate(exp.points) if p["handover"] == "on")
    assert exp.resolve(on).params.turnover.handover == 0.6


def test_run_ids_and_seeds_are_stable_across_versions() -> None:
    """Changing these breaks every resume of an older sweep: deliberate changes only."""
    assert runid.replicate_seed(11, 0) == 3365809656606333818
    assert runid.run_id({"turnover.rate": 0.015}, 0, 5) == runid.run_id(
        {"turnover.rate": 0.015}, 0, 5
    )
    assert runid.canonical({"b": 1.5, "a": [1, "x"]}) == '{"a":[1,"x"],"b":1.5}'
    assert runid.run_id({"turnover.rate": 0.015}, 3, 42) == "b06d40c02afb2175"


def test_paired_replicates_share_seeds_unpaired_do_not(write_toml: WriteToml) -> None:
    paired = experiment.load(write_toml("p.toml", MINIMAL))
    seeds = {}
    for _, _point, rep, seed in paired.runs():
        seeds.setdefault(rep, set()).add(seed)
    assert all(len(s) == 1 for s in seeds.values())
    assert paired.paired
    text = MINIMAL.replace("seed = 11", "seed = 11\npaired = false")
    un = experiment.load(write_toml("u2.toml", text))
    assert len({s for *_, s in un.runs()}) == un.n_runs


def test_lhs_is_a_latin_hypercube_within_bounds(write_toml: WriteToml) -> None:
    path = write_toml(
        "l.toml",
        """
        design = "lhs"
        samples = 40
        seed = 3
        sample = ["turnover.rate", "territory.focus_sector", "funding.dues_exclusion"]
        [bounds]
        "territory.n_orgs" = [30, 69]
        "trust.gain" = [0.1, 0.2]
        """,
    )
    exp = experiment.load(path)
    assert exp.n_runs == 40
    rates = np.array([p["turnover.rate"] for p in exp.points])
    assert ((rates >= 0) & (rates <= 0.2)).all()
    strata = np.floor(rates / 0.2 * 40).astype(int)
    assert sorted(strata) == list(range(40))  # one sample per stratum
    orgs = [p["territory.n_orgs"] for p in exp.points]
    assert sorted(orgs) == list(range(30, 70))  # 40 integer strata of width 1
    assert all(isinstance(p["funding.dues_exclusion"], bool) for p in exp.points)
    assert experiment.load(path).points == exp.points  # deterministic


def test_random_design_keeps_its_first_rows_when_samples_grow(write_toml: WriteToml) -> None:
    text = """
    design = "random"
    samples = {n}
    seed = 3
    sample = ["turnover.rate", "trust.gain"]
    """
    small = experiment.load(write_toml("a.toml", text.format(n=5)))
    large = experiment.load(write_toml("b.toml", text.format(n=9)))
    assert large.points[:5] == small.points


def test_file_design_crossed_with_levels(write_toml: WriteToml) -> None:
    write_toml("points.csv", "turnover.rate,territory.n_orgs\n0.01,40\n0.02,50\n")
    path = write_toml(
        "f.toml",
        """
        design = "file"
        file = "points.csv"
        seed = 1
        replicates = 2
        [levels]
        scenario = ["baseline", "structural"]
        """,
    )
    exp = experiment.load(path)
    assert exp.n_runs == 8
    assert exp.points[1] == {"scenario": "baseline", "turnover.rate": 0.02, "territory.n_orgs": 50}
    spec = exp.resolve(3)
    assert spec.params.structural.amount == scenarios.load("structural").params.structural.amount
    assert spec.params.territory.n_orgs == 50


def test_bundles_set_several_keys_and_fixed_overrides_apply(tiny_experiment: Path) -> None:
    exp = experiment.load(tiny_experiment)
    assert exp.factors == ("scenario", "handover")
    on = exp.resolve(1)
    assert (on.params.turnover.handover, on.params.poles.succession_support) == (0.6, 0.05)
    assert on.params.run.steps == 12
    off = flat_dict(exp.resolve(0).params)
    assert off["turnover.handover"] == 0.3


def test_identity_changes_with_what_defines_results(write_toml: WriteToml) -> None:
    a = experiment.load(write_toml("a.toml", MINIMAL)).identity()
    b = experiment.load(write_toml("b.toml", MINIMAL.replace("0.03]", "0.04]"))).identity()
    c = experiment.load(write_toml("c.toml", "# a comment\n" + MINIMAL)).identity()
    assert a["points"] != b["points"]
    assert a == c


BAD = [
    ("design = 'grid'\nreplicates = 2\n", "seed"),
    ("design = 'grid'\nseed = 0\n", "seed = 0"),
    ("design = 'grd'\nseed = 1\n", "did you mean 'grid'"),
    ("design = 'grid'\nseed = 1\nreplicate = 3\n", "did you mean 'replicates'"),
    ("design = 'grid'\nseed = 1\nreplicates = 0\n", "replicates = 0"),
    ("design = 'grid'\nseed = 1\n[levels]\n'turnover.rat' = [0.1]\n", "turnover.rate"),
    ("design = 'grid'\nseed = 1\n[levels]\n'turnover.rate' = [0.5]\n", "out of range"),
    ("design = 'grid'\nseed = 1\n[levels]\n'turnover.rate' = []\n", "non-empty list"),
    ("design = 'grid'\nseed = 1\n[levels]\n'turnover.rate' = [0.1, 0.1]\n", "twice"),
    ("design = 'grid'\nseed = 1\nbase = 'basline'\n", "did you mean 'baseline'"),
    ("design = 'grid'\nseed = 1\nbase = 'x'\n[levels]\nscenario = ['baseline']\n", "not both"),
    ("design = 'grid'\nseed = 1\n[levels]\nscenario = ['structral']\n", "structural"),
    (
        "design = 'grid'\nseed = 1\n[set]\n'turnover.rate' = 0.01\n[levels]\n"
        "'turnover.rate' = [0.1]\n",
        "set twice",
    ),
    ("design = 'lhs'\nseed = 1\nsamples = 5\n", "needs keys to sample"),
    ("design = 'lhs'\nseed = 1\nsample = ['trust.gain']\n", "samples"),
    ("design = 'lhs'\nseed = 1\nsamples = 5\n[bounds]\n'trust.gain' = [0.3, 0.1]\n", "lo < hi"),
    ("design = 'grid'\nseed = 1\nsamples = 5\n", "not used by design = 'grid'"),
    ("design = 'file'\nseed = 1\nfile = 'missing.csv'\n", "not found"),
    ("design = 'grid'\nseed = 1\nkeep = ['survival_5']\n", "did you mean 'survival_5y'"),
    ("design = 'grid'\nseed = 1\ntimeseries = ['strated']\n", "did you mean 'started'"),
    ("design = 'grid'\nseed = 1\n[levels]\nturnover = [0.1]\n", "not a parameter key"),
    ("design = 'grid'\nseed = 1\n[levels.turnover]\nrate = [0.1]\n", '"turnover.rate"'),
    ("design = 'grid'\nseed = 1\n[levels.months]\na = {}\n", "taken by a column"),
    ("design = 'grid'\nseed = 1\n[set]\n'territory.competences_min' = 9\n", "design point 0"),
    ("design = 'grid'\nseed = [1\n", "broken TOML"),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[b[1] for b in BAD])
def test_bad_experiment_files_fail_with_one_clear_line(
    write_toml: WriteToml, text: str, expected: str
) -> None:
    path = write_toml("bad.toml", text)
    message = load_error(path)
    assert expected in message
    assert str(path) in message or "bad.toml" in message or "--" in message


def test_bad_csv_rows_name_the_row(write_toml: WriteToml) -> None:
    write_toml("p.csv", "turnover.rate\n0.01\n0.9\n")
    path = write_toml("f.toml", "design = 'file'\nseed = 1\nfile = 'p.csv'\n")
    message = load_error(path)
    assert "row 3" in message
    assert "out of range" in message


def test_experiments_resolve_by_name() -> None:
    assert experiment.find("funding_x_turnover").name == "funding_x_turnover.toml"
    with pytest.raises(ConfigError, match="did you mean 'population'"):
        experiment.find("populaton")
