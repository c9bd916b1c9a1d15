"""A newcomer's first commands: a cold first ``ptce-sim run`` and a cold first ``compare``.

"Cold" is numba's cache emptied: each measurement points ``NUMBA_CACHE_DIR`` at a new
empty folder, so the command compiles the model as on a fresh install (the Python
imports are warm: the operating system's file cache is not cleared). Each command is
then run again on the now-filled cache (warm). For every run the script records, from
the command's own stderr:

- ``first_line_s``: seconds until the first line appeared (target: under 1 s);
- ``compile_s``: seconds the command said it spent compiling (its "compiled in N s"
  line; 0 when warm);
- ``total_s``: wall time of the whole command;
- ``cpu_s``: CPU seconds of the command and the processes it waited for (the compiling
  child included): on a machine shared with other work, the figure that load does not
  inflate as much as wall time.

With ``--children``, it also times the compilation alone, as one child process
(``warmup.compile_here``) and as the two children the commands start on two cores or
more (``compile_here`` beside ``compile_part``), each on an empty cache, and reports the
CPU seconds of each child: the first child's CPU time is the wait on two otherwise idle
cores, whatever the machine's load while measuring.

Usage::

    python benchmarks/cold_start.py [--replicates 20] [--jobs -1] [--children]
                                    [--json results.json]

On a loaded machine the figures grow with the load: note ``uptime`` beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

EXE = [sys.executable, "-m", "ptce_sim.apps.entry"]
COMPILED = re.compile(r"compiled in (\d+) s")


def measure(args: list[str], cache: Path, workdir: Path) -> dict[str, Any]:
    """Run ``ptce-sim ARGS`` with ``NUMBA_CACHE_DIR=cache``; time its first line and end."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*EXE, *args],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    first: list[float] = []
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if not first:
                first.append(time.perf_counter() - started)
            lines.append(line.rstrip())

    reader = threading.Thread(target=read)
    reader.start()
    code = proc.wait()
    total = time.perf_counter() - started
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = [COMPILED.search(line) for line in lines]
    compile_s = next((float(m.group(1)) for m in found if m), 0.0)
    return {
        "command": "ptce-sim " + " ".join(args),
        "exit_code": code,
        "first_line_s": round(first[0], 2) if first else None,
        "compile_s": compile_s,
        "total_s": round(total, 1),
        "cpu_s": round(cpu, 1),
        "stderr_head": lines[:3],
    }


def compile_children(split: bool, root: Path) -> dict[str, Any]:
    """CPU seconds of the compiling child(ren) on an empty cache (``os.wait4``)."""
    cache = root / f"numba-children-{'split' if split else 'single'}"
    cache.mkdir()
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}

    def child(function: str) -> subprocess.Popen[bytes]:
        code = f"from ptce_sim.apps.warmup import {function} as f; f()"
        return subprocess.Popen([sys.executable, "-c", code], env=env)

    started = time.perf_counter()
    first = child("compile_here")
    second = child("compile_part") if split else None
    _, _, usage = os.wait4(first.pid, 0)
    first.returncode = 0  # reaped above
    result: dict[str, Any] = {
        "mode": "two children" if split else "one child",
        "wall_s": round(time.perf_counter() - started, 1),
        "first_child_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "load_average": os.getloadavg()[0],
    }
    if second is not None:
        second.kill()
        _, _, usage = os.wait4(second.pid, 0)
        second.returncode = -9
        result["second_child_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=20, help="compare's replicates")
    parser.add_argument("--jobs", type=int, default=-1)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--children", action="store_true", help="also time the compiling children alone"
    )
    opts = parser.parse_args()
    commands = {
        "run": ["run"],
        "compare": ["compare", "-n", str(opts.replicates), "--jobs", str(opts.jobs)],
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="ptce-cold-") as tmp:
        root = Path(tmp)
        for name, args in commands.items():
            cache = root / f"numba-{name}"
            cache.mkdir()
            for state in ("cold", "warm"):
                work = root / f"{name}-{state}"
                work.mkdir()
                result = {"state": state, **measure(args, cache, work)}
                result["load_average"] = os.getloadavg()[0]
                results.append(result)
                print(
                    f"{state:4} {result['command']}: first line {result['first_line_s']} s, "
                    f"compiling {result['compile_s']:.0f} s, total {result['total_s']} s, "
                    f"CPU {result['cpu_s']} s "
                    f"(exit {result['exit_code']}, load {result['load_average']:.1f})",
                    flush=True,
                )
                shutil.rmtree(work, ignore_errors=True)
        for split in (False, True) if opts.children else ():
            result = compile_children(split, root)
            results.append(result)
            print(
                f"compiling with {result['mode']}: first child {result['first_child_cpu_s']} s "
                f"of CPU ({result['wall_s']} s wall, load {result['load_average']:.1f})"
                + (f", second child {result['second_child_cpu_s']} s" if split else ""),
                flush=True,
            )
    meta = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if opts.json is not None:
        opts.json.write_text(json.dumps({"machine": meta, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
