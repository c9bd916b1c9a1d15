"""The summaries read the recorder's arrays with numpy, not a DataFrame: the reductions
must give pandas' numbers bit for bit (NaN skipped, NaN when nothing is left), so that
the summaries did not change when the DataFrame went (world/summary.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ptce_sim.world import summary
from ptce_sim.world.run import run_one, run_records
from ptce_sim.world.scenario import Scenario

values = st.lists(
    st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan"))), max_size=300
)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@given(values)
def test_sum_is_pandas_sum(xs: list[float]) -> None:
    a = np.array(xs, dtype=np.float64)
    assert same(summary._sum(a), float(pd.Series(a, dtype=np.float64).sum()))


@given(values)
def test_mean_is_pandas_mean(xs: list[float]) -> None:
    a = np.array(xs, dtype=np.float64)
    assert same(summary._mean(a), float(pd.Series(a, dtype=np.float64).mean()))


def test_all_nan_and_empty_give_nan_means_and_zero_sums() -> None:
    assert math.isnan(summary._mean(np.full(5, np.nan)))
    assert math.isnan(summary._mean(np.empty(0)))
    assert summary._sum(np.full(5, np.nan)) == 0.0
    assert summary._tail_mean(np.array([1.0, np.nan, 3.0, 5.0]), months=3) == 4.0


def test_summaries_from_the_arrays_equal_those_from_the_frame() -> None:
    """The same run summarised from its recorder's arrays and from the DataFrame of
    them: identical (the frame path goes through pandas' Series)."""
    spec = Scenario().with_overrides({"run.steps": 60, "territory.n_orgs": 40})
    records = run_records(spec, seed=3)
    frame = run_one(spec, seed=3).timeseries
    from_frame = {k: float(frame[k].sum()) for k in ("started", "completed", "ties_lost")}
    assert records.summary["cooperations_started"] == int(from_frame["started"])
    assert records.summary["cooperations_completed"] == int(from_frame["completed"])
    assert records.summary["ties_lost"] == int(from_frame["ties_lost"])
    assert same(
        records.summary["mean_person_trust_end"],
        float(frame["mean_person_trust"].iloc[-12:].dropna().mean()),
    )
    assert same(
        records.summary["fte_share_cooperating"], float(frame["fte_share_cooperating"].mean())
    )
    assert same(
        records.summary["coop_revenue_share"], float(frame["coop_revenue_share"].iloc[12:].mean())
    )
