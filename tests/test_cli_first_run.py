"""The first run (issue 16): compiling once and saying so; sizes and names.

The real compilation takes minutes, so these tests replace the compiling child by a
short one and check what the command shows and when; ``benchmarks/cold_start.py``
measures the real thing, and ``test_cli_filesystem.py`` checks that the cache probe
reads numba's cache.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from ptce_sim.apps import limits, outdir, warmup
from ptce_sim.base.errors import ConfigError


class FakeChild(subprocess.Popen):  # type: ignore[type-arg]
    """A compiling child that takes ``seconds`` and exits with ``code``."""

    seconds = 0.3
    code = 0

    def __init__(self, args: list[str], **kwargs: object) -> None:
        script = f"import time, sys; time.sleep({self.seconds}); sys.exit({self.code})"
        super().__init__([sys.executable, "-c", script], **kwargs)  # type: ignore[arg-type]


def test_a_cold_cache_is_compiled_once_in_a_child_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    states = iter([False, True])
    monkeypatch.setattr(warmup, "is_cached", lambda: next(states))
    monkeypatch.setattr(warmup.subprocess, "Popen", FakeChild)
    buffer = io.StringIO()
    seconds = warmup.ensure_compiled(Console(file=buffer, force_terminal=False), interval=0.1)
    text = buffer.getvalue()
    assert seconds >= 0.3
    assert "compiling the model for this machine — once" in text
    assert "still compiling" in text  # a line every interval in a log
    assert "compiled in" in text


def test_a_warm_cache_starts_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "is_cached", lambda: True)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although the cache holds the model")

    monkeypatch.setattr(warmup.subprocess, "Popen", refuse)
    buffer = io.StringIO()
    assert warmup.ensure_compiled(Console(file=buffer)) == 0.0
    assert buffer.getvalue() == ""


def test_a_failed_child_is_a_warning_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "is_cached", lambda: False)
    monkeypatch.setattr(FakeChild, "code", 3)
    monkeypatch.setattr(warmup.subprocess, "Popen", FakeChild)
    buffer = io.StringIO()
    warmup.ensure_compiled(Console(file=buffer, force_terminal=False))
    assert "compiling in this process instead" in buffer.getvalue()


def test_workers_start_after_the_compilation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweeping command on a cold cache compiles first, then starts its workers."""
    from ptce_sim.apps import cli_sweep

    calls: list[str] = []
    monkeypatch.setattr(warmup, "is_cached", lambda: False)
    monkeypatch.setattr(warmup, "ensure_compiled", lambda console: calls.append("compile"))
    monkeypatch.setattr(cli_sweep, "start_workers", lambda jobs, backend: calls.append("start"))
    console = Console(file=io.StringIO())
    assert cli_sweep.start_compiled(console, 2, "loky", early=True) is False
    assert calls == []  # not early on a cold cache
    assert cli_sweep.start_compiled(console, 2, "loky", early=False) is True
    assert calls == ["compile", "start"]


# -- sizes ----------------------------------------------------------------------------------
def test_sizes_beyond_the_limits_name_runs_time_and_memory() -> None:
    with pytest.raises(ConfigError) as caught:
        limits.check(10**12, 10**9, 240, "e.toml", "samples", "1e9 points x 1000")
    text = str(caught.value)
    assert "too large" in text
    assert "CPU-time" in text
    assert "memory" in text
    assert "samples" in text
    limits.check(limits.MAX_RUNS, limits.MAX_POINTS, 240, "e.toml", "samples", "ok")


def test_validate_states_the_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ptce_sim.apps.cli_files import check_file

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "e.toml"
    path.write_text('design = "grid"\nseed = 1\nreplicates = 30\n')
    line = check_file(path)
    assert "30 runs" in line
    assert "CPU-time" in line


# -- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("baseline", "baseline"),
        ("../../escaped", "escaped"),
        ("/etc/passwd", "etc_passwd"),
        ("..", "run"),
        ("", "run"),
        ("a b/c", "a_b_c"),
        ("x" * 500, "x" * 80),
    ],
)
def test_safe_names(name: str, safe: str) -> None:
    assert outdir.safe_name(name) == safe


# -- the second compiling child follows the month's calls --------------------------------------
def _calls(tree: object, names: set[str], first_arg_is_kernel: bool) -> dict[str, list[str]]:
    """Kernel name -> argument sources, from ``kernel(args)`` or ``build(kernel, args)``."""
    import ast

    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):  # type: ignore[arg-type]
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = [ast.unparse(a) for a in node.args]
        if first_arg_is_kernel and node.func.id == "build" and args and args[0] in names:
            found[args[0]] = args[1:]
        elif not first_arg_is_kernel and node.func.id in names:
            found[node.func.id] = args
    return found


def test_the_second_child_compiles_what_the_month_calls() -> None:
    """``warmup.compile_part`` types each kernel as ``kernels/month.py`` calls it: if the
    month's calls change, this fails (instead of the second child silently compiling
    versions nobody uses, which would only make the first run slower)."""
    import ast
    import inspect

    from ptce_sim.world.kernels import month

    kernels = {"complete", "credit_completed", "membership", "lifecycle", "budget", "report"}
    in_month = _calls(ast.parse(inspect.getsource(month)), kernels, False)
    in_warmup = _calls(ast.parse(inspect.getsource(warmup.compile_part)), kernels, True)
    alias = {
        "call_window": "window",
        "joint_revenue": "joint",
        "revenue_row": "row",
        "n_kinds": "len(D.kind_propensity)",
    }
    assert set(in_warmup) == kernels
    for name in kernels:
        assert [alias.get(a, a) for a in in_month[name]] == in_warmup[name], name


def test_the_second_child_unpacks_the_month_s_arguments_in_order() -> None:
    import inspect

    from ptce_sim.world.kernels.month import month

    params = list(inspect.signature(getattr(month, "py_func", month)).parameters)
    source = inspect.getsource(warmup.compile_part)
    unpacked = source.split("= captured[0]")[0].rsplit("\n", 1)[1].strip()
    names = [n.strip() for n in unpacked.split(",")]
    alias = {"call_window": "window"}
    assert [alias.get(p, p) for p in params] == names
