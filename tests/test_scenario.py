"""Scenario files (world/scenario.py): baseline, inheritance, policies, and every bad input."""

from __future__ import annotations

import os
import pickle
import tomllib
from pathlib import Path

import pytest

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import flat_dict, nested_dict
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Policy, Scenario

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIO_FILES = sorted(REPO_SCENARIOS.glob("*.toml"))


def load_error(ref: object) -> ConfigError:
    """Load ``ref``, expect a ConfigError, check it renders as one line, return it."""
    with pytest.raises(ConfigError) as info:
        scenarios.load(ref)  # type: ignore[arg-type]
    text = str(info.value)
    assert "\n" not in text
    assert text.strip() == text
    return info.value


# -- the baseline and the shipped files -----------------------------------------------------
def test_baseline_by_name_is_exactly_the_defaults() -> None:
    spec = scenarios.load("baseline")
    assert spec.params == Parameters()
    assert spec.policies == ()
    assert spec.name == "baseline"


def test_baseline_file_is_exactly_the_defaults() -> None:
    spec = scenarios.load(REPO_SCENARIOS / "baseline.toml")
    assert spec.params == Parameters()
    assert spec.start is None


def test_every_value_written_in_baseline_toml_is_the_default() -> None:
    """Resolving to the defaults is not enough: a stale value would be applied silently."""
    data = tomllib.loads((REPO_SCENARIOS / "baseline.toml").read_text(encoding="utf-8"))
    defaults = nested_dict(Parameters())
    for group, table in data.items():
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            assert value == defaults[group][name], f"{group}.{name}"


def test_baseline_toml_spells_out_every_parameter() -> None:
    data = tomllib.loads((REPO_SCENARIOS / "baseline.toml").read_text(encoding="utf-8"))
    written = {f"{g}.{n}" for g, t in data.items() if isinstance(t, dict) for n in t}
    missing = sorted(set(flat_dict(Parameters())) - written)
    assert not missing, f"scenarios/baseline.toml does not spell out: {missing}"


def test_builtin_baseline_exists_without_any_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scenarios, "shipped_dir", lambda: empty)
    assert "baseline" not in scenarios.available()
    spec = scenarios.load("baseline")
    assert spec == Scenario()
    assert spec.params == Parameters()
    assert scenarios.load() == Scenario()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_loads(path: Path) -> None:
    spec = scenarios.load(path)
    assert isinstance(spec.params, Parameters)
    assert spec.name == tomllib.loads(path.read_text(encoding="utf-8")).get("name", path.stem)
    assert spec.description
    steps = spec.params.run.steps
    assert all(0 <= p.at < steps for p in spec.policies)
    # by name too, from anywhere
    assert scenarios.load(path.stem).params == spec.params


def test_shipped_variants_change_what_they_say() -> None:
    assert scenarios.load("high_turnover").params.turnover.rate == 0.03
    assert scenarios.load("low_turnover").params.turnover.rate == 0.005
    shock = scenarios.load("turnover_shock")
    assert shock.params == Parameters()  # policies only
    assert [(p.at, dict(p.updates)) for p in shock.policies] == [
        (48, {"turnover.rate": 0.05}),
        (72, {"turnover.rate": 0.015, "turnover.handover": 0.6}),
    ]
    assert shock.policies[0].source == "end of subsidised contracts"


def test_only_the_changed_key_differs_from_baseline() -> None:
    high = flat_dict(scenarios.load("high_turnover").params)
    base = flat_dict(Parameters())
    assert {k for k in base if base[k] != high[k]} == {"turnover.rate"}


# -- extends ----------------------------------------------------------------------------
def test_extends_a_relative_path(write_toml) -> None:
    write_toml(
        "parent.toml",
        """
        description = "parent"
        sources = ["p"]
        [turnover]
        rate = 0.03
        handover = 0.5
        """,
    )
    child = write_toml(
        "child.toml",
        """
        extends = "parent.toml"
        sources = ["c"]
        [turnover]
        handover = 0.6
        [trust]
        gain = 0.2
        """,
    )
    spec = scenarios.load(child)
    assert spec.params.turnover.rate == 0.03  # inherited
    assert spec.params.turnover.handover == 0.6  # child wins
    assert spec.params.trust.gain == 0.2
    assert spec.description == "parent"  # inherited when the child has none
    assert spec.sources == ("p", "c")
    assert spec.name == "child"
    assert spec.path == str(child)
    changed = {k for k, v in flat_dict(spec.params).items() if flat_dict(Parameters())[k] != v}
    assert changed == {"turnover.rate", "turnover.handover", "trust.gain"}


def test_extends_is_relative_to_the_file_not_the_working_directory(
    write_toml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml("lib/base.toml", "[turnover]\nrate = 0.04\n")
    write_toml("lib/variants/mid.toml", 'extends = "../base.toml"\n[trust]\ngain = 0.3\n')
    leaf = write_toml("top.toml", 'extends = "lib/variants/mid"\n[trust]\nloss = 0.3\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = scenarios.load(leaf)
    assert (spec.params.turnover.rate, spec.params.trust.gain, spec.params.trust.loss) == (
        0.04,
        0.3,
        0.3,
    )


def test_extends_a_chain_of_three(write_toml) -> None:
    write_toml("c.toml", "[turnover]\nrate = 0.01\nhandover = 0.1\n")
    write_toml("b.toml", 'extends = "c.toml"\n[turnover]\nhandover = 0.2\n')
    a = write_toml("a.toml", 'extends = "b.toml"\n[trust]\ngain = 0.05\n')
    p = scenarios.load(a).params
    assert (p.turnover.rate, p.turnover.handover, p.trust.gain) == (0.01, 0.2, 0.05)


def test_extends_by_name_through_the_environment(
    write_toml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "lib"
    write_toml("myparent.toml", "[turnover]\nrate = 0.07\n", folder=lib)
    child = write_toml(
        "child.toml", 'extends = "myparent"\n[trust]\ngain = 0.25\n', folder=tmp_path / "work"
    )
    with pytest.raises(ConfigError, match="unknown scenario 'myparent'"):
        scenarios.load(child)
    monkeypatch.setenv("PTCE_SIM_SCENARIOS", os.pathsep.join([str(tmp_path / "nowhere"), str(lib)]))
    spec = scenarios.load(child)
    assert (spec.params.turnover.rate, spec.params.trust.gain) == (0.07, 0.25)
    assert scenarios.load("myparent").params.turnover.rate == 0.07
    assert scenarios.available()["myparent"] == lib / "myparent.toml"


def test_environment_folders_come_first(
    write_toml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml("high_turnover.toml", "[turnover]\nrate = 0.11\n", folder=tmp_path / "mine")
    monkeypatch.setenv("PTCE_SIM_SCENARIOS", str(tmp_path / "mine"))
    assert scenarios.load("high_turnover").params.turnover.rate == 0.11


def test_extends_baseline_by_name(write_toml) -> None:
    spec = scenarios.load(write_toml("v.toml", 'extends = "baseline"\n[turnover]\nrate = 0.02\n'))
    assert spec.params.turnover.rate == 0.02
    assert (
        spec.sources[: len(scenarios.load("baseline").sources)]
        == scenarios.load("baseline").sources
    )


def test_policies_are_inherited_and_merged_in_time_order(write_toml) -> None:
    write_toml(
        "p.toml",
        """
        [[policy]]
        at = 10
        set = { "turnover.rate" = 0.05 }
        [[policy]]
        at = 30
        set = { "turnover.rate" = 0.01 }
        """,
    )
    child = write_toml(
        "c.toml",
        """
        extends = "p.toml"
        [[policy]]
        at = 20
        set = { "trust.gain" = 0.2 }
        """,
    )
    assert [p.at for p in scenarios.load(child).policies] == [10, 20, 30]


# -- policies --------------------------------------------------------------------------
def test_policy_with_dotted_keys(write_toml) -> None:
    spec = scenarios.load(
        write_toml(
            "p.toml",
            """
            [[policy]]
            at = 12
            set = { "turnover.rate" = 0.03, "trust.gain" = 0.2 }
            source = "a programme"
            """,
        )
    )
    assert spec.policies == (
        Policy(at=12, updates={"turnover.rate": 0.03, "trust.gain": 0.2}, source="a programme"),
    )
    assert spec.params == Parameters()  # month 0 is untouched


def test_policy_with_nested_tables(write_toml) -> None:
    spec = scenarios.load(
        write_toml(
            "p.toml",
            """
            [[policy]]
            at = 5
            set = { turnover = { rate = 0.03, handover = 0.5 } }

            [[policy]]
            at = 7
            [policy.set.trust]
            gain = 0.3
            """,
        )
    )
    assert [(p.at, dict(p.updates)) for p in spec.policies] == [
        (5, {"turnover.rate": 0.03, "turnover.handover": 0.5}),
        (7, {"trust.gain": 0.3}),
    ]


def test_policies_are_sorted_by_month(write_toml) -> None:
    spec = scenarios.load(
        write_toml(
            "p.toml",
            """
            [[policy]]
            at = 50
            set = { "turnover.rate" = 0.01 }
            [[policy]]
            at = 3
            set = { "turnover.rate" = 0.02 }
            """,
        )
    )
    assert [p.at for p in spec.policies] == [3, 50]


POLICY_AT = '[run]\nsteps = 24\n[[policy]]\nat = {at}\nset = {{ "trust.gain" = 0.2 }}\n'


@pytest.mark.parametrize("at", [0, 23])
def test_policy_month_bounds_are_inclusive_of_the_first_and_last_month(write_toml, at: int) -> None:
    spec = scenarios.load(write_toml("p.toml", POLICY_AT.format(at=at)))
    assert spec.policies[0].at == at


@pytest.mark.parametrize("at", ["24", "-1", "1000", "1.5", '"3"', "true"])
def test_policy_month_out_of_range_or_wrong_type_is_refused(write_toml, at: str) -> None:
    path = write_toml("p.toml", POLICY_AT.format(at=at))
    err = load_error(path)
    assert err.source == str(path)
    assert err.key == "policy[0].at"
    assert "an integer in [0, 23]" in str(err)


def test_policy_without_month_is_refused(write_toml) -> None:
    path = write_toml("p.toml", '[[policy]]\nset = { "trust.gain" = 0.2 }\n')
    assert load_error(path).key == "policy[0].at"


@pytest.mark.parametrize(
    "key", ["run.steps", "territory.n_orgs", "territory.share_asso", "cooperation.max_partners"]
)
def test_policy_on_a_structural_key_is_refused(write_toml, key: str) -> None:
    path = write_toml("p.toml", f'[[policy]]\nat = 3\nset = {{ "{key}" = 100 }}\n')
    err = load_error(path)
    assert err.key == f"policy[0].set.{key}"
    text = str(err)
    assert str(path) in text
    assert "structural parameter cannot change during a run" in text


def test_policy_on_a_structural_key_in_nested_form_is_refused(write_toml) -> None:
    path = write_toml("p.toml", "[[policy]]\nat = 3\nset = { run = { steps = 100 } }\n")
    assert load_error(path).key == "policy[0].set.run.steps"


@pytest.mark.parametrize(
    ("set_", "words", "key"),
    [
        ('{ "turnover.rte" = 0.03 }', "did you mean 'turnover.rate'?", "turnover.rte"),
        ('{ "turnover.rate" = 0.5 }', "out of range", "turnover.rate"),
        ('{ "turnover.rate" = "high" }', "wrong type", "turnover.rate"),
        ('{ "turnover.vacancy_min" = 9 }', "vacancy_min must not exceed", "turnover.vacancy_min"),
    ],
)
def test_policy_values_are_validated_at_load_time(
    write_toml, set_: str, words: str, key: str
) -> None:
    path = write_toml("p.toml", f"[[policy]]\nat = 100\nset = {set_}\n")
    err = load_error(path)
    assert err.source == str(path)
    assert err.key == key
    assert words in str(err)


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("[[policy]]\nat = 3\n", "policy[0].set", "non-empty inline table"),
        ("[[policy]]\nat = 3\nset = {}\n", "policy[0].set", "non-empty inline table"),
        ('[[policy]]\nat = 3\nset = "turnover.rate=0.1"\n', "policy[0].set", "inline table"),
        (
            '[[policy]]\nat = 3\nsett = { "trust.gain" = 0.2 }\n',
            "policy[0].sett",
            "did you mean 'set'?",
        ),
        ("policy = 3\n", "policy", "[[policy]]"),
        ("policy = [1, 2]\n", "policy[0]", "must be a table"),
    ],
)
def test_malformed_policies_are_refused(write_toml, body: str, key: str, words: str) -> None:
    path = write_toml("p.toml", body)
    err = load_error(path)
    assert err.source == str(path)
    assert err.key == key
    assert words in str(err)


def test_policies_that_together_break_a_cross_field_rule_are_refused_at_load(
    write_toml,
) -> None:
    path = write_toml(
        "p.toml",
        """
        [run]
        steps = 12
        [[policy]]
        at = 2
        set = { "turnover.vacancy_max" = 2 }   # fine with vacancy_min = 1
        [[policy]]
        at = 4
        set = { "turnover.vacancy_min" = 3 }   # fine with vacancy_max = 6, not with 2
        """,
    )
    err = load_error(path)
    assert err.source == str(path)


def test_inherited_policy_beyond_the_childs_horizon_is_refused(write_toml) -> None:
    write_toml("p.toml", '[[policy]]\nat = 48\nset = { "turnover.rate" = 0.05 }\n')
    child = write_toml("c.toml", 'extends = "p.toml"\n[run]\nsteps = 24\n')
    err = load_error(child)
    assert "at" in (err.key or "")


# -- start -------------------------------------------------------------------------------
def test_start_month_is_read_and_inherited(write_toml) -> None:
    write_toml("p.toml", 'start = "2009-01"\n')
    assert scenarios.load(write_toml("c.toml", 'extends = "p.toml"\n')).start == "2009-01"
    later = write_toml("d.toml", 'extends = "p.toml"\nstart = "2014-03"\n')
    assert scenarios.load(later).start == "2014-03"


@pytest.mark.parametrize(
    "start",
    [
        '"2009-13"',
        '"2009-00"',
        '"09-01"',
        '"2009/01"',
        '"1800-01"',
        "2009-01-01",
        "200901",
        '"abcd-ef"',
    ],
)
def test_bad_start_month_is_refused(write_toml, start: str) -> None:
    path = write_toml("s.toml", f"start = {start}\n")
    err = load_error(path)
    assert err.key == "start"
    assert err.source == str(path)
    assert "YYYY-MM" in str(err)


# -- every bad input names the file and the dotted key ----------------------------------------
@pytest.mark.parametrize(
    ("body", "key", "pieces"),
    [
        (
            "[turnover]\nrte = 0.03\n",
            "turnover.rte",
            ["unknown parameter", "did you mean 'turnover.rate'?"],
        ),
        (
            '[turnover]\nrate = "high"\n',
            "turnover.rate",
            [
                "turnover.rate = 'high'",
                "wrong type, expected a number",
                "allowed a number in [0, 0.2]",
                "meaning: h: monthly probability",
            ],
        ),
        ("[run]\nsteps = true\n", "run.steps", ["wrong type, expected an integer"]),
        ("[run]\nsteps = 2.5\n", "run.steps", ["wrong type, expected an integer"]),
        (
            "[turnover]\nrate = 0.5\n",
            "turnover.rate",
            ["turnover.rate = 0.5", "out of range", "allowed a number in [0, 0.2]", "meaning:"],
        ),
        (
            "[turnvoer]\nrate = 0.03\n",
            "turnvoer",
            ["unknown section", "did you mean 'turnover'?"],
        ),
        ('descripton = "typo"\n', "descripton", ["unknown section", "did you mean 'description'?"]),
        ("turnover = 0.03\n", "turnover", ["must be a table [turnover]"]),
        (
            "[turnover]\nvacancy_min = 8\n",
            "turnover.vacancy_min",
            ["vacancy_min must not exceed vacancy_max", "allowed <= vacancy_max (6)"],
        ),
        ("[trust]\nbaseline = 0.9\n", "trust.baseline", ["must not exceed 1"]),
        ("description = 3\n", "description", ["expected a string"]),
        ("name = [1]\n", "name", ["expected a string"]),
        ('sources = "one"\n', "sources", ["expected a list of strings"]),
        ("sources = [1, 2]\n", "sources", ["expected a list of strings"]),
        ("extends = 3\n", "extends", ["wrong type"]),
    ],
)
def test_bad_values_name_the_file_and_the_key(
    write_toml, body: str, key: str, pieces: list[str]
) -> None:
    path = write_toml("bad.toml", body)
    err = load_error(path)
    assert err.source == str(path)
    assert err.key == key
    text = str(err)
    assert text.startswith(f"{path}: {key}")
    for piece in pieces:
        assert piece in text, text


def test_broken_toml_names_the_file_and_the_place(write_toml) -> None:
    path = write_toml("broken.toml", "[turnover\nrate = 0.03\n")
    err = load_error(path)
    assert err.source == str(path)
    text = str(err)
    assert text.startswith(f"{path}: broken TOML")
    assert "line 1" in text


def test_duplicate_key_is_broken_toml(write_toml) -> None:
    path = write_toml("dup.toml", "[turnover]\nrate = 0.03\nrate = 0.04\n")
    assert "broken TOML" in str(load_error(path))


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    err = load_error(path)
    assert str(path) in str(err)
    assert "file not found" in str(err)


def test_missing_parent_is_named_with_the_extends_key(write_toml, tmp_path: Path) -> None:
    path = write_toml("child.toml", 'extends = "gone.toml"\n')
    err = load_error(path)
    assert err.source == str(path)
    assert err.key == "extends"
    assert "cannot extend" in str(err)


def test_unknown_scenario_name_gets_a_did_you_mean() -> None:
    err = load_error("high_turnovr")
    assert "unknown scenario 'high_turnovr'" in str(err)
    assert err.hint == "did you mean 'high_turnover'?"
    assert "baseline" in (err.allowed or "")


def test_unknown_parent_name_gets_a_did_you_mean(write_toml) -> None:
    path = write_toml("c.toml", 'extends = "baselin"\n')
    err = load_error(path)
    assert (err.source, err.key, err.value) == (str(path), "extends", "baselin")
    assert "did you mean 'baseline'?" in str(err)


def test_extends_cycle_is_refused(write_toml) -> None:
    a = write_toml("a.toml", 'extends = "b.toml"\n')
    write_toml("b.toml", 'extends = "a.toml"\n')
    err = load_error(a)
    assert err.key == "extends"
    assert err.source == str(a)
    assert "'extends' cycle: a.toml -> b.toml -> a.toml" in str(err)


def test_extending_oneself_is_a_cycle(write_toml) -> None:
    a = write_toml("self.toml", 'extends = "self.toml"\n')
    assert "cycle" in load_error(a).message


def test_integral_float_for_an_integer_is_accepted(write_toml) -> None:
    assert scenarios.load(write_toml("f.toml", "[run]\nsteps = 12.0\n")).params.run.steps == 12


def test_two_children_of_one_parent_are_not_a_cycle(write_toml) -> None:
    write_toml("root.toml", "[turnover]\nrate = 0.02\n")
    left = write_toml("left.toml", 'extends = "root.toml"\n')
    right = write_toml("right.toml", 'extends = "root.toml"\n[trust]\ngain = 0.2\n')
    assert scenarios.load(left).params.turnover.rate == 0.02
    assert scenarios.load(right).params.turnover.rate == 0.02


def test_a_directory_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    err = load_error(folder)
    assert str(folder) in str(err)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert str(plain) in str(load_error(plain))


def test_a_directory_is_reported_as_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "directory" in load_error(folder).message  # not in the path: tmp_path has the name


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    err = load_error(path)
    assert err.source == str(path)


# -- the Scenario object ----------------------------------------------------------------
def test_with_overrides_applies_at_month_zero_and_keeps_the_rest() -> None:
    shock = scenarios.load("turnover_shock")
    before = shock.params.trust.gain
    assert before != 0.3
    changed = shock.with_overrides({"trust.gain": 0.3})
    assert changed.params.trust.gain == 0.3
    assert changed.policies == shock.policies
    assert (changed.name, changed.description, changed.path) == (
        shock.name,
        shock.description,
        shock.path,
    )
    assert shock.params.trust.gain == before  # the original is unchanged
    assert shock.with_overrides({}) is shock


def test_with_overrides_names_its_source() -> None:
    with pytest.raises(ConfigError) as info:
        Scenario().with_overrides({"turnover.rate": 2.0})
    assert str(info.value).startswith("--set: turnover.rate = 2.0: out of range")
    with pytest.raises(ConfigError) as info:
        Scenario().with_overrides({"run.steps": 0}, "--steps")
    assert info.value.source == "--steps"


def test_a_scenario_survives_pickling() -> None:
    spec = scenarios.load("turnover_shock").with_overrides({"trust.gain": 0.3})
    assert pickle.loads(pickle.dumps(spec)) == spec
