"""The decorator every rule function wears: one copy that runs in Python and compiled.

Why: the month runs as compiled numba kernels, and the rules must not be written twice
(once for the docs and tests, once re-typed in a kernel). A function decorated with
:func:`rule` is an ordinary Python function — tests, notebooks and property checks call
it with plain numbers — and numba compiles it inline where a kernel calls it
(``numba.extending.register_jitable``, applied by :func:`compile_rules` when the kernels
are imported, so that reading the parameters or a rule never loads numba). So the code
that runs is the code that is documented and tested.

Conventions of a rule function:

- scalar arguments (numbers, booleans) and, where a rule reads several parameters, the
  parameter group itself: the frozen dataclass in Python, its named record in a kernel
  (the record has the dataclass's field names, see ``ptce_sim.base.records``);
- ``math`` for transcendental functions, so that pure Python and compiled code give
  the same bits (numpy's vectorised ``exp`` may differ from the C library in the last
  bit); for arrays in Python, wrap a rule in ``numpy.vectorize``;
- no random draws: a rule receives its uniform or normal draw as an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

#: Every rule function, in the order the modules declare them (docs and tests list them).
RULES: list[Callable[..., object]] = []
_compiled: set[Callable[..., object]] = set()


def rule(f: F) -> F:
    """Mark ``f`` as a rule: unchanged for Python callers, compiled inline in kernels."""
    RULES.append(f)
    return f


def compile_rules() -> None:
    """Make every rule callable from compiled kernels (``register_jitable``); idempotent.
    Called by ``ptce_sim.world.kernels`` before any kernel is compiled."""
    from numba.extending import register_jitable

    for f in RULES:
        if f not in _compiled:
            register_jitable(f)
            _compiled.add(f)


@rule
def clip(x: float, lo: float, hi: float) -> float:
    """``min(max(x, lo), hi)``, the clipping most probabilities and shares go through."""
    return min(max(x, lo), hi)
