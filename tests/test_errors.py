"""ConfigError renders as one readable line; ``suggest`` gives "did you mean" hints."""

from __future__ import annotations

import pytest

from ptce_sim.base.errors import ConfigError, suggest


def test_full_error_is_one_line_naming_everything() -> None:
    err = ConfigError(
        "out of range",
        source="scenarios/x.toml",
        key="turnover.rate",
        value=0.5,
        allowed="a number in [0, 0.2]",
        meaning="h: monthly probability that a boundary spanner leaves",
        hint="did you mean 'turnover.rate'?",
    )
    assert str(err) == (
        "scenarios/x.toml: turnover.rate = 0.5: out of range; allowed a number in [0, 0.2]; "
        "meaning: h: monthly probability that a boundary spanner leaves "
        "(did you mean 'turnover.rate'?)"
    )


def test_minimal_error_is_just_the_message() -> None:
    assert str(ConfigError("something is wrong")) == "something is wrong"


def test_key_without_value_has_no_equals_sign() -> None:
    assert str(ConfigError("unknown parameter", "f.toml", "trust.gian")) == (
        "f.toml: trust.gian: unknown parameter"
    )


@pytest.mark.parametrize(("value", "shown"), [(0, "= 0"), (False, "= False"), ("", "= ''")])
def test_falsy_values_are_still_shown(value: object, shown: str) -> None:
    """0, False and '' are values a user can write; the message must show them."""
    assert shown in str(ConfigError("bad", "f.toml", "a.b", value))


def test_newlines_and_runs_of_spaces_are_collapsed() -> None:
    err = ConfigError(
        "broken TOML:\n  Expected ']'\n(at line 1)",
        source="my\nfile.toml",
        key="a.b",
        value="x\ny",
        allowed="one\n  of\tthese",
        meaning="two\nlines",
        hint="try\nthis",
    )
    text = str(err)
    assert "\n" not in text
    assert "\t" not in text
    assert "  " not in text
    assert text.startswith("my file.toml: a.b = 'x\\ny': broken TOML: Expected ']' (at line 1)")


def test_is_an_exception_carrying_its_fields() -> None:
    err = ConfigError("bad", "f.toml", "a.b", 3, "[0, 1]", "meaning", "hint")
    assert isinstance(err, Exception)
    with pytest.raises(ConfigError) as info:
        raise err
    assert info.value.key == "a.b"
    assert info.value.value == 3
    assert info.value.args == ("bad",)


def test_at_returns_a_copy_naming_the_source() -> None:
    err = ConfigError("bad", None, "a.b", 3, "[0, 1]", "meaning", "did you mean 'a.c'?")
    moved = err.at("scenario.toml")
    assert moved is not err
    assert err.source is None  # the original is unchanged
    assert (moved.message, moved.key, moved.value, moved.allowed, moved.meaning, moved.hint) == (
        "bad",
        "a.b",
        3,
        "[0, 1]",
        "meaning",
        "did you mean 'a.c'?",
    )
    assert str(moved).startswith("scenario.toml: a.b = 3: bad")


def test_suggest_finds_the_closest_candidate() -> None:
    keys = ["turnover.rate", "turnover.handover", "trust.gain"]
    assert suggest("turnover.rte", keys) == "did you mean 'turnover.rate'?"
    assert suggest("trust.gian", keys) == "did you mean 'trust.gain'?"


def test_suggest_returns_none_when_nothing_is_close() -> None:
    assert suggest("zzzzzz", ["turnover.rate", "trust.gain"]) is None
    assert suggest("anything", []) is None
