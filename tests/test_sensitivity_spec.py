"""Experiment files: what is accepted, and one clear line for each thing that is not."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from ptce_sim.apps.sensitivity.spec import DEFAULT_OUTPUTS, load_experiment
from ptce_sim.base.errors import ConfigError

WriteToml = Callable[..., Path]

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"

GOOD = """
method = "{method}"
seed = 2
replicates = 3
[morris]
trajectories = 6
num_levels = 4
[sobol]
n = 64
[factors]
"turnover.rate" = [0.005, 0.04]
"funding.la_subsidy" = {{}}
"calls.open" = {{ group = "calls" }}
"territory.persons_max" = [1, 3]
"""


def test_a_good_file_is_read_with_declared_metadata(write_toml: WriteToml) -> None:
    exp = load_experiment(write_toml("e.toml", GOOD.format(method="morris")))
    assert exp.method == "morris"
    assert exp.seed == 2
    assert exp.replicates == 3
    assert exp.outputs == DEFAULT_OUTPUTS
    rate, subsidy, calls, persons = exp.factors
    assert (rate.lo, rate.hi, rate.role, rate.unit) == (0.005, 0.04, "lever", "1/month")
    assert (subsidy.lo, subsidy.hi) == (0.0, 100.0)  # declared bounds by default (wages)
    assert calls.kind == "bool"
    assert calls.group == "calls"
    assert persons.kind == "int"
    assert persons.cast(2.4) == 2
    assert persons.cast(2.6) == 3
    assert calls.cast(0.49) is False
    assert calls.cast(0.5) is True
    # an ungrouped factor is its own group: 4 effects -> 6 x (4 + 1) points x 3 replicates
    assert exp.n_runs == 6 * 5 * 3


def test_shipped_experiments_are_valid() -> None:
    # experiments/ also holds sweep experiments (design = ...); sensitivity ones have a method
    files = [
        p for p in sorted(EXPERIMENTS.glob("*.toml")) if "method" in tomllib.loads(p.read_text())
    ]
    assert {f.stem for f in files} >= {"morris_screening", "sobol_survival"}
    for path in files:
        exp = load_experiment(path)
        assert len(exp.factors) >= 2
        # every corner the samplers can reach is accepted by the model's cross-field
        # checks (a minimum above its maximum would fail only at run time otherwise)
        for corner in ("lo", "hi"):
            point = {f.key: f.cast(getattr(f, corner)) for f in exp.factors}
            exp.base.with_overrides(point, f"{path} {corner} corner")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('method = "morris"', 'method = "sobl"'), "method = 'sobl': unknown method"),
        (('method = "morris"', 'method = "sobl"'), "did you mean 'sobol'?"),
        (("n = 64", "n = 100"), "sobol.n = 100: must be a power of 2"),
        (("n = 64", "n = 100"), "try 64 or 128"),
        (("num_levels = 4", "num_levels = 5"), "morris.num_levels = 5: must be even"),
        (("seed = 2", "seed = 0"), "seed = 0: must be at least 1"),
        (("replicates = 3", "replicates = 0"), "replicates = 0: must be at least 1"),
        (('"turnover.rate"', '"turnover.rat"'), "did you mean 'turnover.rate'?"),
        (
            ("[0.005, 0.04]", "[0.005, 0.4]"),
            "factors.turnover.rate = [0.005, 0.4]: bounds outside the parameter's declared range",
        ),
        (("[0.005, 0.04]", "[0.04, 0.005]"), "expected lo < hi"),
        (("seed = 2", 'seed = 2\noutputs = ["survival_10"]'), "did you mean 'survival_10y'?"),
        (("seed = 2", 'seed = 2\nscenario = "basline"'), "did you mean 'baseline'?"),
        (("seed = 2", "seed = 2\nreplicate = 3"), "did you mean 'replicates'?"),
        (("[sobol]", "[sobol]\nsecond = true"), "sobol.second: unknown key"),
        (
            ('"calls.open"', '"funding.dues_mode" = {}\n"calls.open"'),
            "a text parameter cannot be a factor",
        ),
    ],
)
def test_bad_files_fail_in_one_line_naming_file_key_and_value(
    write_toml: WriteToml, edit: tuple[str, str], expected: str
) -> None:
    old, new = edit
    text = GOOD.format(method="morris")
    assert old in text
    path = write_toml("bad.toml", text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(str(path))
    assert expected in line


def test_sobol_n_error_names_the_allowed_range(write_toml: WriteToml) -> None:
    path = write_toml("s.toml", GOOD.format(method="sobol").replace("n = 64", "n = 96"))
    with pytest.raises(ConfigError, match=r"allowed a power of 2 in \[4, 65536\]"):
        load_experiment(path)


def test_set_table_overrides_the_base_scenario(write_toml: WriteToml) -> None:
    text = GOOD.format(method="morris") + '[set]\n"run.steps" = 36\n'
    exp = load_experiment(write_toml("set.toml", text))
    assert exp.base.params.run.steps == 36
    bad = write_toml("bad.toml", GOOD.format(method="morris") + '[set]\n"run.steps" = 0\n')
    with pytest.raises(ConfigError, match=r"run\.steps = 0: out of range"):
        load_experiment(bad)


def test_the_shipped_sobol_study_has_six_to_ten_effects_and_keeps_the_themes() -> None:
    """Issue 6: the Sobol' study keeps the 6-10 effects the screening found important,
    with the mission's two themes as effects of their own."""
    from ptce_sim.apps.sensitivity.design import n_effects

    exp = load_experiment(EXPERIMENTS / "sobol_survival.toml")
    assert exp.method == "sobol"
    assert 6 <= n_effects(exp.factors) <= 10
    assert {"funding policy", "staff turnover"} <= {f.group for f in exp.factors}
    assert "cooperation.opportunity_cost" in {f.key for f in exp.factors}
    assert exp.n & (exp.n - 1) == 0  # a power of 2
