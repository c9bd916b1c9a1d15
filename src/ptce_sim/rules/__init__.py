"""Rules layer: every equation of a month, once, as a plain function (``rules.jit.rule``)
that runs in Python and, compiled, inside the month's kernels.

One module per phase of the month, named after it — ``turnover`` (2), ``search`` (3),
``outcomes`` (4), ``trust`` (5), ``learning`` (6), ``membership`` (7), ``cell`` (8),
``lifecycle`` (9) — holding its equations in its docstring and its rule functions; the
parameter groups read by several phases are declared in ``cooperation``, ``poles`` and
``funding`` (the ``[trust]`` and ``[turnover]`` groups live with their rule). Rules
never import Mesa, pandas or each other's functions: to change the trust rule a
researcher opens ``rules/trust.py`` and nothing else.
"""

from __future__ import annotations

import importlib

#: The modules holding rule functions, in the order of the month.
PHASE_MODULES: tuple[str, ...] = (
    "turnover",
    "search",
    "outcomes",
    "trust",
    "learning",
    "membership",
    "cell",
    "lifecycle",
)


def import_all() -> None:
    """Import every rule module, so that ``rules.jit.RULES`` lists every rule."""
    for name in PHASE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
