"""The design points of an experiment: sampled (``lhs``, ``random``) within declared
ranges or ``[bounds]``, read from a CSV (``file``), then crossed with the ``[levels]``.

Why a module of its own: how points are drawn fixes the run ids (``runid.py``), so it
must not change under a user's feet; it is kept apart from the reading of the other
fields (``experiment_fields.py``) and from their assembly (``experiment.py``).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ptce_sim.apps import experiment_fields as fields
from ptce_sim.apps import runid
from ptce_sim.base.errors import ConfigError
from ptce_sim.base.params import ParamSpec, check_key
from ptce_sim.world.parameters import Parameters


def samples(
    data: Mapping[str, Any], design: str, src: str, path: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    """Sampled or file points (a list of dicts) and their keys; ``[{}]`` for grids."""
    if design == "file":
        for key in ("samples", "sample", "bounds"):
            if key in data:
                raise ConfigError("not used by design = 'file'", src, key)
        return _read_points(data, src, path)
    if design == "grid":
        for key in ("samples", "sample", "bounds", "file"):
            if key in data:
                raise ConfigError("not used by design = 'grid'", src, key)
        return [{}], []
    if "file" in data:
        raise ConfigError("only for design = 'file'", src, "file")
    n = fields.get(data, "samples", int, src, None)
    if n is None or n < 1:
        raise ConfigError(f"design '{design}' needs samples >= 1", src, "samples", n)
    ranges: dict[str, tuple[ParamSpec, list[Any]]] = {}
    for key in fields.get(data, "sample", list, src, []):
        if not isinstance(key, str):
            raise ConfigError("expected a list of dotted keys", src, "sample", key)
        spec = check_key(Parameters, key, src)
        ranges[key] = (spec, _declared_range(spec, src))
    for key, raw in fields.get(data, "bounds", dict, src, {}).items():
        if key in ranges:
            raise ConfigError("in both 'sample' and [bounds]; keep one", src, f"bounds.{key}")
        spec = check_key(Parameters, key, src)
        ranges[key] = (spec, _bounds(spec, raw, src))
    if not ranges:
        raise ConfigError(
            f"design '{design}' needs keys to sample: sample = [...] or [bounds]", src, "sample"
        )
    keys = list(ranges)
    rng = runid.design_rng(int(data["seed"]))
    if design == "lhs":
        # Hand-written Latin hypercube (one stratum per sample on each axis): a few lines of
        # numpy, stable across library versions, so a design point, hence a run id, never
        # changes under a user's feet. Axes are drawn in the order the keys are written.
        u = np.empty((n, len(keys)))
        for j in range(len(keys)):
            u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    else:  # random: row-major draws, so the first rows stay when samples grows
        u = rng.random((n, len(keys)))
    rows = [
        {k: _scale(ranges[k][0], ranges[k][1], float(u[i, j])) for j, k in enumerate(keys)}
        for i in range(n)
    ]
    return rows, keys


def _declared_range(spec: ParamSpec, src: str) -> list[Any]:
    if spec.type is bool:
        return [False, True]
    if spec.choices:
        return list(spec.choices)
    if spec.lo is None or spec.hi is None or spec.type is str:
        raise ConfigError(
            "no declared range to sample from; give its bounds in [bounds]", src, spec.key
        )
    return [spec.lo, spec.hi]


def _bounds(spec: ParamSpec, raw: Any, src: str) -> list[Any]:
    where = f"bounds.{spec.key}"
    if spec.type in (bool, str):
        values = fields.level_list(raw, src, where, None)
        return [fields.check_param(spec.key, v, src, where)[1] for v in values]
    if not isinstance(raw, list) or len(raw) != 2:
        raise ConfigError("expected [lo, hi]", src, where, raw, spec.allowed, spec.doc)
    lo, hi = (fields.check_param(spec.key, v, src, where)[1] for v in raw)
    if not lo < hi:
        raise ConfigError("expected lo < hi", src, where, raw, spec.allowed, spec.doc)
    return [lo, hi]


def _scale(spec: ParamSpec, rng_: list[Any], u: float) -> Any:
    """Map a uniform ``u`` in [0, 1) to a value of the parameter within ``rng_``."""
    if spec.type is bool or spec.type is str:
        return rng_[min(int(u * len(rng_)), len(rng_) - 1)]
    lo, hi = rng_
    if spec.type is int:
        return int(min(lo + math.floor(u * (hi - lo + 1)), hi))
    return float(lo + u * (hi - lo))


def _read_points(
    data: Mapping[str, Any], src: str, path: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    ref = fields.get(data, "file", str, src, None)
    if ref is None:
        raise ConfigError("design 'file' needs file = \"points.csv\"", src, "file")
    csv_path = (path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
    where = str(csv_path)
    try:
        # utf-8-sig: a byte-order mark (spreadsheets on Windows write one) is not data.
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            rows = [r for r in reader if any(c.strip() for c in r)]
    except FileNotFoundError:
        raise ConfigError("design file not found", src, "file", ref) from None
    except (OSError, csv.Error) as exc:
        raise ConfigError(f"unreadable design file: {exc}", src, "file", ref) from None
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", where) from None
    if not header or not rows:
        raise ConfigError("expected a header of dotted keys and at least one row", where)
    for key in header:
        check_key(Parameters, key, f"{where}: header")
    if len(set(header)) != len(header):
        raise ConfigError("a column appears twice", where, "header")
    rows_read = []
    for n, row in enumerate(rows, start=2):
        at = f"{where}: row {n}"
        if len(row) != len(header):
            raise ConfigError(f"{len(row)} cells for {len(header)} columns", at)
        rows_read.append(
            {
                k: fields.check_param(k, _cell(c, at, k), at, k)[1]
                for k, c in zip(header, row, strict=True)
            }
        )
    fields.unique(rows_read, where, "rows")
    return rows_read, header


def _cell(text: str, where: str, key: str) -> Any:
    """A CSV cell read as a TOML value (or a bare word), sizes checked."""
    from ptce_sim.apps.cli_common import parse_value

    try:
        return parse_value(text.strip(), key)
    except ConfigError as err:
        raise err.at(where) from None


def points(
    factors: Mapping[str, list[Any]], samples: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Levels crossed in full (the last factor varies fastest), then each sample or row."""
    names = list(factors)
    for combo in itertools.product(*(factors[n] for n in names)):
        for row in samples:
            yield {**dict(zip(names, combo, strict=True)), **row}
