"""Filesystem faults, output folders, interrupts and progress of the CLI (issue 16).

Every fault of the output location is found before any work and told in one line
naming the path and the cause (exit 2); a disk that fills during the work leaves
nothing half-written (``run``, ``compare``) or a folder that resumes (``sweep``);
default folders never clash and never leave ``runs/``; Ctrl-C ends any command with
one line and exit 130.

A full disk is tested twice: on a real 1 MiB tmpfs when this machine lets the test
mount one (root in a container; skipped elsewhere), and simulated everywhere by making
the writes raise ``ENOSPC`` (``OSError(28)``), which is what the kernel returns. A
read-only file system likewise needs a mount; a folder without write permission needs
a user other than root (root writes anywhere).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptce_sim.apps import outdir, warmup
from ptce_sim.apps.cli import main
from ptce_sim.base.params import iter_specs
from ptce_sim.world.parameters import Parameters


def call(argv: list[object]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


EXPERIMENT = 'design = "grid"\nseed = 1\nreplicates = 200\n[set]\n"run.steps" = 48\n'


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any model run starts: the faults must be found before."""
    from ptce_sim.world import run as run_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model ran before the output location was checked")

    monkeypatch.setattr(run_module, "run_one", refuse)
    monkeypatch.setattr(run_module, "run_records", refuse)


# -- the location, before any work ------------------------------------------------------------
@pytest.mark.parametrize("command", [["run"], ["compare", "-n", "2", "--jobs", "1"]])
def test_out_under_a_file_is_refused_before_any_work(
    here: Path, no_model: None, command: list[str]
) -> None:
    (here / "notes.txt").write_text("x")
    code, _, err = call([*command, "--out", "notes.txt/sub"])
    assert code == 2
    line = one_error(err)
    assert "notes.txt" in line
    assert "is a file" in line


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["compare", "-n", "2", "--jobs", "1"],
        ["sweep", "e.toml", "--jobs", "1"],
        ["calibrate", "--budget", "tiny", "--jobs", "1"],
    ],
)
def test_an_empty_out_is_refused(here: Path, no_model: None, command: list[str]) -> None:
    (here / "e.toml").write_text(EXPERIMENT)
    code, _, err = call([*command, "--out", ""])
    assert code == 2
    assert "empty path" in one_error(err)
    assert [p.name for p in here.iterdir()] == ["e.toml"]


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="no /sys on this system")
def test_out_in_sys_names_the_path_and_the_cause(here: Path, no_model: None) -> None:
    code, _, err = call(["run", "--out", "/sys/ptce-sim-test"])
    assert code == 2
    line = one_error(err)
    assert "/sys/ptce-sim-test" in line
    assert "cannot create the output folder" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_without_write_permission(here: Path, no_model: None) -> None:
    locked = here / "locked"
    locked.mkdir(mode=0o555)
    try:
        code, _, err = call(["run", "--out", locked / "out"])
    finally:
        locked.chmod(0o755)
    assert code == 2
    assert "permission denied" in one_error(err)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "1m") -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``path``, or skip the test where mounting is refused."""
    path.mkdir()
    mount = shutil.which("mount")
    done = mount and subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if not done or done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the simulated ENOSPC tests cover it")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def test_a_read_only_file_system(here: Path, no_model: None) -> None:
    with small_tmpfs(here / "ro") as fs:
        subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
        code, _, err = call(["run", "--out", fs / "out"])
    assert code == 2
    assert "read-only file system" in one_error(err)


def test_a_really_full_small_file_system(here: Path) -> None:
    """A 1 MiB tmpfs: full at once (refused before the work), then nearly full (the
    results do not fit: one line, nothing left behind, no temporary file)."""
    with small_tmpfs(here / "full") as fs:
        (fs / "fill").write_bytes(b"\0" * (1024 * 1024))
        code, _, err = call(["run", "--steps", "2", "--out", fs / "a"])
        assert code == 2
        assert "no space left" in one_error(err)
        (fs / "fill").unlink()
        (fs / "fill").write_bytes(b"\0" * (850 * 1024))  # room for the probe, not the run
        code, _, err = call(["run", "--out", fs / "b"])
        assert code == 2
        assert "no space left" in err.splitlines()[-1]
        assert "Traceback" not in err
        assert sorted(p.name for p in fs.iterdir()) == ["fill"]


# -- a full disk, simulated -----------------------------------------------------------------
def enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_while_writing_a_run(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ptce_sim.world import run as run_module

    monkeypatch.setattr(run_module, "_dump", enospc)
    code, _, err = call(["run", "--steps", "2", "--out", "out"])
    assert code == 2
    assert "no space left on the device" in err.splitlines()[-1]
    assert "Traceback" not in err
    assert list(here.iterdir()) == []  # neither the folder nor a temporary one


def test_disk_full_during_a_sweep_leaves_a_folder_that_resumes(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    exp = here / "e.toml"
    exp.write_text('design = "grid"\nseed = 1\nreplicates = 3\n[set]\n"run.steps" = 2\n')
    real = pq.write_table
    monkeypatch.setattr(pq, "write_table", enospc)
    code, _, err = call(["sweep", exp, "--jobs", "1", "--out", "s"])
    assert code == 2
    last = err.splitlines()[-1]
    assert "no space left on the device" in last
    assert "--resume" in last
    assert "Traceback" not in err
    assert not [p for p in (here / "s").rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.setattr(pq, "write_table", real)
    code, _, err = call(["sweep", exp, "--jobs", "1", "--out", "s", "--resume"])
    assert code == 0, err
    assert (here / "s" / "runs.parquet").is_file()
    assert not [p for p in (here / "s").rglob("*") if p.name.endswith(".tmp")]


def test_a_sweep_that_died_before_starting_is_neither_refused_nor_stuck(here: Path) -> None:
    """A folder with the experiment copied but no sweep.json (a full disk or a kill in
    the first instants): both a fresh start and --resume accept it."""
    exp = here / "e.toml"
    exp.write_text('design = "grid"\nseed = 1\nreplicates = 2\n[set]\n"run.steps" = 2\n')
    for flags in ([], ["--resume"]):
        folder = here / f"s{len(flags)}"
        folder.mkdir()
        (folder / "experiment.toml").write_text(exp.read_text())
        (folder / ".sweep.json.123.tmp").write_text("")
        code, _, err = call(["sweep", exp, "--jobs", "1", "--out", folder, *flags])
        assert code == 0, err
        assert json.loads((folder / "sweep.json").read_text())["status"] == "complete"


# -- default folders ------------------------------------------------------------------------
def test_default_folders_never_clash(here: Path) -> None:
    a, b, c = (outdir.default_folder("same") for _ in range(3))
    assert len({a, b, c}) == 3
    assert all(p.parent == Path("runs") and p.is_dir() for p in (a, b, c))


def test_two_runs_in_the_same_second_get_two_folders(here: Path) -> None:
    for _ in range(2):
        code, _, err = call(["run", "--steps", "1"])
        assert code == 0, err
    assert len(list((here / "runs").iterdir())) == 2


@pytest.mark.parametrize("name", ["../../escaped", "/abs/olute", "a/../../b", "..", "ö ü/x"])
def test_no_name_writes_outside_runs(here: Path, name: str) -> None:
    (here / "s.toml").write_text(f"name = {json.dumps(name)}\n")
    code, _, err = call(["run", "s.toml", "--steps", "1"])
    assert code == 0, err
    (made,) = (here / "runs").iterdir()
    assert made.parent == here / "runs"
    assert sorted(p.name for p in here.iterdir()) == ["runs", "s.toml"]


def test_a_failed_command_leaves_no_default_folder(here: Path) -> None:
    code, _, _ = call(["run", "--set", "run.steps=0"])
    assert code == 2
    assert not (here / "runs").exists()


# -- interrupts and progress ----------------------------------------------------------------
def _interrupt(
    argv: list[str], cwd: Path, after_first_line: float, again_after: float | None = None
) -> tuple[int, str]:
    """Start ``ptce-sim ARGV`` as a terminal would (own process group), wait for its
    first line, then press Ctrl-C (SIGINT to the whole group), and press it again
    ``again_after`` seconds later (an impatient user)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ptce_sim.apps.entry", *argv],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()
    time.sleep(after_first_line)
    os.killpg(proc.pid, signal.SIGINT)
    if again_after is not None:
        time.sleep(again_after)
        with contextlib.suppress(ProcessLookupError):  # the whole group already ended
            os.killpg(proc.pid, signal.SIGINT)
    rest = proc.stderr.read()
    return proc.wait(timeout=120), first + rest


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "-n", "3", "--jobs", "2", "--out", "c"],
        ["sweep", "e.toml", "--jobs", "2", "--out", "s"],
    ],
)
@pytest.mark.parametrize("again_after", [None, 0.05], ids=["once", "twice"])
def test_ctrl_c_is_one_line_and_exit_130(
    here: Path, argv: list[str], again_after: float | None
) -> None:
    """Pressed twice, the second press lands while the command stops or Python exits:
    it used to kill the process by SIGINT (exit -2), once Python's exit had put the
    default action back on the signal."""
    (here / "e.toml").write_text(EXPERIMENT)
    code, err = _interrupt(argv, here, after_first_line=1.0, again_after=again_after)
    assert code == 130, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1].startswith("interrupted")
    assert sum(line.startswith("interrupted") for line in err.splitlines()) == 1, err


def _command_in_module(here: Path, body: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m`` a module that adds a command ``interrupted`` (``body``) to
    ``ptce-sim`` and runs the command line, as ``python -m ptce_sim.apps.entry`` does.
    The module first imports what the interrupt's report imports (the worker pool):
    any later import may run a string ``exec`` (a namedtuple), which would hide one fault."""
    (here / "with_interrupt.py").write_text(
        "import time\nimport weakref\n\nfrom ptce_sim.apps import cli, engine_cli, pool\n\n\n"
        "@cli.cli.command('interrupted')\n"
        "def interrupted() -> None:\n" + textwrap.indent(textwrap.dedent(body), "    ") + "\n\n"
        "cli.main()\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "with_interrupt", "interrupted"],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_interrupted_line(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 130, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == ["interrupted (Ctrl-C); nothing more was written"], proc.stderr


def test_ctrl_c_caught_inside_an_exec_still_exits_130(here: Path) -> None:
    """A Ctrl-C that lands in an ``exec`` of a string (SciPy's import runs
    ``exec("from numpy import *")``) made CPython kill the process by SIGINT at exit under
    ``python -m``, though the command had caught it and chosen 130 (exit -2; seen in CI
    about once in ten presses during the imports). Reproduced here without the race."""
    _one_interrupted_line(_command_in_module(here, "exec('raise KeyboardInterrupt')"))


def test_ctrl_c_inside_a_callback_is_not_lost(here: Path) -> None:
    """A Ctrl-C that lands in a callback Python cannot let raise (a weak reference's, as
    importlib's module locks have) was printed as "Exception ignored ..." with a
    traceback, then lost: the command ran on to its end (seen once in 30 presses,
    Python 3.12). Here the callback raises it; 10 s of work follow, never reached."""
    body = """
        class Lock:
            pass

        def callback(_: object) -> None:
            raise KeyboardInterrupt

        lock = Lock()
        ref = weakref.ref(lock, callback)
        del lock  # the callback runs now
        for _ in range(200):
            time.sleep(0.05)
    """
    _one_interrupted_line(_command_in_module(here, body))


def test_progress_lines_when_not_a_terminal(here: Path) -> None:
    code, _, err = call(["compare", "no_support", "-n", "2", "--jobs", "1", "--set",
                         "run.steps=2"])  # fmt: skip
    assert code == 0, err
    stamped = [line for line in err.splitlines() if line.startswith("[20")]
    assert stamped, err
    assert any("2/2" in line for line in stamped), err


def test_the_first_line_comes_at_once(here: Path) -> None:
    """Within a second on a quiet machine (benchmarks/cold_start.py measures it); the
    bound here is loose for loaded CI runners."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ptce_sim.apps.entry", "run", "--steps", "1", "--out", "o"],
        cwd=here,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    seconds = time.perf_counter() - started
    proc.communicate(timeout=600)
    assert line.startswith(("run baseline", "[20")), line
    assert seconds < 5.0


def test_the_compile_check_reads_numba_s_cache(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(here / "empty-cache"))
    assert warmup.is_cached() is False
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    assert warmup.is_cached() is True


# -- params ---------------------------------------------------------------------------------
def test_params_piped_is_one_line_per_parameter(here: Path) -> None:
    code, out, _ = call(["params"])
    assert code == 0
    lines = out.splitlines()
    n = len(list(iter_specs(Parameters)))
    assert len(lines) == n + 1
    assert lines[0].split()[:3] == ["key", "default", "range"]
    assert all(" " in line for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "toml"])
def test_params_formats(here: Path, fmt: str) -> None:
    code, out, _ = call(["params", "--format", fmt])
    assert code == 0
    n = len(list(iter_specs(Parameters)))
    if fmt == "json":
        assert len(json.loads(out)) == n
    elif fmt == "csv":
        assert len(out.strip().splitlines()) == n + 1
    elif fmt == "markdown":
        assert out.count("\n| `") == n
    else:
        import tomllib

        assert tomllib.loads(out)


# -- validate and report ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('seed = 1\nreplicates = 2\n[levels]\n"turnover.rate" = [0.01]\n', "design"),
        ('seed = 1\n[factors]\n"turnover.rate" = {}\n"trust.gain" = {}\n', "method"),
        ("", "empty file"),
        ('method = "morris"\n[factors]\n"turnover.rat" = {}\n', "turnover.rat"),
    ],
)
def test_validate_knows_the_kind_of_file(here: Path, text: str, expected: str) -> None:
    (here / "f.toml").write_text(text)
    code, _, err = call(["validate", "f.toml"])
    assert code == 2
    assert expected in one_error(err)


def test_a_byte_order_mark_is_not_an_error(here: Path) -> None:
    (here / "bom.toml").write_bytes(b"\xef\xbb\xbf[turnover]\nrate = 0.03\n")
    code, out, err = call(["validate", "bom.toml"])
    assert code == 0, err
    (here / "p.csv").write_bytes(b"\xef\xbb\xbfturnover.rate\n0.01\n0.02\n")
    (here / "e.toml").write_text('design = "file"\nfile = "p.csv"\nseed = 1\n')
    code, out, err = call(["validate", "e.toml"])
    assert code == 0, err
    assert "2 design points" in out


def test_report_on_a_sensitivity_folder(here: Path) -> None:
    study = here / "study"
    study.mkdir()
    (study / "summary.md").write_text("# Morris\n")
    (study / "indices.csv").write_text("output,factor\n")
    (study / "morris.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code, _, err = call(["report", study])
    assert code == 0, err
    assert (study / "report.html").is_file()
    assert "# Morris" in (study / "report.html").read_text()
