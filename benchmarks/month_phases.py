"""Where a month's compiled time goes: cycles spent in each phase of ``kernels.month``.

``run_speed.py --profile`` times the Python methods around the month; the month itself
is one compiled call, so this script looks inside it. It rebuilds ``month`` from its own
source with a cycle-counter read (``llvm.readcyclecounter``) around every phase call
that is a statement of its body, compiles that copy (not cached: about a minute), and
runs the reference territory with it. Nothing of the model is copied: the phases are
the shipped kernels, only the timing is added around their calls.

Usage::

    python benchmarks/month_phases.py [--runs 10]

The figures are wall-clock cycles (a busy machine inflates them); compare phases with
each other. Printed: ms per run of each phase (the 60-month warm start included), its
share, and the counter's frequency used to convert.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import textwrap
import time

import numba
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_SLOTS = 64
ACC = np.zeros(_SLOTS, dtype=np.int64)
_ADDRESS = ACC.ctypes.data


@intrinsic
def _pointer(typingctx, address):
    """The integer ``address`` as a ``void*`` (to view ``ACC`` from compiled code)."""

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)

    return types.voidptr(address), codegen


@intrinsic
def cycles(typingctx):
    """The processor's cycle counter (a few cycles to read, unlike a system clock)."""

    def codegen(context, builder, signature, args):
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.IntType(64), []), "llvm.readcyclecounter"
        )
        return builder.call(fn, [])

    return types.int64(), codegen


@njit
def accumulators():
    """``ACC`` seen from compiled code (a global array would be read-only there)."""
    return numba.carray(_pointer(_ADDRESS), (_SLOTS,), np.int64)


def _phase_name(stmt: ast.stmt, kernels: dict[str, object]) -> str | None:
    """The kernel a statement of ``month``'s body calls, if it is one such call."""
    call = stmt.value if isinstance(stmt, ast.Expr | ast.Assign) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
        return call.func.id if hasattr(kernels.get(call.func.id), "py_func") else None
    return None


def instrumented_month() -> tuple[object, list[str]]:
    """``kernels.month.month`` with a cycle count around each phase call, and the
    phases' names in the order of their slots."""
    from ptce_sim.world.kernels import month as month_module

    source = textwrap.dedent(inspect.getsource(month_module.month))
    tree = ast.parse(source)
    func = tree.body[0]
    func.decorator_list = []
    names: list[str] = []

    def wrap(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, ast.If):
                stmt.body = wrap(stmt.body)
            name = _phase_name(stmt, vars(month_module))
            if name is None:
                out.append(stmt)
                continue
            k = len(names)
            names.append(name)
            out += ast.parse(f"_c{k} = cycles()").body
            out.append(stmt)
            out += ast.parse(f"accumulators()[{k}] += cycles() - _c{k}").body
        return out

    func.body = wrap(func.body)
    assert len(names) <= _SLOTS
    namespace = dict(vars(month_module))
    namespace.update(cycles=cycles, accumulators=accumulators)
    exec(compile(ast.fix_missing_locations(tree), "<month, instrumented>", "exec"), namespace)
    return njit(namespace["month"]), names


def counter_ghz() -> float:
    """Cycles of the counter per nanosecond, measured against the wall clock."""

    @njit
    def now():
        return cycles()

    now()
    c0, t0 = now(), time.perf_counter()
    time.sleep(0.5)
    return (now() - c0) / (time.perf_counter() - t0) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    import ptce_sim.world.model as model_module

    kernel, names = instrumented_month()
    model_module.month_kernel = kernel  # what TerritoryModel compiles and calls
    t0 = time.perf_counter()
    warm = model_module.TerritoryModel(seed=0)
    for _ in range(warm.params.run.steps):
        warm.step()
    print(f"instrumented month compiled and warmed up in {time.perf_counter() - t0:.0f} s")
    ACC[:] = 0
    for seed in range(1, args.runs + 1):
        model = model_module.TerritoryModel(seed=seed)
        for _ in range(model.params.run.steps):
            model.step()
    ghz = counter_ghz()
    per_run = ACC[: len(names)] / args.runs / (ghz * 1e6)  # ms
    total = per_run.sum()
    print(f"{args.runs} runs; cycle counter at {ghz:.2f} GHz; ms per run inside the month:")
    for k in np.argsort(-per_run):
        print(f"  {names[k]:18s} {per_run[k]:7.2f} ms  {100 * per_run[k] / total:5.1f} %")
    print(f"  {'all phases':18s} {total:7.2f} ms")


if __name__ == "__main__":
    main()
