"""Streaming, crash-safe Parquet storage of a sweep's results.

Layout inside the output folder while a sweep runs::

    parts/runs/part-000001.parquet      one file per committed batch, sorted by run id
    parts/poles/part-000001.parquet     the same batch's poles (and timeseries/)

A batch is committed by writing its files under temporary names, flushing them to disk
(``fsync``) and renaming them into place, the ``runs`` file last: the ``runs`` part is the
commit record. Why this scheme: a rename is atomic, so a process killed at any instant
(Ctrl-C, SIGKILL, a cluster's time limit, a power cut after the fsync) leaves either a
whole batch or none of it. On restart, :meth:`PartStore.recover` deletes temporary
files and any ``poles``/``timeseries`` part whose ``runs`` part is missing, and returns
the run ids already committed: those are never run again, and nothing half-written is
ever read. Memory stays flat: a batch is bounded (see ``sweep.py``) and leaves memory
once written.

At the end, :meth:`PartStore.finalise` merges the parts of each table into one file
(``runs.parquet``, ``poles.parquet``, ``timeseries.parquet``) sorted by run id, streaming:
parts are visited in order of their smallest run id and rows are written as soon as no
later part can hold a smaller id. Runs are dispatched in run-id order, so parts barely
overlap and the merge holds about one part in memory. Row groups have a fixed size, so
the final files depend only on the rows: an interrupted and resumed sweep writes the
same bytes as an uninterrupted one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

RUNS = "runs"
ROW_GROUP_ROWS = 8192
COMPRESSION = "zstd"
_PART = re.compile(r"^part-(\d{6,})\.parquet$")

ARROW_TYPES: dict[str, pa.DataType] = {
    "int64": pa.int64(),
    "float64": pa.float64(),
    "string": pa.string(),
    "bool": pa.bool_(),
}


def schema(columns: Sequence[tuple[str, str]], metadata: Mapping[str, str]) -> pa.Schema:
    """An Arrow schema from ``(name, type name)`` pairs (types of ``world/schema.py``)."""
    return pa.schema(
        [pa.field(name, ARROW_TYPES[t]) for name, t in columns],
        metadata={k.encode(): v.encode() for k, v in metadata.items()},
    )


def to_table(columns: Mapping[str, list[Any]], schema_: pa.Schema) -> pa.Table:
    """Columns of Python values to a table of the declared schema; NaN is stored as null
    (as pandas does), so every reader sees a missing value the same way."""
    n = len(next(iter(columns.values()))) if columns else 0
    arrays = []
    for f in schema_:
        values = columns.get(f.name)
        if values is None:
            arrays.append(pa.nulls(n, f.type))
        else:
            arrays.append(pa.array(values, type=f.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema_)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as fh:
            pq.write_table(table, fh, compression=COMPRESSION)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not leave a stray .tmp behind
        raise


class PartStore:
    """The parts of one sweep's tables (``runs`` first; others keyed by run id)."""

    def __init__(self, root: Path, schemas: Mapping[str, pa.Schema], sort: Mapping[str, list[str]]):
        if RUNS not in schemas:
            raise ValueError("a store needs a 'runs' table")
        self.root = Path(root)
        self.schemas = dict(schemas)
        self.sort = dict(sort)
        self.parts = self.root / "parts"
        self._next = 1

    def folder(self, table: str) -> Path:
        return self.parts / table

    def _numbers(self, table: str) -> dict[int, Path]:
        folder = self.folder(table)
        if not folder.is_dir():
            return {}
        out = {}
        for path in folder.iterdir():
            m = _PART.match(path.name)
            if m:
                out[int(m.group(1))] = path
        return out

    def recover(self) -> np.ndarray:
        """Clean up after a crash; return the run ids already committed (sorted)."""
        for table in self.schemas:
            folder = self.folder(table)
            folder.mkdir(parents=True, exist_ok=True)
            for path in folder.iterdir():
                if path.name.endswith(".tmp"):
                    path.unlink()
        committed = self._numbers(RUNS)
        for table in self.schemas:
            if table == RUNS:
                continue
            for number, path in self._numbers(table).items():
                if number not in committed:  # written, but its batch never committed
                    path.unlink()
        self._next = 1 + max(committed, default=0)
        ids = [
            pq.read_table(p, columns=["run_id"])["run_id"].to_numpy(zero_copy_only=False)
            for p in committed.values()
        ]
        done = np.concatenate(ids) if ids else np.zeros(0, dtype=object)
        return np.sort(done.astype(str))

    def commit(self, columns: Mapping[str, Mapping[str, list[Any]]]) -> int:
        """Write one batch (columns of values per table) atomically; return its runs."""
        runs = len(columns.get(RUNS, {}).get("run_id", []))
        if not runs:
            return 0
        number = self._next
        name = f"part-{number:06d}.parquet"
        for table in [t for t in self.schemas if t != RUNS] + [RUNS]:
            data = to_table(columns.get(table, {}), self.schemas[table])
            if data.num_rows == 0 and table != RUNS:
                continue
            data = data.sort_by([(k, "ascending") for k in self.sort[table]])
            _write_atomic(data, self.folder(table) / name)
        for table in self.schemas:
            _fsync_dir(self.folder(table))
        self._next += 1
        return runs

    # -- final tables ------------------------------------------------------------------------
    def finalise(self, tables: Mapping[str, Path]) -> dict[str, int]:
        """Merge each table's parts into ``tables[name]``, sorted; return row counts."""
        return {name: self._merge(name, path) for name, path in tables.items()}

    def _merge(self, table: str, target: Path) -> int:
        schema_ = self.schemas[table]
        keys = [(k, "ascending") for k in self.sort[table]]
        parts = sorted((_min_id(p), p) for p in self._numbers(table).values())
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            return self._merge_into(tmp, target, schema_, keys, parts)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _merge_into(
        self,
        tmp: Path,
        target: Path,
        schema_: pa.Schema,
        keys: list[tuple[str, str]],
        parts: list[tuple[str, Path]],
    ) -> int:
        rows = 0
        pending: list[pa.Table] = []  # sorted rows not yet written (fewer than a row group)
        buffer = schema_.empty_table()  # unsorted rows that a later part may precede
        with tmp.open("wb") as fh:
            writer = pq.ParquetWriter(fh, schema_, compression=COMPRESSION)
            for k, (_, path) in enumerate(parts):
                buffer = pa.concat_tables([buffer, pq.read_table(path, schema=schema_)])
                limit = parts[k + 1][0] if k + 1 < len(parts) else None
                if limit is None:
                    ready, buffer = buffer, schema_.empty_table()
                else:
                    below = pc.less(buffer["run_id"], pa.scalar(limit))
                    ready, buffer = buffer.filter(below), buffer.filter(pc.invert(below))
                if ready.num_rows:
                    pending.append(ready.sort_by(keys))
                    rows += ready.num_rows
                    pending = _write_full_groups(writer, pending)
            if pending:
                writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return rows

    def remove_parts(self) -> None:
        """Delete the parts once the final tables are written (they hold the same rows)."""
        for table in self.schemas:
            for path in self._numbers(table).values():
                path.unlink()
            folder = self.folder(table)
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if self.parts.is_dir() and not any(self.parts.iterdir()):
            self.parts.rmdir()


def _write_full_groups(writer: pq.ParquetWriter, pending: list[pa.Table]) -> list[pa.Table]:
    """Write whole row groups of ``ROW_GROUP_ROWS`` rows; return the remainder."""
    total = sum(t.num_rows for t in pending)
    if total < ROW_GROUP_ROWS:
        return pending
    joined = pa.concat_tables(pending)
    full = (total // ROW_GROUP_ROWS) * ROW_GROUP_ROWS
    writer.write_table(joined.slice(0, full), row_group_size=ROW_GROUP_ROWS)
    rest = joined.slice(full)
    return [rest] if rest.num_rows else []


def _min_id(path: Path) -> str:
    """Smallest run id of a part, from the Parquet statistics (the footer only)."""
    meta = pq.ParquetFile(path).metadata
    col = meta.schema.names.index("run_id")
    mins = [meta.row_group(i).column(col).statistics.min for i in range(meta.num_row_groups)]
    return min(mins) if mins else ""
