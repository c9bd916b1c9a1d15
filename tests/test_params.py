"""Parameter declarations and their validation (base/params.py, world/parameters.py)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import (
    PROVENANCES,
    ROLES,
    ParamSpec,
    apply_updates,
    check_key,
    flat_dict,
    get_value,
    group_names,
    iter_specs,
    nested_dict,
    param,
    parse_cli_value,
    spec_index,
)
from ptce_sim.world.parameters import Parameters

SPECS = list(iter_specs(Parameters))
IDS = [s.key for s in SPECS]
NUMBERS = [s for s in SPECS if s.type in (int, float)]


# -- declarations ------------------------------------------------------------------------
def test_parameter_tree_is_not_empty_and_keys_are_unique_and_dotted() -> None:
    keys = [s.key for s in SPECS]
    assert len(keys) > 50
    assert len(set(keys)) == len(keys)
    assert all(k.count(".") == 1 for k in keys)
    groups = group_names(Parameters)
    assert groups[:6] == ["run", "economy", "territory", "cooperation", "trust", "turnover"]
    assert {k.split(".")[0] for k in keys} == set(groups)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_parameter_is_fully_declared(spec: ParamSpec) -> None:
    assert spec.doc.strip(), "missing doc"
    assert "\n" not in spec.doc, "doc must be one line"
    assert spec.role in ROLES
    assert spec.source in PROVENANCES
    assert spec.type in (int, float, bool, str)
    if spec.type in (int, float):
        assert spec.lo is not None, "numbers need a lower bound"
        assert spec.hi is not None, "numbers need an upper bound"
        assert spec.lo <= spec.hi
        assert spec.lo <= spec.default <= spec.hi
    if spec.type is str:
        assert spec.choices
        assert spec.default in spec.choices
    # The default passes its own validation unchanged.
    checked = spec.check(spec.default)
    assert checked == spec.default
    assert type(checked) is spec.type


@pytest.mark.parametrize("spec", NUMBERS, ids=[s.key for s in NUMBERS])
def test_bounds_are_accepted_and_just_outside_refused(spec: ParamSpec) -> None:
    assert spec.check(spec.lo) == spec.lo
    assert spec.check(spec.hi) == spec.hi
    step = 1 if spec.type is int else 1e-9 * max(1.0, abs(spec.hi), abs(spec.lo))
    for outside in (spec.lo - step, spec.hi + step):
        with pytest.raises(ConfigError, match="out of range"):
            spec.check(outside)


def test_structure_role_is_used_for_the_run_horizon_and_territory_size() -> None:
    index = spec_index(Parameters)
    assert index["run.steps"].role == "structure"
    assert index["territory.n_orgs"].role == "structure"
    assert index["turnover.rate"].role == "lever"
    assert index["trust.loss"].role == "uncertainty"
    assert index["trust.loss"].source == "literature"
    assert index["trust.gain"].source == "calibrated"


def test_defaults_construct_and_match_the_declarations() -> None:
    p = Parameters()
    assert flat_dict(p) == {s.key: s.default for s in SPECS}
    assert dataclasses.is_dataclass(p)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.turnover.rate = 0.5  # type: ignore[misc]


def test_nested_dict_has_the_shape_of_a_scenario_file() -> None:
    nested = nested_dict(Parameters())
    assert list(nested) == group_names(Parameters)
    assert nested["turnover"]["rate"] == 0.015
    assert nested["run"] == {"steps": 240, "burn_in": 60}
    assert sum(len(g) for g in nested.values()) == len(SPECS)
    assert get_value(Parameters(), "trust.baseline") == 0.2


def test_param_refuses_unknown_role_and_provenance() -> None:
    with pytest.raises(ValueError, match="role"):
        param(1.0, doc="x", role="knob")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="source"):
        param(1.0, doc="x", role="lever", source="rumour")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec_kwargs", "allowed"),
    [
        ({"type": float, "lo": 0.0, "hi": 0.2}, "a number in [0, 0.2]"),
        ({"type": int, "lo": 1, "hi": 1200}, "an integer in [1, 1200]"),
        ({"type": float, "lo": None, "hi": None}, "a number in [-inf, +inf]"),
        ({"type": bool, "lo": None, "hi": None}, "true or false"),
        ({"type": str, "lo": None, "hi": None, "choices": ("a", "b")}, "one of 'a', 'b'"),
    ],
)
def test_allowed_is_human_readable(spec_kwargs: dict, allowed: str) -> None:
    base = {
        "key": "g.k",
        "default": None,
        "doc": "d",
        "role": "lever",
        "unit": "",
        "choices": None,
        "source": "assumption",
    }
    assert ParamSpec(**{**base, **spec_kwargs}).allowed == allowed


def test_bool_and_string_parameters_are_checked() -> None:
    flag = ParamSpec("g.flag", bool, False, "a flag", "lever", None, None, "", None, "field")
    assert flag.check(True) is True
    for bad in (1, 0, "true", 1.0):
        with pytest.raises(ConfigError, match="expected true or false"):
            flag.check(bad)
    mode = ParamSpec(
        "g.mode",
        str,
        "calls_only",
        "a mode",
        "lever",
        None,
        None,
        "",
        ("calls_only", "subsidy"),
        "assumption",
    )
    assert mode.check("subsidy") == "subsidy"
    with pytest.raises(ConfigError, match="expected a string"):
        mode.check(3)
    with pytest.raises(ConfigError, match="not an allowed value") as info:
        mode.check("calls_onyl")
    assert info.value.hint == "did you mean 'calls_only'?"


# -- apply_updates -----------------------------------------------------------------------
def test_apply_updates_returns_a_new_tree_and_leaves_the_old_one() -> None:
    p = Parameters()
    before = (p.turnover.rate, p.trust.gain, p.run.steps)
    q = apply_updates(p, {"turnover.rate": 0.03, "trust.gain": 0.5, "run.steps": 12})
    assert (q.turnover.rate, q.trust.gain, q.run.steps) == (0.03, 0.5, 12)
    assert (p.turnover.rate, p.trust.gain, p.run.steps) == before
    assert before != (0.03, 0.5, 12)
    # Nothing else moved.
    changed = {k for k, v in flat_dict(q).items() if flat_dict(p)[k] != v}
    assert changed == {"turnover.rate", "trust.gain", "run.steps"}
    assert q.cooperation is p.cooperation  # untouched groups are shared, not copied


def test_apply_updates_with_nothing_is_identity() -> None:
    p = Parameters()
    assert apply_updates(p, {}) == p


def test_int_given_for_a_float_becomes_a_float() -> None:
    q = apply_updates(Parameters(), {"cooperation.opportunity_cost": 7})
    assert q.cooperation.opportunity_cost == 7.0
    assert type(q.cooperation.opportunity_cost) is float


def test_integral_float_given_for_an_int_becomes_an_int() -> None:
    q = apply_updates(Parameters(), {"run.steps": 12.0})
    assert q.run.steps == 12
    assert type(q.run.steps) is int


def test_unknown_key_gets_a_did_you_mean() -> None:
    with pytest.raises(ConfigError) as info:
        apply_updates(Parameters(), {"turnover.rte": 0.03}, "--set")
    err = info.value
    assert err.key == "turnover.rte"
    assert err.hint == "did you mean 'turnover.rate'?"
    assert str(err) == "--set: turnover.rte: unknown parameter (did you mean 'turnover.rate'?)"


def test_bare_name_without_group_gets_the_dotted_key() -> None:
    with pytest.raises(ConfigError) as info:
        check_key(Parameters(), "vacancy_mx", "--set")
    assert info.value.hint == "did you mean 'turnover.vacancy_max'?"


def test_exact_bare_name_hint_names_the_dotted_key() -> None:
    with pytest.raises(ConfigError) as info:
        check_key(Parameters(), "rate", "--set")
    assert info.value.hint is not None
    assert "'turnover.rate'" in info.value.hint


def test_hopeless_key_has_no_hint() -> None:
    with pytest.raises(ConfigError) as info:
        apply_updates(Parameters(), {"zzz.qqq": 1})
    assert info.value.hint is None
    assert "unknown parameter" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("turnover.rate", True, "wrong type, expected a number"),  # bool is not a float
        ("turnover.rate", "0.03", "wrong type, expected a number"),
        ("turnover.rate", [0.03], "wrong type, expected a number"),
        ("turnover.rate", None, "wrong type, expected a number"),
        ("run.steps", "12", "wrong type, expected an integer"),  # string for an int
        ("run.steps", 2.5, "wrong type, expected an integer"),  # non-integral float
        ("run.steps", False, "wrong type, expected an integer"),
        ("run.steps", float("nan"), "wrong type, expected an integer"),
        ("turnover.rate", float("nan"), "not a finite number"),
        ("turnover.rate", float("inf"), "not a finite number"),
        ("turnover.rate", 0.5, "out of range"),
        ("turnover.rate", -0.001, "out of range"),
        ("run.steps", 0, "out of range"),
        ("run.steps", 1201, "out of range"),
        ("territory.n_orgs", 29, "out of range"),
    ],
)
def test_bad_values_are_refused(key: str, value: object, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        apply_updates(Parameters(), {key: value}, "somewhere.toml")
    err = info.value
    assert err.source == "somewhere.toml"
    assert err.key == key
    spec = spec_index(Parameters)[key]
    assert err.allowed == spec.allowed
    assert err.meaning == spec.doc


def test_error_line_names_source_key_value_range_and_meaning() -> None:
    with pytest.raises(ConfigError) as info:
        apply_updates(Parameters(), {"turnover.rate": 0.5}, "high.toml")
    text = str(info.value)
    assert "\n" not in text
    assert text == (
        "high.toml: turnover.rate = 0.5: out of range; allowed a number in [0, 0.2]; "
        "meaning: h: monthly probability that a boundary spanner leaves (0.015 = 17 %/year)"
    )


@pytest.mark.parametrize(
    ("updates", "key", "words"),
    [
        ({"turnover.vacancy_min": 7}, "turnover.vacancy_min", "vacancy_min must not exceed"),
        (
            {"turnover.vacancy_min": 5, "turnover.vacancy_max": 4},
            "turnover.vacancy_min",
            "vacancy_min must not exceed",
        ),
        ({"trust.baseline": 0.7}, "trust.baseline", "must not exceed 1"),
        (
            {"trust.homophily_weight": 0.5, "trust.history_weight": 0.4},
            "trust.baseline",
            "must not exceed 1",
        ),
        (
            {"cooperation.duration_min": 12, "cooperation.duration_max": 11},
            "cooperation.duration_min",
            "duration_min",
        ),
        ({"territory.competences_min": 7}, "territory.competences_min", "competences_min"),
        (
            {"territory.competence_kinds": 6, "territory.competences_max": 7},
            "territory.competences_max",
            "competence_kinds",
        ),
        ({"territory.time_budget_min": 0.4}, "territory.time_budget_min", "time_budget_min"),
        (
            {f"territory.share_{k}": 0.0 for k in ("asso", "coop", "siae", "firm", "la", "rt")},
            "territory.share_asso",
            "must not all be zero",
        ),
    ],
)
def test_cross_field_violations_are_refused(updates: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as info:
        apply_updates(Parameters(), updates, "cross.toml")
    err = info.value
    assert err.key == key
    assert err.source == "cross.toml"
    assert str(err).startswith(f"cross.toml: {key} = ")
    assert "\n" not in str(err)


def test_trust_sum_error_shows_the_sum() -> None:
    # 0.7 + 0.2 + 0.15 = 1.05 > 1
    updates = {"trust.baseline": 0.7, "trust.homophily_weight": 0.2, "trust.history_weight": 0.15}
    with pytest.raises(ConfigError) as info:
        apply_updates(Parameters(), updates)
    assert info.value.value == pytest.approx(1.05)
    assert info.value.allowed == "a sum <= 1"


def test_trust_sum_of_exactly_one_is_accepted() -> None:
    # 0.65 + 0.2 + 0.15 = 1.0 (up to rounding)
    updates = {"trust.baseline": 0.65, "trust.homophily_weight": 0.2, "trust.history_weight": 0.15}
    q = apply_updates(Parameters(), updates)
    assert q.trust.baseline == 0.65


def test_cross_field_pairs_can_move_together() -> None:
    """Raising both ends at once is fine although min alone would exceed the old max."""
    q = apply_updates(Parameters(), {"turnover.vacancy_min": 8, "turnover.vacancy_max": 10})
    assert (q.turnover.vacancy_min, q.turnover.vacancy_max) == (8, 10)


def test_cross_field_error_without_source_stays_without_source() -> None:
    with pytest.raises(ConfigError) as info:
        apply_updates(Parameters(), {"turnover.vacancy_min": 7})
    assert info.value.source is None
    assert str(info.value).startswith("turnover.vacancy_min = 7: ")


# -- parse_cli_value ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.03", 0.03),
        ("3", 3),
        ("-2", -2),
        ("1e3", 1000.0),
        ("1_000", 1000),
        ("true", True),
        ("false", False),
        ('"quoted"', "quoted"),
        ("'single'", "single"),
        ("calls_only", "calls_only"),  # a bare word is a string
        ("two words", "two words"),
        ("", ""),
        ("[1, 2]", [1, 2]),
    ],
)
def test_parse_cli_value(text: str, value: object) -> None:
    parsed = parse_cli_value(text)
    assert parsed == value
    assert type(parsed) is type(value)


def test_parse_cli_value_keeps_toml_special_floats() -> None:
    assert math.isinf(parse_cli_value("inf"))
    assert math.isnan(parse_cli_value("nan"))
    # ... which validation then refuses for a float parameter.
    with pytest.raises(ConfigError, match="not a finite number"):
        apply_updates(Parameters(), {"turnover.rate": parse_cli_value("inf")}, "--set")


def test_parsed_cli_values_feed_validation() -> None:
    q = apply_updates(
        Parameters(),
        {"turnover.rate": parse_cli_value("0.03"), "run.steps": parse_cli_value("12")},
        "--set",
    )
    assert (q.turnover.rate, q.run.steps) == (0.03, 12)
    with pytest.raises(ConfigError, match="wrong type"):
        apply_updates(Parameters(), {"run.steps": parse_cli_value("twelve")}, "--set")
