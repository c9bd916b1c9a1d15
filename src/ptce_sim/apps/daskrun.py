"""Sweeps on a Dask distributed cluster (``ptce-sim sweep --backend dask``).

Why native Dask futures rather than joblib's Dask backend: the sweep keeps a fixed
number of chunks of runs in flight (twice the cluster's threads), so memory on the
client and the scheduler stays flat however long the sweep; each future is keyed by its
first run id, so the dashboard names the runs; a worker lost mid-chunk has the chunk
rescheduled by Dask. Before any run, every worker must report the same ptce-sim version
and model code as this process: a cluster with another installation would silently mix
two models.

Imported only by the dask backend: ``dask[distributed]`` is an optional dependency
(``pip install "ptce-sim[dask]"``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from ptce_sim.apps import provenance
from ptce_sim.base.errors import ConfigError

CONNECT_TIMEOUT = "30s"
WORKERS_TIMEOUT = 120.0


def dask_results(
    tasks: Iterator[Any],
    execute: Callable[[Any], Any],
    jobs: int,
    scheduler: str | None,
) -> Iterator[Any]:
    """Results of ``execute(chunk)`` for every chunk of runs, in completion order."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError(
            "the Dask backend needs dask.distributed: pip install 'ptce-sim[dask]'",
            "--backend",
            value="dask",
        ) from None
    cluster = None
    if scheduler is None:
        workers = (os.cpu_count() or 1) if jobs == -1 else jobs
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler: {exc}", "--scheduler", value=scheduler
            ) from None
    try:
        _check_workers(client, scheduler)
        window = 2 * max(1, sum(client.nthreads().values()))
        pending = as_completed()
        for _ in range(window):
            task = next(tasks, None)
            if task is None:
                break
            pending.add(client.submit(execute, task, key=_key(task), pure=False))
        for future in pending:
            result = future.result()
            future.release()
            task = next(tasks, None)
            if task is not None:
                pending.add(client.submit(execute, task, key=_key(task), pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _key(chunk: Any) -> str:
    """A chunk's Dask key names its first run id and its size, for the dashboard."""
    return f"ptce-runs-{chunk[0].run_id}+{len(chunk) - 1}"


def _check_workers(client: Any, scheduler: str | None) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        raise ConfigError(
            f"no Dask worker joined the scheduler within {WORKERS_TIMEOUT:.0f} s",
            "--scheduler",
            value=scheduler,
        ) from None
    mine = provenance.identity()
    for address, theirs in client.run(provenance.identity).items():
        if theirs != mine:
            raise ConfigError(
                f"Dask worker {address} runs ptce-sim {theirs['ptce_sim']} with model code "
                f"{theirs['model_code'][:12]}, this process {mine['ptce_sim']} with "
                f"{mine['model_code'][:12]}: install the same ptce-sim on every worker",
                "--scheduler",
                value=scheduler,
            )
