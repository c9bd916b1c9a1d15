"""The model's named random streams, handed to compiled kernels.

Why: some phases draw a random number only when a decision needs one (a leaderless
pole draws for a successor; a pole that formalises draws its governance). Drawing
them all in advance in Python would change how much of each stream is used, and so
every later draw; taking the decisions in Python costs more than the rest of the
phase. numba can call the methods of a ``numpy.random.Generator`` inside compiled
code, with numpy's own algorithms, on the generator's own state: a draw in a kernel
is the draw Python would have made, and advances the same stream (the tests check
both, method by method).

Passing a ``Generator`` to a kernel costs ~10 µs a call (numba reads its C pointers
through ctypes each time); a :class:`Streams` box built once per model holds them for
~1 µs. ``cache=True`` works for functions that take the box (a StructRef type is
cacheable, unlike a jitclass).
"""

from __future__ import annotations

from types import SimpleNamespace

import numba
import numpy as np
from numba import njit, types
from numba.core.typing.typeof import typeof_impl
from numba.experimental import structref


@structref.register
class StreamsType(types.StructRef):
    """numba type of :class:`Streams`."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


#: The streams a kernel can draw from (``base.rng.STREAM_NAMES``; ``mesa``, ``territory``
#: and ``events`` are only drawn in Python).
BOXED: tuple[str, ...] = ("turnover", "search", "outcome", "poles", "funding")


class Streams(structref.StructRefProxy):
    """The generators the compiled phases draw from (:data:`BOXED`)."""

    def __getattr__(self, name: str) -> np.random.Generator:
        if name not in BOXED:
            raise AttributeError(name)
        return _get(self, BOXED.index(name))


_GENERATOR = types.NumPyRandomGeneratorType("NumPyRandomGeneratorType")
_TYPE = StreamsType([(name, _GENERATOR) for name in BOXED])
structref.define_boxing(StreamsType, Streams)


@typeof_impl.register(Streams)
def _typeof_streams(val: Streams, c: object) -> StreamsType:
    """The box's numba type, read directly: numba's generic lookup first tries the
    object as a buffer (a failed ``memoryview``), which doubled the cost of a call."""
    return val._type


@njit(cache=True)
def _new(turnover, search, outcome, poles, funding):
    box = structref.new(_TYPE)
    box.turnover = turnover
    box.search = search
    box.outcome = outcome
    box.poles = poles
    box.funding = funding
    return box


@njit(cache=True)
def _get(box, k):
    if k == 0:
        return box.turnover
    if k == 1:
        return box.search
    if k == 2:
        return box.outcome
    if k == 3:
        return box.poles
    return box.funding


def box_streams(streams: dict[str, np.random.Generator]) -> Streams | SimpleNamespace:
    """The streams of a model that kernels draw from (:data:`BOXED`), boxed.

    Under ``NUMBA_DISABLE_JIT=1`` the kernels run as Python and read the generators
    from a plain namespace (a StructRef cannot be built without the compiler)."""
    if numba.config.DISABLE_JIT:
        return SimpleNamespace(**{name: streams[name] for name in BOXED})
    return _new(*(streams[name] for name in BOXED))
