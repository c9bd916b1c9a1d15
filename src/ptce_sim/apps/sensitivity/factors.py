"""The factors of a sensitivity study: which parameters vary, over which range.

Factor ranges default to the parameter's declared ``lo``/``hi``; a file may narrow them
but not widen them, because the model itself rejects values outside the declaration.
Integer parameters are sampled on the continuous range and rounded; booleans are
sampled on [0, 1] and read as ``value >= 0.5``. String parameters cannot be factors.
Why a module of its own: the design, the analysis and the reports all speak about
factors (:class:`Factor`); ``spec.py`` reads the rest of the study.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ptce_sim.apps.sensitivity.fields import known_keys, table
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import check_key
from ptce_sim.world.parameters import Parameters


@dataclass(frozen=True)
class Factor:
    """One input varied by the design, with what the reports need to speak about it."""

    key: str
    lo: float
    hi: float
    kind: str = "float"  # "float", "int" or "bool": how a sampled value reaches the model
    group: str | None = None
    role: str = "uncertainty"
    unit: str = ""
    doc: str = ""

    def cast(self, x: float) -> float | int | bool:
        """Turn a sampled number into the value the model receives."""
        x = min(max(float(x), self.lo), self.hi)  # SALib's scaling can overshoot by an ulp
        if self.kind == "int":
            return round(x)
        if self.kind == "bool":
            return bool(x >= 0.5)
        return x


def read_factors(data: Mapping[str, Any], src: str) -> tuple[Factor, ...]:
    """The ``[factors]`` table: two or more numeric or boolean parameters (not the
    horizon), each ``{}``, ``[lo, hi]`` or ``{ bounds = [lo, hi], group = "g" }``."""
    entries = table(data, "factors", src)
    specs = {key: check_key(Parameters, key, src) for key in entries}  # a typo named first
    if len(entries) < 2:
        raise ConfigError(
            'name at least 2 factors, e.g. "turnover.rate" = {}', src, "factors", len(entries)
        )
    out = []
    for key, raw in entries.items():
        spec = specs[key]
        where = f"factors.{key}"
        if spec.type is str:
            raise ConfigError(
                "a text parameter cannot be a factor; compare its values with a sweep",
                src,
                where,
                allowed="a number, an integer or a boolean parameter",
            )
        if spec.role == "structure" and spec.key == "run.steps":
            raise ConfigError("the horizon cannot be a factor", src, where)
        bounds: Any = None
        group = None
        if isinstance(raw, list):
            bounds = raw
        elif isinstance(raw, dict):
            known_keys(raw, ("bounds", "group"), src, where)
            bounds = raw.get("bounds")
            group = raw.get("group")
            if group is not None and not isinstance(group, str):
                raise ConfigError("wrong type, expected a string", src, f"{where}.group", group)
        else:
            raise ConfigError(
                'expected {} (declared bounds), [lo, hi] or { bounds = [lo, hi], group = "g" }',
                src,
                where,
                raw,
            )
        out.append(_factor(spec, bounds, group, src, where))
    return tuple(out)


def _factor(spec: Any, bounds: Any, group: str | None, src: str, where: str) -> Factor:
    if spec.type is bool:
        lo_decl, hi_decl = 0.0, 1.0
    else:
        lo_decl, hi_decl = spec.lo, spec.hi
    if bounds is None:
        if lo_decl is None or hi_decl is None:
            raise ConfigError("the parameter has no declared bound; give [lo, hi]", src, where)
        lo, hi = float(lo_decl), float(hi_decl)
    else:
        ok = (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
        )
        if not ok:
            raise ConfigError("expected [lo, hi], two numbers", src, where, bounds)
        lo, hi = float(bounds[0]), float(bounds[1])
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            raise ConfigError("expected lo < hi, both finite", src, where, bounds)
        outside = (lo_decl is not None and lo < lo_decl) or (hi_decl is not None and hi > hi_decl)
        if outside:
            raise ConfigError(
                "bounds outside the parameter's declared range (the model would reject them)",
                src,
                where,
                bounds,
                allowed=f"within {spec.allowed}",
                meaning=spec.doc,
            )
    kind = "bool" if spec.type is bool else "int" if spec.type is int else "float"
    return Factor(spec.key, lo, hi, kind, group, spec.role, spec.unit, spec.doc)
