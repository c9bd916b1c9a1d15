"""The model description (docs/odd.md) names what the code runs.

The ODD is the reader's copy of the model: every equation of a month is a rule function
of ``ptce_sim.rules`` (``rules.jit.RULES``), and the ODD names each one as
``module.function``, names every rule module, every parameter group and every declared
parameter. Conversely, every parameter key and rule it names exists. A rule added, renamed or
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
#: What a dotted name in the ODD may start with: a parameter group or a rule module.
PREFIXES = {*GROUPS, *rules.PHASE_MODULES, "cooperation", "poles", "funding", "jit"}


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


def unknown_names(text: str) -> set[str]:
    """Dotted names ``prefix.name`` in ``text`` whose prefix is a parameter group or a
    rule module and that are neither a declared parameter nor an attribute (a rule, a
    constant) of that rule module (``trust.relax``); file names (``rules/poles.py``)
    and longer paths (``rules.funding.SOURCES``, ``world/territory.generate``) do not
    count."""
    unknown = set()
    for match in re.finditer(r"(?<![\w./])([a-z]+)\.([A-Za-z_][A-Za-z_0-9]*)(?!\w)", text):
        prefix, name = match.groups()
        if prefix not in PREFIXES or f"{prefix}.{name}" in KEYS or name in FILE_SUFFIXES:
            continue
        try:
            module = importlib.import_module(f"ptce_sim.rules.{prefix}")
        except ModuleNotFoundError:
            module = None
        if module is None or not hasattr(module, name):
            unknown.add(f"{prefix}.{name}")
    return unknown


def test_every_parameter_and_rule_named_exists() -> None:
    unknown = unknown_names(odd_text())
    assert not unknown, f"docs/odd.md names keys or rules that do not exist: {sorted(unknown)}"


def test_the_checks_catch_a_missing_name() -> None:
    assert names("see `rules.trust.after_project` here", "trust.after_project")
    assert not names("see `trust.after_project_x` here", "trust.after_project")
    assert not names("see `xtrust.after_project`", "trust.after_project")
    assert unknown_names("`trust.gain`, `trust.relax(x)`, `rules/poles.py`, run.json") == set()
    assert unknown_names("`trust.gains`, `poles.grace_months`, search.candidate_key(w)") == {
        "trust.gains",
        "poles.grace_months",
        "search.candidate_key",
    }
