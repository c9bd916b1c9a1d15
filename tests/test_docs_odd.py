"""The model description (docs/odd.md) names what the code runs.

The ODD is the reader's copy of the model: every equation of a month is a rule function
of ``ptce_sim.rules`` (``rules.jit.RULES``), and the ODD names each one as
``module.function``, names every rule module, every parameter group and every declared
parameter. Conversely, every parameter key it names exists. A rule added, renamed or
removed without its ODD text fails here.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest

from ptce_sim import rules
from ptce_sim.base.params import iter_specs
from ptce_sim.rules import jit
from ptce_sim.world.parameters import Parameters

ODD = Path(__file__).resolve().parents[1] / "docs" / "odd.md"

rules.import_all()
#: Every rule function, once (``RULES`` is appended to at import).
RULE_FUNCTIONS: list[Callable[..., object]] = list(dict.fromkeys(jit.RULES))
#: The parameter groups: the fields of the parameter tree's root.
GROUPS = [f.name for f in fields(Parameters)]
KEYS = {spec.key for spec in iter_specs(Parameters)}
#: ``poles.py``, ``run.json``: file names, not keys.
FILE_SUFFIXES = {"py", "json", "md", "toml", "parquet", "csv"}


def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def short_module(f: Callable[..., object]) -> str:
    """``trust`` for a rule of ``ptce_sim.rules.trust``."""
    return f.__module__.rsplit(".", 1)[1]


def names(text: str, dotted: str) -> bool:
    """``dotted`` (``trust.after_project``) appears as a whole name in ``text``: not part
    of a longer identifier (``rules.trust.after_project`` counts)."""
    return re.search(r"(?<![\w])" + re.escape(dotted) + r"(?![\w])", text) is not None


def test_there_are_rules_to_check() -> None:
    assert len(RULE_FUNCTIONS) > 50
    assert set(rules.PHASE_MODULES) <= {short_module(f) for f in RULE_FUNCTIONS}


@pytest.mark.parametrize(
    "rule", RULE_FUNCTIONS, ids=[f"{short_module(f)}.{f.__name__}" for f in RULE_FUNCTIONS]
)
def test_every_rule_function_is_named(rule: Callable[..., object]) -> None:
    dotted = f"{short_module(rule)}.{rule.__name__}"
    assert names(odd_text(), dotted), f"docs/odd.md does not name the rule `{dotted}`"


@pytest.mark.parametrize("module", [*rules.PHASE_MODULES, "cooperation", "poles", "funding"])
def test_every_rule_module_is_named(module: str) -> None:
    importlib.import_module(f"ptce_sim.rules.{module}")  # the module exists
    assert f"rules/{module}.py" in odd_text(), f"docs/odd.md does not name rules/{module}.py"


@pytest.mark.parametrize("group", GROUPS)
def test_every_parameter_group_is_named(group: str) -> None:
    assert f"`[{group}]`" in odd_text(), f"docs/odd.md does not name the group [{group}]"


@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_parameter_is_named(key: str) -> None:
    assert names(odd_text(), key), f"docs/odd.md does not name the parameter `{key}`"


def unknown_keys(text: str) -> set[str]:
    """Names ``group.name`` in the code spans of ``text`` whose group is a parameter
    group and that are neither a declared parameter nor an attribute (a rule, a constant)
    of the rule module of that name (``trust.relax``); file names do not count."""
    unknown = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        for match in re.finditer(r"(?<![\w./])([a-z]+)\.([a-z_0-9]+)(?![\w(])", span):
            group, name = match.groups()
            if group not in GROUPS or f"{group}.{name}" in KEYS or name in FILE_SUFFIXES:
                continue
            try:
                module = importlib.import_module(f"ptce_sim.rules.{group}")
            except ModuleNotFoundError:
                module = None
            if module is None or not hasattr(module, name):
                unknown.add(f"{group}.{name}")
    return unknown


def test_every_parameter_key_named_exists() -> None:
    unknown = unknown_keys(odd_text())
    assert not unknown, f"docs/odd.md names keys that are not declared: {sorted(unknown)}"


def test_the_checks_catch_a_missing_name() -> None:
    assert names("see `rules.trust.after_project` here", "trust.after_project")
    assert not names("see `trust.after_project_x` here", "trust.after_project")
    assert not names("see `xtrust.after_project`", "trust.after_project")
    assert unknown_keys("`trust.gain`, `trust.relax`, `rules/poles.py`, `run.json`") == set()
    assert unknown_keys("`trust.gains` and `poles.grace_months`") == {
        "trust.gains",
        "poles.grace_months",
    }
