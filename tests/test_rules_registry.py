"""One copy is what runs (issue 13): every rule function of ``ptce_sim.rules`` is used by
the compiled month or the world's Python code, and the kernels re-type no equation;
every rule is documented (its module cites its ODD section, the function has a
docstring) and accepts its parameter group as a dataclass or as the kernels' record.

How "used" is established: the sources of ``world/`` and ``world/kernels/`` are parsed,
their imports from ``ptce_sim.rules`` resolved, and every reference to a rule function
counted (a call, or a function handed to ``numpy.vectorize``); a rule referenced only by
other rules is used when one of those is.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ptce_sim import rules
from ptce_sim.rules import jit

PACKAGE = Path(rules.__file__).parent.parent
ROOT = PACKAGE.parent.parent
rules.import_all()
RULES: list[Callable[..., object]] = list(jit.RULES)
Key = tuple[str, str]  # (module, function name)


def _key(f: Callable[..., object]) -> Key:
    return f.__module__, f.__name__


RULE_KEYS = {_key(f) for f in RULES}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _imports(tree: ast.Module, module: str) -> tuple[dict[str, Key], dict[str, str]]:
    """Names bound to rule functions, and aliases of rule modules, in ``tree``."""
    names: dict[str, Key] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if (node.module, alias.name) in RULE_KEYS:
                    names[bound] = (node.module, alias.name)
                elif node.module == "ptce_sim.rules":
                    modules[bound] = f"ptce_sim.rules.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ptce_sim.rules.") and alias.asname:
                    modules[alias.asname] = alias.name
    # a rules module's own rule functions, by their bare names
    for name in (n for m, n in RULE_KEYS if m == module):
        names.setdefault(name, (module, name))
    return names, modules


def _references(node: ast.AST, names: dict[str, Key], modules: dict[str, str]) -> set[Key]:
    """The rule functions ``node`` refers to (loads of a name or of ``module.name``)."""
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in names:
            found.add(names[sub.id])
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in modules
            and (modules[sub.value.id], sub.attr) in RULE_KEYS
        ):
            found.add((modules[sub.value.id], sub.attr))
    return found


def _parsed(folder: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(folder.glob("*.py")):
        yield _module_name(path), ast.parse(path.read_text(encoding="utf-8"))


def used_rules() -> dict[Key, set[str]]:
    """Each rule used by the world, with where it is used from."""
    where: dict[Key, set[str]] = {}
    for folder in (PACKAGE / "world", PACKAGE / "world" / "kernels"):
        for module, tree in _parsed(folder):
            names, modules = _imports(tree, module)
            for key in _references(tree, names, modules):
                where.setdefault(key, set()).add(module)
    # rules used by used rules
    bodies: dict[Key, set[Key]] = {}
    for module, tree in _parsed(PACKAGE / "rules"):
        names, modules = _imports(tree, module)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and (module, node.name) in RULE_KEYS:
                refs = _references(node, names, modules) - {(module, node.name)}
                bodies[(module, node.name)] = refs
    changed = True
    while changed:
        changed = False
        for caller, callees in bodies.items():
            if caller not in where:
                continue
            for key in callees:
                if key not in where:
                    where[key] = {f"{caller[0]}.{caller[1]}"}
                    changed = True
    return where


USED = used_rules()
#: Rules that no kernel or world module calls; the reason is reported as a bug.
DEAD: dict[tuple[str, str], str] = {}


def test_every_rule_module_is_imported_by_import_all() -> None:
    """No rule lives outside the phase modules: importing every file of ``rules/`` adds
    no rule to the registry."""
    count = len(jit.RULES)
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        importlib.import_module(_module_name(path))
    assert len(jit.RULES) == count
    modules = {f"ptce_sim.rules.{m}" for m in rules.PHASE_MODULES} | {"ptce_sim.rules.jit"}
    assert {f.__module__ for f in RULES} <= modules
    assert len(RULE_KEYS) == len(RULES)  # no two rules share a module and a name


def test_the_registry_is_not_empty_and_holds_every_phase() -> None:
    assert len(RULES) > 60
    assert {f.__module__.rsplit(".", 1)[1] for f in RULES} >= set(rules.PHASE_MODULES)


@pytest.mark.parametrize(
    "f",
    [
        pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=DEAD[_key(f)]))
        if _key(f) in DEAD
        else f
        for f in RULES
    ],
    ids=lambda f: f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}",
)
def test_every_rule_is_used_by_the_kernels_or_the_world(f: Callable[..., object]) -> None:
    assert _key(f) in USED, f"{f.__module__}.{f.__name__} is called by no kernel or world module"


def test_the_use_finder_sees_calls_through_aliases_and_vectorize() -> None:
    """The finder itself: a kernel's import, a module alias and a function handed to
    numpy.vectorize are uses (so the test above can fail only for a real dead rule)."""
    assert "ptce_sim.world.kernels.turnover" in USED[("ptce_sim.rules.turnover", "leaves")]
    assert "ptce_sim.world.views" in USED[("ptce_sim.rules.trust", "effective_trust")]
    # a rule used only through another rule
    assert USED[("ptce_sim.rules.outcomes", "payoff_factor")] == {"ptce_sim.rules.outcomes.gain"}
    # names that only look like rules: the property ``Person.vacancy_months`` is not the
    # rule ``turnover.vacancy_months``, the method ``governance`` of the pole state is not
    # the rule ``governance``
    assert "ptce_sim.world.agents" not in USED[("ptce_sim.rules.turnover", "vacancy_months")]
    assert not any("pole_state" in m for m in USED[("ptce_sim.rules.lifecycle", "governance")])


# -- no equation re-typed in a kernel ------------------------------------------------------------
#: Kernel modules that may hold arithmetic of their own: numpy's summation order and the
#: sampling buffer hold no equation of the model.
ARITHMETIC_ALLOWED = {"sums.py", "sampling.py"}
#: Transcendental functions: an equation of the model needs one; a kernel must call a rule.
TRANSCENDENTAL = {"exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "power", "tanh"}
#: Float literals a kernel may hold: neutral elements, months in a year, and the numerical
#: tolerances of the search's pruning bound and of trust's renormalisation.
LITERALS = {0.0, 1.0, 12.0, 1e-6, 1e-9, 1e-100}


def _kernel_modules() -> list[Path]:
    folder = PACKAGE / "world" / "kernels"
    return [p for p in sorted(folder.glob("*.py")) if p.name not in ARITHMETIC_ALLOWED]


def _retyped(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Pow):
            found.append(f"line {node.lineno}: **")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if "math" in mods:
                found.append(f"line {node.lineno}: imports math")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"np", "numpy", "math"}
            and node.attr in TRANSCENDENTAL
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and node.value not in LITERALS
        ):
            found.append(f"line {node.lineno}: literal {node.value!r}")
    return found


@pytest.mark.parametrize("path", _kernel_modules(), ids=lambda p: p.name)
def test_no_kernel_retypes_an_equation(path: Path) -> None:
    """No power, no transcendental function, no parameter-like constant in a kernel:
    those belong to a rule function (``rules/``) that the kernel calls."""
    assert _retyped(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_retyping_check_catches_an_equation() -> None:
    source = "import math\nx = a ** 2\ny = np.exp(-d / l) + 0.05\nz = min(1.0, k / 10.0)\n"
    found = _retyped(ast.parse(source))
    assert len(found) == 5, found


# -- documented ---------------------------------------------------------------------------------
ODD = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", rules.PHASE_MODULES)
def test_each_rule_module_cites_its_odd_section(name: str) -> None:
    doc = importlib.import_module(f"ptce_sim.rules.{name}").__doc__ or ""
    sections = re.findall(r"ODD §(\d+(?:\.\d+)*)", doc)
    assert sections, f"rules/{name}.py does not cite its ODD section"
    for section in sections:
        assert re.search(rf"^#+ {re.escape(section)}[ .]", ODD, re.M), (name, section)


@pytest.mark.parametrize("f", RULES, ids=lambda f: f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}")
def test_each_rule_has_a_docstring(f: Callable[..., object]) -> None:
    assert f.__doc__
    assert len(f.__doc__.strip()) > 20


@pytest.mark.parametrize("f", RULES, ids=lambda f: f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}")
def test_each_rule_is_called_in_its_modules_test_file(f: Callable[..., object]) -> None:
    """Every rule has its worked examples in ``tests/test_rules_<module>.py`` (``clip``,
    of ``rules/jit.py``, here): a new rule without a test fails this."""
    module = f.__module__.rsplit(".", 1)[1]
    name = "registry" if module == "jit" else module
    text = (ROOT / "tests" / f"test_rules_{name}.py").read_text(encoding="utf-8")
    assert re.search(rf"\b\w+\.{f.__name__}\(", text), f"no call of {f.__name__} in the tests"


def test_clip_worked_example() -> None:
    assert jit.clip(1.4, 0.0, 1.0) == 1.0
    assert jit.clip(-0.2, 0.0, 1.0) == 0.0
    assert jit.clip(0.3, 0.0, 1.0) == 0.3


# -- a group as a dataclass or a record ------------------------------------------------------------
def _cases() -> list[tuple[str, Callable[..., object], tuple[object, ...], str]]:
    from ptce_sim.rules import cell, lifecycle, membership, outcomes, search, trust, turnover

    return [
        ("turnover", turnover.handover, (0.4,), "turnover"),
        ("search", search.search_probability, (0.4, 1.0), "cooperation"),
        ("search", search.acquaintance, (0.2,), "cooperation"),
        ("search", search.candidate_weight, (0.4, True, True), "cooperation"),
        ("search", search.partners_wanted, (0.9,), "cooperation"),
        ("search", search.pair_fit, (0, 0.6, 0.2, True), "cooperation"),
        ("search", search.person_weight, (True,), "cooperation"),
        ("outcomes", outcomes.success_probability, (0.4, 0.5, 0.3), "cooperation"),
        ("outcomes", outcomes.gain, (2.0, 0.5, 0.1, 6, False, 0.3), "cooperation"),
        ("trust", trust.stranger_trust, (0.6,), "trust"),
        ("trust", trust.history_floor, (3,), "trust"),
        ("trust", trust.after_project, (0.4, True), "trust"),
        ("trust", trust.institution_rate, (0.5,), "trust"),
        ("trust", trust.personal_weight, (0.5,), "trust"),
        ("membership", membership.join_value, (6.0, 0.6, 0.8, 0.05, 5.0), "poles"),
        ("membership", membership.tolerance_factor, (), "poles"),
        ("membership", membership.dues_burden, (0.05,), "poles"),
        ("membership", membership.consider_probability, (True,), "poles"),
        ("membership", membership.excluded_for_dues, (5,), "funding"),
        ("cell", cell.is_election_year, (60,), "funding"),
        ("cell", cell.subsidy_probability, (False, 60, 0.7, False), "funding"),
        ("cell", cell.call_win_probability, (0.4,), "calls"),
        ("cell", cell.expected_call_income, (), "calls"),
        ("cell", cell.first_year_cost, (), "cell"),
        ("cell", cell.staffing, (1.4, 40.0, 20), "cell"),
        ("cell", cell.cell_staff, (3, 1.4, -5.0, 20), "cell"),
        ("cell", cell.sized_fte, (17.0,), "cell"),
        ("cell", cell.can_volunteer, (0.8, 0.3), "poles"),
        ("lifecycle", lifecycle.succession_probability, (0.5, 0.3), "poles"),
        ("lifecycle", lifecycle.successor_weight, (4,), "poles"),
        ("lifecycle", lifecycle.trust_fell, (0.3, 0.6), "poles"),
        ("lifecycle", lifecycle.formalisation_eligible, (9, 0.5, True, 30.0, 84.0), "poles"),
        ("lifecycle", lifecycle.formalisation_hazard, (True, 1.0), "poles"),
        ("lifecycle", lifecycle.governance, (0.7,), "poles"),
        ("lifecycle", lifecycle.animation_intensity, (1, 0.75, False, False), "poles"),
        ("lifecycle", lifecycle.institutionalise, (0.5, 1, True), "poles"),
        ("lifecycle", lifecycle.death_cause, (-1.0, 0, 1, 4, 3, 12, 0.3, 0.6), "poles"),
    ]


@pytest.mark.parametrize(
    ("module", "f", "args", "group"), _cases(), ids=[f"{c[0]}.{c[1].__name__}" for c in _cases()]
)
def test_a_rule_gives_the_same_value_with_the_dataclass_and_the_record(
    module: str, f: Callable[..., object], args: tuple[object, ...], group: str
) -> None:
    from ptce_sim.world.kernels.params import params_record
    from ptce_sim.world.scenario import Scenario

    for overrides in ({}, {"calls.open": True, "funding.dues_exclusion": True}):
        params = Scenario().with_overrides(overrides).params
        record = params_record(params)
        assert f(*args, getattr(params, group)) == f(*args, getattr(record, group))


def test_rules_of_two_groups_with_dataclasses_and_records() -> None:
    from ptce_sim.rules.cell import founding_contribution, pledged_budget
    from ptce_sim.world.kernels.params import params_record
    from ptce_sim.world.parameters import Parameters

    p = Parameters()
    r = params_record(p)
    assert pledged_budget(0.5, p.funding, p.structural, 13.0) == pledged_budget(
        0.5, r.funding, r.structural, 13.0
    )
    assert founding_contribution(p.poles, p.cell) == founding_contribution(r.poles, r.cell)
