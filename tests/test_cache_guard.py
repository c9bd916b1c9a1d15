"""The kernel cache guard: numba keys a cached function by its own file only, so an edit
of a callee must empty the cache (``world/kernels/cache_guard.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_sim.world.kernels import cache_guard


def test_an_unchanged_hash_keeps_the_cache_and_a_changed_one_empties_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [tmp_path / "month.month-30.py311.nbi", tmp_path / "month.month-30.py311.1.nbc"]
    for f in files:
        f.write_bytes(b"machine code")
    (tmp_path / "other.txt").write_text("not numba's")
    monkeypatch.setattr(cache_guard, "sources_digest", lambda: "a")
    assert cache_guard.guard(tmp_path)  # no stamp yet: emptied, stamp written
    assert not any(f.exists() for f in files)
    assert (tmp_path / "other.txt").exists()
    for f in files:
        f.write_bytes(b"machine code")
    assert not cache_guard.guard(tmp_path)  # same sources: kept
    assert all(f.exists() for f in files)
    monkeypatch.setattr(cache_guard, "sources_digest", lambda: "b")
    assert cache_guard.guard(tmp_path)  # a kernel changed: emptied
    assert not any(f.exists() for f in files)
    assert not list(tmp_path.glob("*.sha256.*"))  # no temporary stamp left behind


def _copy_package(tmp_path: Path) -> Path:
    """A copy of the sources the digest reads, laid out as in the package."""
    package = Path(cache_guard.__file__).parent.parent.parent
    for path in cache_guard._sources():
        target = tmp_path / path.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return tmp_path


def test_the_digest_covers_the_kernels_the_rules_and_what_they_read() -> None:
    package = Path(cache_guard.__file__).parent.parent.parent
    names = {str(p.relative_to(package)) for p in cache_guard._sources()}
    kernels = {f"world/kernels/{p.name}" for p in (package / "world" / "kernels").glob("*.py")}
    rules = {f"rules/{p.name}" for p in (package / "rules").glob("*.py")}
    assert kernels <= names
    assert rules <= names
    assert {
        "base/domain.py",
        "base/records.py",
        "world/pole_state.py",
        "world/parameters.py",
    } <= names


@pytest.mark.parametrize(
    "edited",
    [
        "world/kernels/turnover.py",
        "world/kernels/month.py",
        "rules/trust.py",
        "rules/jit.py",
        "rules/poles.py",
        "base/domain.py",
        "base/records.py",
        "world/pole_state.py",
        "world/parameters.py",
    ],
)
def test_the_digest_changes_with_any_source_compiled_into_the_kernels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    root = _copy_package(tmp_path)
    monkeypatch.setattr(cache_guard, "_HERE", root / "world" / "kernels")
    before = cache_guard.sources_digest()
    assert before == cache_guard.sources_digest()  # deterministic
    path = root / edited
    path.write_text(path.read_text() + "\n# edited\n")
    assert cache_guard.sources_digest() != before


def test_the_digest_ignores_the_rest_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_package(tmp_path)
    monkeypatch.setattr(cache_guard, "_HERE", root / "world" / "kernels")
    before = cache_guard.sources_digest()
    (root / "world" / "views.py").write_text("# not compiled into the kernels\n")
    assert cache_guard.sources_digest() == before


def test_a_missing_folder_is_left_alone(tmp_path: Path) -> None:
    assert not cache_guard.guard(tmp_path / "absent")


def _opt_level(code: str, **env: str) -> str:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k != "NUMBA_OPT"}
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("code", "env", "level"),
    [
        ("import ptce_sim.world.kernels", {}, "1"),  # the package's choice
        ("import ptce_sim.world.kernels", {"NUMBA_OPT": "3"}, "3"),  # the user's choice
        ("import numba; import ptce_sim.world.kernels", {}, "3"),  # numba already loaded
    ],
)
def test_the_kernels_optimisation_level_leaves_a_users_choice_alone(
    code: str, env: dict[str, str], level: str
) -> None:
    """LLVM level 1 for the kernels (a shorter first compilation, the same bits), set
    only when numba is not loaded yet and the user chose no level."""
    assert _opt_level(code + "; import numba; print(int(numba.config.OPT))", **env) == level
