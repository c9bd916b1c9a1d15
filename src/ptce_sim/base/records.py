"""Parameter groups as named records for compiled kernels, generated from their
declarations.

Why: numba cannot read a frozen dataclass, and parameters passed as float vectors read
by index (``fpar[3]``) fail silently when an entry moves. A record is a
``typing.NamedTuple`` with the group's field names and types, generated from the one
declaration (:func:`ptce_sim.base.params.param`): kernels and rule functions read
``p.gain``, the same name as on the dataclass, so a rule function accepts either.

Types: ``float``, ``int`` and ``bool`` fields keep their type; a ``str`` field with
``choices`` becomes the ``int`` index of its value among the choices (numba reads no
strings cheaply); a nested group becomes a nested record.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, NamedTuple


def _field_type(f: dataclasses.Field[Any], value: Any) -> type:
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return float
    if isinstance(value, str):
        if not f.metadata.get("choices"):
            raise TypeError(f"{f.name}: a string parameter needs choices to become a record field")
        return int
    raise TypeError(f"{f.name}: no record type for {type(value).__name__}")


def record_type(group: type, name: str, module: str) -> type:
    """The record class of a parameter group (a frozen dataclass of :func:`param` fields,
    or a root whose fields are groups), defined in ``module`` under ``name`` so that
    pickling, and numba's on-disk cache, find it by its qualified name."""
    default = group()
    fields: list[tuple[str, type]] = []
    for f in dataclasses.fields(group):
        value = getattr(default, f.name)
        if dataclasses.is_dataclass(value):
            sub_name = type(value).__name__.removesuffix("Params") + "Record"
            sub = record_type(type(value), sub_name, module)
            fields.append((f.name, sub))
        else:
            fields.append((f.name, _field_type(f, value)))
    cls = NamedTuple(name, fields)  # type: ignore[misc]
    cls.__module__ = module
    cls.__qualname__ = name
    setattr(sys.modules[module], name, cls)
    return cls


def to_record(record_cls: type, params: Any) -> Any:
    """The record of ``params`` (an instance of the group ``record_cls`` was built from)."""
    values = []
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        sub = record_cls.__annotations__[f.name]
        if dataclasses.is_dataclass(value):
            values.append(to_record(sub, value))
        elif isinstance(value, str):
            values.append(f.metadata["choices"].index(value))
        else:
            values.append(sub(value))
    return record_cls(*values)
