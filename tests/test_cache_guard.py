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


def test_the_digest_changes_with_any_kernel_and_with_the_domain_constants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = Path(cache_guard.__file__).parent
    kernels = tmp_path / "world" / "kernels"
    kernels.mkdir(parents=True)
    (tmp_path / "base").mkdir()
    for f in here.glob("*.py"):
        (kernels / f.name).write_bytes(f.read_bytes())
    domain = tmp_path / "base" / "domain.py"
    domain.write_bytes((here.parent.parent / "base" / "domain.py").read_bytes())
    monkeypatch.setattr(cache_guard, "_HERE", kernels)
    digests = {cache_guard.sources_digest()}
    assert digests == {cache_guard.sources_digest()}  # deterministic
    for path in (kernels / "projects.py", kernels / "pole_life.py", domain):
        path.write_text(path.read_text() + "\n# edited\n")
        digests.add(cache_guard.sources_digest())
    assert len(digests) == 4


def test_a_missing_folder_is_left_alone(tmp_path: Path) -> None:
    assert not cache_guard.guard(tmp_path / "absent")
