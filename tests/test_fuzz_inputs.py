"""Property-based fuzzing of every input a user types or writes (issue 16).

Hypothesis generates invalid scenario files, experiment files, sensitivity study files
and ``--set`` values, each invalid by construction (one defect on an otherwise usable
input, or raw garbage), and feeds them to the command that reads them. Every one must
end the way the CLI promises: exit code 2, exactly one line on stderr starting with
``error:``, no traceback, nothing written in the working folder, within a time bound.

The quick tests (a few dozen examples per kind) run in every test run; the ``slow`` one
draws 1,000 inputs over all kinds, the size of the generator that found the problems of
issue 16. The commands run in-process (``main(argv)``): an exception that escaped the
CLI would fail the test with its traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ptce_sim.apps.cli import main  # noqa: E402
from ptce_sim.base.params import iter_specs  # noqa: E402
from ptce_sim.world.parameters import Parameters  # noqa: E402

SPECS = list(iter_specs(Parameters))
KEYS = {s.key for s in SPECS}
GROUPS = sorted({k.split(".")[0] for k in KEYS})
NUMERIC = [s for s in SPECS if s.type in (int, float) and (s.lo is not None or s.hi is not None)]
SECONDS = 10.0  # per input, generous: a loaded CI runner; the real figure is milliseconds


def toml_value(v: Any) -> str:
    """A Python value written as TOML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, float):
        return repr(v) if v == v and abs(v) != float("inf") else ("nan" if v != v else "inf")
    return str(v)


# -- one bad value for a parameter ----------------------------------------------------------
@st.composite
def bad_value(draw: st.DrawFn, spec: Any) -> Any:
    """A value ``spec`` must refuse: out of range, of the wrong type, or unusable."""
    kinds = ["string", "list", "huge_int", "nested"]
    if spec.type in (int, float) and spec.hi is not None:
        kinds.append("above")
    if spec.type in (int, float) and spec.lo is not None:
        kinds.append("below")
    if spec.type is int:
        kinds.append("fraction")
    if spec.type is bool:
        kinds.append("number")
    if spec.type is str:
        kinds = ["number", "list"] if not spec.choices else ["number", "list", "choice"]
    kind = draw(st.sampled_from(kinds))
    if kind == "above":
        return spec.hi + draw(st.integers(1, 10**6)) * (1 if spec.type is int else 0.5)
    if kind == "below":
        return spec.lo - draw(st.integers(1, 10**6)) * (1 if spec.type is int else 0.5)
    if kind == "fraction":
        return draw(st.integers(-1000, 1000)) + 0.5
    if kind == "string":
        return draw(st.text(max_size=30))
    if kind == "list":
        return draw(st.lists(st.integers(-5, 5), max_size=4))
    if kind == "huge_int":
        return int("9" * draw(st.integers(20, 600)))
    if kind == "nested":
        return "[" * draw(st.integers(25, 3000))  # written raw: see scenario_text
    if kind == "number":
        return draw(st.floats(allow_nan=False, allow_infinity=False))
    return draw(st.text(min_size=1, max_size=20).filter(lambda t: t not in spec.choices))


def raw(value: Any) -> str:
    """TOML text of a bad value; an unclosed nest is written as is (broken TOML)."""
    if isinstance(value, str) and value and set(value) == {"["}:
        return value + "1" + "]" * len(value)
    return toml_value(value)


# -- scenarios ------------------------------------------------------------------------------
@st.composite
def bad_scenario(draw: st.DrawFn) -> str:
    """The text of a scenario file with one defect (or garbage)."""
    kind = draw(
        st.sampled_from(
            ["value", "unknown_key", "unknown_section", "garbage", "extends", "policy", "start",
             "meta_type"]
        )
    )  # fmt: skip
    if kind == "value":
        spec = draw(st.sampled_from(SPECS))
        group, name = spec.key.split(".", 1)
        return f"[{group}]\n{name} = {raw(draw(bad_value(spec)))}\n"
    if kind == "unknown_key":
        group = draw(st.sampled_from(GROUPS))
        name = draw(st.from_regex(r"[a-z]{3,12}", fullmatch=True))
        if f"{group}.{name}" in KEYS:
            name += "_zz"
        return f"[{group}]\n{name} = 1\n"
    if kind == "unknown_section":
        name = draw(st.from_regex(r"[a-z]{3,12}", fullmatch=True))
        if name in GROUPS or name in ("policy",):
            name += "_zz"
        return f"[{name}]\nx = 1\n"
    if kind == "garbage":
        text = draw(st.text(min_size=1, max_size=200))
        return text + "\n= = broken\n"
    if kind == "extends":
        ref = draw(
            st.one_of(
                st.sampled_from(["", ".", "..", "/", "nope/", "a" * 5000]),
                st.from_regex(r"[a-z]{5,20}_missing", fullmatch=True),
                st.integers(),
            )
        )
        return f"extends = {toml_value(ref)}\n"
    if kind == "policy":
        at = draw(st.one_of(st.integers(-(10**6), -1), st.integers(10**4, 10**9), st.text()))
        return f'[[policy]]\nat = {toml_value(at)}\nset = {{ "turnover.rate" = 0.01 }}\n'
    if kind == "start":
        start = draw(
            st.one_of(
                st.sampled_from(["２００９-01", "2009-13", "2009/01", "09-01", "", "١٢٣٤-01"]),
                st.integers(),
            )
        )
        return f"start = {toml_value(start)}\n"
    key = draw(st.sampled_from(["description", "name", "sources"]))
    return f"{key} = {draw(st.sampled_from(['1', '[1, 2]', '{ a = 1 }', 'true']))}\n"


def not_a_design(text: str) -> bool:
    return text not in ("grid", "lhs", "random", "file")


def not_a_method(text: str) -> bool:
    return text not in ("morris", "sobol")


# -- experiments ----------------------------------------------------------------------------
GOOD_EXPERIMENT = {
    "design": '"grid"',
    "seed": "3",
    "replicates": "2",
    "levels": '{ "turnover.rate" = [0.01, 0.02] }',
}


@st.composite
def bad_experiment(draw: st.DrawFn) -> str:
    """The text of an experiment file with one defect."""
    lines = dict(GOOD_EXPERIMENT)
    kind = draw(
        st.sampled_from(
            ["design", "seed", "replicates", "huge", "samples", "sample", "level", "unknown",
             "base", "keep", "levels_type", "drop_design"]
        )
    )  # fmt: skip
    if kind == "design":
        lines["design"] = toml_value(draw(st.text(max_size=10).filter(not_a_design)))
    elif kind == "seed":
        lines["seed"] = toml_value(
            draw(st.one_of(st.integers(max_value=0), st.text(), st.floats()))
        )
    elif kind == "replicates":
        lines["replicates"] = toml_value(draw(st.one_of(st.integers(max_value=0), st.text())))
    elif kind == "huge":
        lines["replicates"] = str(draw(st.integers(10**7, 2**62)))
    elif kind == "samples":
        lines["design"] = '"lhs"'
        lines.pop("levels")
        lines["samples"] = toml_value(
            draw(st.one_of(st.integers(10**7, 2**62), st.integers(max_value=0), st.floats()))
        )
        lines["sample"] = '["turnover.rate"]'
    elif kind == "sample":
        lines["design"] = '"random"'
        lines.pop("levels")
        lines["samples"] = "4"
        lines["sample"] = toml_value(
            draw(st.sampled_from(["turnover.rate", ["no.such_key"], [1, 2], "", ["run.name"]]))
        )
    elif kind == "level":
        spec = draw(st.sampled_from(NUMERIC))
        lines["levels"] = f'{{ "{spec.key}" = [{raw(draw(bad_value(spec)))}] }}'
    elif kind == "unknown":
        name = draw(st.from_regex(r"[a-z]{3,10}", fullmatch=True).filter(
            lambda n: n not in ("description", "base", "design", "replicates", "seed", "paired",
                                "samples", "sample", "file", "keep", "timeseries", "poles",
                                "set", "levels", "bounds")))  # fmt: skip
        lines[name] = "1"
    elif kind == "base":
        lines["base"] = toml_value(draw(st.sampled_from(["", ".", "no_such_scenario", "x/y.toml"])))
    elif kind == "keep":
        lines["keep"] = toml_value(draw(st.sampled_from([[], ["nope"], "survival_5y", [1]])))
    elif kind == "levels_type":
        lines["levels"] = toml_value(draw(st.sampled_from(["x", 1, [1, 2]])))
    else:
        lines.pop("design")
    return "".join(f"{k} = {v}\n" for k, v in lines.items())


# -- sensitivity studies ----------------------------------------------------------------------
@st.composite
def bad_study(draw: st.DrawFn) -> str:
    """The text of a sensitivity study with one defect."""
    factors = {"turnover.rate": "{}", "trust.gain": "{}"}
    top = {"method": '"morris"', "seed": "1"}
    morris: dict[str, str] = {"trajectories": "4"}
    kind = draw(
        st.sampled_from(
            ["method", "typo", "one_factor", "bounds", "trajectories", "levels", "seed",
             "outputs", "sobol_n", "text_factor"]
        )
    )  # fmt: skip
    if kind == "method":
        top["method"] = toml_value(draw(st.text(max_size=8).filter(not_a_method)))
    elif kind == "typo":
        factors = {"turnover.rat": "{}", "trust.gain": "{}"}
    elif kind == "one_factor":
        factors = {draw(st.sampled_from(["turnover.rate", "turnover.rte"])): "{}"}
    elif kind == "bounds":
        spec = draw(st.sampled_from([s for s in NUMERIC if s.lo is not None and s.hi is not None]))
        # The second factor must not be the bad one: a dict literal {k: bad, k: "{}"} kept
        # the good bounds when k was trust.gain, a valid study (one slow run in six).
        other = "turnover.rate" if spec.key == "trust.gain" else "trust.gain"
        factors = {spec.key: f"[{spec.lo - 1}, {spec.hi + 1}]", other: "{}"}
    elif kind == "trajectories":
        morris["trajectories"] = toml_value(
            draw(st.one_of(st.integers(max_value=1), st.integers(10**7, 2**62)))
        )
    elif kind == "levels":
        morris["num_levels"] = str(draw(st.integers(-5, 50).filter(lambda n: n < 2 or n % 2)))
    elif kind == "seed":
        top["seed"] = toml_value(draw(st.one_of(st.integers(max_value=0), st.text())))
    elif kind == "outputs":
        top["outputs"] = toml_value(draw(st.sampled_from([[], ["nope"], "x", [1]])))
    elif kind == "sobol_n":
        top["method"] = '"sobol"'
        n = draw(st.integers(-10, 10**6).filter(lambda n: n < 4 or n & (n - 1) or n > 2**16))
        top["sobol"] = f"{{ n = {n} }}"
    else:
        factors["run.name"] = "{}"
    text = "".join(f"{k} = {v}\n" for k, v in top.items())
    text += "[morris]\n" + "".join(f"{k} = {v}\n" for k, v in morris.items())
    text += "[factors]\n" + "".join(f'"{k}" = {v}\n' for k, v in factors.items())
    return text


# -- --set values ---------------------------------------------------------------------------
@st.composite
def bad_set(draw: st.DrawFn) -> str:
    """One ``--set`` argument the CLI must refuse."""
    kind = draw(st.sampled_from(["value", "unknown", "no_equals", "newline", "long", "empty_key"]))
    if kind == "value":
        spec = draw(st.sampled_from(SPECS))
        return f"{spec.key}={raw(draw(bad_value(spec)))}"
    if kind == "unknown":
        key = draw(st.from_regex(r"[a-z]{2,8}\.[a-z]{2,8}", fullmatch=True).filter(
            lambda k: k not in KEYS))  # fmt: skip
        return f"{key}=1"
    if kind == "no_equals":
        return draw(st.text(max_size=30).filter(lambda t: "=" not in t))
    if kind == "newline":
        return "turnover.rate=0.03" + draw(st.sampled_from(["\n", "\r", "\0"])) + "x=1"
    if kind == "long":
        return "turnover.rate=" + "9" * draw(st.integers(1001, 200_000))
    return "=" + draw(st.text(max_size=5))


# -- the check ------------------------------------------------------------------------------
def clean_failure(argv: list[str], folder: Path) -> None:
    """Run ``ptce-sim ARGV`` in ``folder``: exit 2, one ``error:`` line, nothing written."""
    before = set(folder.rglob("*"))
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(cwd)
    seconds = time.perf_counter() - started
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    shown = f"argv={[a[:80] for a in argv]!r} stderr={err.getvalue()[:500]!r}"
    assert code == 2, shown
    assert len(lines) == 1, shown
    assert lines[0].startswith("error: "), shown
    assert len(lines[0]) < 2000, shown
    assert "Traceback" not in err.getvalue(), shown
    assert set(folder.rglob("*")) == before, shown  # nothing written
    assert seconds < SECONDS, shown


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def _empty(folder: Path) -> None:
    """Remove the previous input, and any folder a command wrongly created (so that the
    failure reported is that command's, not an error of this cleanup)."""
    for old in folder.iterdir():
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


@pytest.fixture
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _scenario_case(folder: Path, text: str, command: str) -> None:
    sub = Path(os.path.realpath(folder))
    _empty(sub)
    path = write(sub, "s.toml", text)
    argv = ["validate", str(path)] if command == "validate" else ["run", str(path), "--out", "o"]
    clean_failure(argv, sub)


@FAST
@given(text=bad_scenario(), command=st.sampled_from(["validate", "run"]))
def test_invalid_scenarios_fail_cleanly(folder: Path, text: str, command: str) -> None:
    _scenario_case(folder, text, command)


def _experiment_case(folder: Path, text: str, command: str) -> None:
    _empty(folder)
    path = write(folder, "e.toml", text)
    argv = (
        ["validate", str(path)]
        if command == "validate"
        else ["sweep", str(path), "--jobs", "1", "--out", "o"]
    )
    clean_failure(argv, folder)


@FAST
@given(text=bad_experiment(), command=st.sampled_from(["validate", "sweep"]))
def test_invalid_experiments_fail_cleanly(folder: Path, text: str, command: str) -> None:
    _experiment_case(folder, text, command)


def _study_case(folder: Path, text: str, command: str) -> None:
    pytest.importorskip("SALib")
    _empty(folder)
    path = write(folder, "m.toml", text)
    argv = (
        ["validate", str(path)]
        if command == "validate"
        else ["sensitivity", str(path), "--jobs", "1", "--out", "o"]
    )
    clean_failure(argv, folder)


@FAST
@given(text=bad_study(), command=st.sampled_from(["validate", "sensitivity"]))
def test_invalid_studies_fail_cleanly(folder: Path, text: str, command: str) -> None:
    _study_case(folder, text, command)


@FAST
@given(item=bad_set(), command=st.sampled_from(["run", "compare", "patterns"]))
def test_invalid_set_values_fail_cleanly(folder: Path, item: str, command: str) -> None:
    argv = [command, "--set", item]
    if command == "run":
        argv += ["--out", "o"]
    clean_failure(argv, folder)


CASES: dict[str, tuple[Callable[..., Any], Callable[..., None], list[str]]] = {
    "scenario": (bad_scenario, _scenario_case, ["validate", "run"]),
    "experiment": (bad_experiment, _experiment_case, ["validate", "sweep"]),
    "study": (bad_study, _study_case, ["validate", "sensitivity"]),
}


@pytest.mark.slow
@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), kind=st.sampled_from([*CASES, "set"]))
def test_a_thousand_invalid_inputs_all_fail_cleanly(
    folder: Path, data: st.DataObject, kind: str
) -> None:
    """Issue 16's target: 1,000 invalid inputs, 100 % clean, 0 hangs."""
    if kind == "set":
        item = data.draw(bad_set())
        clean_failure(["run", "--set", item, "--out", "o"], folder)
        return
    strategy, case, commands = CASES[kind]
    case(folder, data.draw(strategy()), data.draw(st.sampled_from(commands)))


@FAST
@given(
    argv=st.sampled_from(
        [
            ["nosuch"],
            ["run", "--seed", "abc"],
            ["run", "--sed", "1"],
            ["compare", "--jobs"],
            ["compare", "--replicates", "x"],
            ["sweep"],
            ["report"],
            ["params", "--format", "yaml"],
            ["patterns", "--seed", "1.5"],
            ["discover", "x"],
            ["validate"],
        ]
    )
)
def test_misused_options_fail_cleanly(folder: Path, argv: list[str]) -> None:
    """click's own usage errors are one line too (not four, with the usage text)."""
    clean_failure(argv, folder)
