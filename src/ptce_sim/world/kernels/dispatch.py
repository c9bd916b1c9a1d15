"""Calling a compiled kernel with records, without paying numba's argument typing each
month.

Why: numba's dispatcher types every argument at every call to pick the compiled
version; for a dozen records holding ~80 arrays that costs more than passing them.
:class:`Compiled` asks the dispatcher once, then calls the compiled entry point directly
while the arguments have the same *layout*: for an array its dtype, number of
dimensions and C-contiguity (what numba's type of an array depends on, the shape
excepted), for a scalar its Python type, for a record (a tuple) the layouts of its
fields. The same objects are recognised at once; a record rebuilt because a table grew
is checked field by field (microseconds, a few times a run), and anything whose layout
differs goes through the dispatcher again.

Under ``NUMBA_DISABLE_JIT=1`` the kernel is a plain Python function and is called as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_SCALARS = (bool, int, float)


def layout(obj: Any) -> Any:
    """What numba's type of ``obj`` depends on (see the module docstring)."""
    if isinstance(obj, np.ndarray):
        return (obj.dtype.num, obj.ndim, obj.flags.c_contiguous)
    if isinstance(obj, tuple):
        return (type(obj), tuple(layout(x) for x in obj))
    if isinstance(obj, _SCALARS):
        return type(obj)
    return (type(obj), id(obj))  # anything else (a box of streams): the object itself


class Compiled:
    """A compiled kernel whose entry point is reused while its arguments keep their
    layout."""

    def __init__(self, kernel: Callable[..., Any]) -> None:
        self.kernel = kernel
        self._entry: Callable[..., Any] | None = None
        self._args: tuple[Any, ...] = ()
        self._layout: tuple[Any, ...] = ()

    def __call__(self, *args: Any) -> Any:
        if self._entry is not None and self._same(args):
            return self._entry(*args)
        result = self.kernel(*args)
        overloads = getattr(self.kernel, "overloads", None)
        if overloads is not None:
            import numba

            compiled = overloads.get(tuple(numba.typeof(a) for a in args))
            if compiled is not None:
                self._entry = compiled.entry_point
                self._args = args
                self._layout = tuple(layout(a) for a in args)
        return result

    def _same(self, args: tuple[Any, ...]) -> bool:
        """The cached call's objects, or objects of the same layout in their place."""
        old = self._args
        if len(old) != len(args):
            return False
        for k, (a, b) in enumerate(zip(old, args, strict=True)):
            if a is b:
                continue
            if isinstance(b, _SCALARS):
                if type(a) is not type(b):
                    return False
            elif layout(b) != self._layout[k]:
                return False
        self._args = args
        return True
