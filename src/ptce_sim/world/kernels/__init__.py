"""Compiled kernels (numba): the month's phases in plain loops over the model's arrays.

Why compiled: a month touches a few hundred small index sets; as numpy calls each cost
more in call overhead than in arithmetic. A month is one call (``month.month``), which
chains one kernel module per phase, in the order of the schedule:

======================  =========================================  =====================
phase                   kernel module                              rules
======================  =========================================  =====================
2 turnover              ``turnover``                               ``rules/turnover.py``
3 partner search        ``search`` (``sampling``)                  ``rules/search.py``
3 collective offers     ``offers``                                 ``rules/search.py``
4 outcomes              ``outcomes``                               ``rules/outcomes.py``
5 trust                 ``trust`` (``trust_blocks``)               ``rules/trust.py``
6 learning              ``learning``                               ``rules/learning.py``
7 pole membership       ``pole_membership`` (``pole_projects``)    ``rules/membership.py``
8 animation cells       ``pole_cell``                              ``rules/cell.py``
9 pole lifecycle        ``pole_lifecycle``, ``pole_emergence``     ``rules/lifecycle.py``
9 pole report           ``pole_report``                            ``rules/lifecycle.py``
10 metrics              ``metrics``                                ``world/metrics.py``
======================  =========================================  =====================

A kernel gathers arrays, loops and calls rule functions; it holds no equation of its
own. The other modules: ``state`` (the records of arrays the kernels read and write),
``params`` (the parameters as named records), ``pole_rows`` (reading and editing the
poles' table), ``events`` (the event record), ``affinities`` (the pairwise affinities
at month 0), ``sums`` (numpy's summation order), ``streams_box`` (the random streams),
``dispatch`` (calling a kernel without re-typing its records) and ``cache_guard``.

Rules of this package:

- every random number comes from the model's named numpy streams, drawn inside the
  kernels (``streams_box``: numba runs numpy's algorithms on the generators' state, so
  a draw is the one Python would make), in the order written in each module's docstring;
- updates are applied in a fixed order (several updates to one cell in one month one
  after the other, in the order they came);
- ``cache=True``, no ``fastmath``, no ``parallel``: results are reproducible and a run
  stays on one core; ``cache_guard`` empties numba's cache when a kernel or rule source
  changes (numba alone would keep a caller's stale copy of an edited callee).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# LLVM's optimisation level for the kernels: 1 instead of numba's default 3. Measured on
# the reference territory (2026-12-07): the first compilation takes about a fifth less
# (129 -> 102 s on a shared machine), a run the same time (90 ms), and the outputs of the
# 46 reference runs (``benchmarks/reference_outputs.py``) are bit-identical — numba runs
# its own per-function optimisations at every level, and without ``fastmath`` no level
# may change a floating-point result. Numba reads the level once, when it is imported:
# set here only if numba is not loaded yet and ``NUMBA_OPT`` is not already chosen; the
# worker processes of a sweep inherit it.
if "numba" not in sys.modules:
    os.environ.setdefault("NUMBA_OPT", "1")

from ptce_sim import rules as _rules
from ptce_sim.rules.jit import compile_rules as _compile_rules
from ptce_sim.world.kernels import cache_guard as _cache_guard
from ptce_sim.world.kernels.sums import np_sum as _np_sum

# The rule functions, compiled inline where the kernels call them: every rule module is
# imported (so that each @rule is listed) and registered before any kernel compiles.
_rules.import_all()
_compile_rules()

# Before any kernel is compiled or loaded (numba reads its cache at the first call),
# in the folder numba caches this package's kernels in (``NUMBA_CACHE_DIR`` or
# ``__pycache__``); under ``NUMBA_DISABLE_JIT=1`` nothing is cached.
_cache = getattr(_np_sum, "_cache", None)
if _cache is not None:
    _cache_guard.guard(Path(_cache._cache_path))
