"""A real Dask distributed cluster (LocalCluster on 127.0.0.1) gives the same tables as
loky and as a serial sweep, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_sim.apps import daskrun, experiment, sweep

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("dask.distributed")


def tables(folder: Path) -> bytes:
    return b"".join((folder / n).read_bytes() for n in ("runs.parquet", "poles.parquet"))


def test_dask_cluster_loky_and_serial_agree(tiny_experiment: Path, tmp_path: Path) -> None:
    exp = experiment.load(tiny_experiment)
    sweep.run_sweep(exp, tmp_path / "serial", sweep.Options(jobs=1))
    sweep.run_sweep(exp, tmp_path / "loky", sweep.Options(jobs=2, flush_runs=4))
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        options = sweep.Options(backend="dask", scheduler=cluster.scheduler_address, flush_runs=3)
        sweep.run_sweep(exp, tmp_path / "dask", options)
    reference = tables(tmp_path / "serial")
    assert tables(tmp_path / "loky") == reference
    assert tables(tmp_path / "dask") == reference


def test_dask_without_an_address_starts_a_local_cluster(
    tiny_experiment: Path, tmp_path: Path
) -> None:
    exp = experiment.load(tiny_experiment)
    sweep.run_sweep(exp, tmp_path / "serial", sweep.Options(jobs=1))
    sweep.run_sweep(exp, tmp_path / "dask", sweep.Options(backend="dask", jobs=2))
    assert tables(tmp_path / "dask") == tables(tmp_path / "serial")


def test_an_unreachable_scheduler_is_one_clear_error(
    tiny_experiment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptce_sim.base.errors import ConfigError

    exp = experiment.load(tiny_experiment)
    monkeypatch.setattr(daskrun, "CONNECT_TIMEOUT", "3s")
    options = sweep.Options(backend="dask", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        sweep.run_sweep(exp, tmp_path / "o", options)
