"""Streaming storage (apps/store.py) and the declared column types (world/schema.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptce_sim.apps import store
from ptce_sim.world import scenario as scenarios
from ptce_sim.world import schema as types
from ptce_sim.world.poles import POLE_COLUMNS
from ptce_sim.world.run import run_one
from ptce_sim.world.summary import SUMMARY_DOCS

SCHEMAS = {
    "runs": store.schema([("run_id", "string"), ("x", "float64"), ("n", "int64")], {"k": "v"}),
    "poles": store.schema([("run_id", "string"), ("pole_id", "int64"), ("died", "float64")], {}),
}
SORT = {"runs": ["run_id"], "poles": ["run_id", "pole_id"]}


def batch(ids: list[str]) -> dict[str, dict[str, list]]:
    return {
        "runs": {"run_id": ids, "x": [float(len(i)) for i in ids], "n": [1] * len(ids)},
        "poles": {"run_id": ids, "pole_id": [0] * len(ids), "died": [None] * len(ids)},
    }


def test_declared_types_cover_a_real_run() -> None:
    spec = scenarios.load("historical").with_overrides({"run.steps": 30})
    result = run_one(spec, seed=3)
    for col in result.poles.columns:
        assert types.pole_type(col) in types.TYPES
    assert set(POLE_COLUMNS) <= set(result.poles.columns)
    for name, value in result.summary.items():
        expected = types.summary_type(name)
        assert isinstance(value, int) == (expected == "int64"), name
    assert set(SUMMARY_DOCS) == set(result.summary)
    for col in result.timeseries.columns:
        assert types.timeseries_type(col) in types.TYPES
    with pytest.raises(KeyError, match="declare it"):
        types.pole_type("new_column")


def test_all_null_columns_keep_their_declared_type() -> None:
    table = store.to_table({"run_id": ["a"], "pole_id": [0], "died": [None]}, SCHEMAS["poles"])
    assert table.schema.field("died").type == pa.float64()
    table = store.to_table({"run_id": ["a"], "x": [float("nan")]}, SCHEMAS["runs"])
    assert table["x"].null_count == 1
    assert table["n"].null_count == 1


def test_recover_drops_temporary_files_and_uncommitted_parts(tmp_path: Path) -> None:
    s = store.PartStore(tmp_path, SCHEMAS, SORT)
    assert len(s.recover()) == 0
    s.commit(batch(["b", "a"]))
    s.commit(batch(["c"]))
    # a crash between the poles part and the runs part of batch 3, and a half-written file
    store._write_atomic(
        store.to_table(batch(["d"])["poles"], SCHEMAS["poles"]),
        s.folder("poles") / "part-000003.parquet",
    )
    (s.folder("runs") / ".part-000004.parquet.tmp").write_bytes(b"PAR1 half")
    fresh = store.PartStore(tmp_path, SCHEMAS, SORT)
    assert list(fresh.recover()) == ["a", "b", "c"]
    assert not (s.folder("poles") / "part-000003.parquet").exists()
    assert not list(s.folder("runs").glob("*.tmp"))
    fresh.commit(batch(["d"]))
    assert list(fresh.recover()) == ["a", "b", "c", "d"]


def _final_bytes(root: Path, partition: list[list[str]], monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 7)
    s = store.PartStore(root, SCHEMAS, SORT)
    s.recover()
    for ids in partition:
        s.commit(batch(ids))
    rows = s.finalise({"runs": root / "runs.parquet", "poles": root / "poles.parquet"})
    assert rows == {"runs": sum(map(len, partition)), "poles": sum(map(len, partition))}
    s.remove_parts()
    assert not (root / "parts").exists()
    return (root / "runs.parquet").read_bytes() + (root / "poles.parquet").read_bytes()


def test_final_tables_are_sorted_and_do_not_depend_on_the_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"{i:04x}" for i in range(60)]
    rng = random.Random(5)
    reference = _final_bytes(tmp_path / "ref", [ids], monkeypatch)
    for k in range(4):
        shuffled = ids[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, 60), 5))
        parts = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, 60], strict=True)]
        assert _final_bytes(tmp_path / f"p{k}", parts, monkeypatch) == reference
    table = pq.read_table(tmp_path / "ref" / "runs.parquet")
    assert table["run_id"].to_pylist() == ids
    assert pq.ParquetFile(tmp_path / "ref" / "runs.parquet").metadata.num_row_groups == 9
    assert table.schema.metadata[b"k"] == b"v"
