"""Behaviour the field describes, checked as mechanisms, not only as aggregates.

Each test runs fixed seeds under two settings, paired (same territory, same warm start),
and requires the effect in the expected direction to exceed three standard errors: the
mechanism must be there, and strong enough to see. Marked ``slow``: they run in CI;
``pytest -m "not slow"`` skips them.

- persons carry trust: a pole whose leader leaves loses member trust and joint projects
  within months, less when the organisation hands the relations over;
- staff turnover lowers member trust and the survival of formal poles;
- poles die for the reasons they are recorded with: no death of "funding" while the
  cell could pay for its least staff, no "trust collapse" unless trust fell;
- money is conserved, the revenue share included;
- a call for projects at month 0 meets networks that can answer it, and the historical
  calendar shows formalisations answering the 2013–15 calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from ptce_sim.rules.funding import CellParams
from ptce_sim.world import scenario as scenarios
from ptce_sim.world.kernels.state import F_TRUST, STARTED
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.run import run_one
from ptce_sim.world.survival import kaplan_meier

pytestmark = pytest.mark.slow


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / np.sqrt(len(x)))


def _member_trust_change(calm: list[Any], churn: list[Any]) -> np.ndarray:
    """Paired change of formal poles' mean member trust, churn minus calm, over the
    pairs where both runs had formal poles (undefined otherwise)."""
    trust = np.array(
        [
            b.summary["member_trust_mean"] - a.summary["member_trust_mean"]
            for a, b in zip(calm, churn, strict=True)
        ]
    )
    return trust[np.isfinite(trust)]


def _departure_effect(seed: int, params: Mapping[str, Any], months: int) -> tuple[float, float]:
    """Paired effect of the leader leaving on a pole's member trust and joint projects
    ``months`` later: the first pole with a leader and at least 8 members from month 24
    on; the same run without the departure is the reference."""
    out = []
    for leaves in (False, True):
        model = TerritoryModel(seed=seed, **params)
        pole = None
        for t in range(240):
            model.step()
            cards = [c for c in model.pole_views() if c.leader and len(c.members) >= 8]
            if t >= 24 and cards:
                pole = cards[0].pole_id
                break
        if pole is None:
            return float("nan"), float("nan")
        table = model.poles.state
        trust0, started0 = table.floats[pole, F_TRUST], table.ints[pole, STARTED]
        if leaves:
            model.intervene("leader_leaves", pole=pole)
        for _ in range(months):
            model.step()
        out.append((table.floats[pole, F_TRUST] - trust0, table.ints[pole, STARTED] - started0))
    (t0, p0), (t1, p1) = out
    return t1 - t0, float(p1 - p0)


def _departure_effects(params: Mapping[str, Any], months: int, seeds: range) -> np.ndarray:
    rows = [_departure_effect(s, params, months) for s in seeds]
    arr = np.array([r for r in rows if np.isfinite(r[0])])
    assert len(arr) >= 0.8 * len(seeds), "too few runs with a pole to test"
    return arr


def test_a_leaders_departure_lowers_member_trust_and_joint_projects() -> None:
    """60 paired seeds: the effect on a pole's mean trust three months on is a few
    thousandths (about -0.004 under the calibrated baseline), 30 seeds gave 2.9 SE."""
    effects = _departure_effects({}, months=3, seeds=range(1, 61))
    trust, projects = effects[:, 0], effects[:, 1]
    assert trust.mean() < -3 * _se(trust), (trust.mean(), _se(trust))
    assert projects.mean() < -3 * _se(projects), (projects.mean(), _se(projects))


@pytest.mark.xfail(
    strict=True,
    reason="issue 14, open: under the calibrated baseline the handover's effect a year on "
    "is +0.004 +- 0.004 trust on 100 paired seeds (z = 1.0; 30 seeds had shown 1.8 SE): a "
    "handover passes organisation trust to the successor's trust values, but pole trust "
    "counts tied pairs and a successor has no tie until it cooperates",
)
def test_handing_relations_over_softens_a_leaders_departure() -> None:
    """A year on, the leader's successor in its post has arrived: with a full handover
    (the organisation passes on what it knows of its partners) the pole has lost less
    trust than with none."""
    seeds = range(1, 31)
    none = _departure_effects({"turnover_handover": 0.0, "turnover_handover_animation": 0.0},
                              12, seeds)  # fmt: skip
    full = _departure_effects({"turnover_handover": 1.0, "turnover_handover_animation": 0.0},
                              12, seeds)  # fmt: skip
    diff = full[:, 0] - none[:, 0]
    assert diff.mean() > 3 * _se(diff), (diff.mean(), _se(diff))


@pytest.mark.xfail(
    strict=True,
    reason="issue 14, open: at 6 %/month almost no pole formalises under the calibrated "
    "baseline, so neither member trust nor survival after formalisation can be compared "
    "(member trust of formal poles is undefined in most of the 30 churn runs)",
)
def test_turnover_lowers_member_trust_and_the_survival_of_formal_poles() -> None:
    base = scenarios.load("baseline")
    seeds = range(201, 231)
    calm = [run_one(base.with_overrides({"turnover.rate": 0.0}), seed=s) for s in seeds]
    churn = [run_one(base.with_overrides({"turnover.rate": 0.06}), seed=s) for s in seeds]
    trust = _member_trust_change(calm, churn)
    assert trust.mean() < -3 * _se(trust), (trust.mean(), _se(trust))

    def survival(results: list[Any]) -> tuple[float, float]:
        import pandas as pd

        poles = pd.concat([r.poles for r in results])
        formal = poles[poles["formalised"].notna()]
        months = results[0].summary["months"]
        durations = (formal["died"].fillna(months - 1) - formal["formalised"]).to_numpy(float)
        died = formal["died"].notna().to_numpy()
        km = kaplan_meier(durations, died)
        s, lo, hi = km.at(60)
        return s, (hi - lo) / (2 * 1.96)

    s_calm, se_calm = survival(calm)
    s_churn, se_churn = survival(churn)
    gap = s_calm - s_churn
    assert gap > 3 * np.hypot(se_calm, se_churn), (s_calm, s_churn, se_calm, se_churn)


def test_turnover_within_its_screened_range_shortens_formal_poles_lives() -> None:
    """Turnover 0.5 -> 3 %/month (inside the screening's range, where poles still
    formalise), 30 paired seeds: member trust of formal poles falls and formal poles die
    faster (deaths per formal pole-month, Poisson rates), each beyond 3 SE."""
    base = scenarios.load("baseline")
    seeds = range(301, 331)
    calm = [run_one(base.with_overrides({"turnover.rate": 0.005}), seed=s) for s in seeds]
    churn = [run_one(base.with_overrides({"turnover.rate": 0.03}), seed=s) for s in seeds]
    trust = _member_trust_change(calm, churn)
    assert len(trust) >= 15, "too few paired runs with formal poles"
    assert trust.mean() < -3 * _se(trust), (trust.mean(), _se(trust))

    def death_rate(results: list[Any]) -> tuple[float, float]:
        deaths = exposure = 0.0
        for r in results:
            formal = r.poles[r.poles["formalised"].notna()]
            end = formal["died"].fillna(r.summary["months"] - 1)
            exposure += float((end - formal["formalised"]).clip(lower=0).sum())
            deaths += float(formal["died"].notna().sum())
        return deaths / exposure, np.sqrt(max(deaths, 1.0)) / exposure

    (r_calm, se_calm), (r_churn, se_churn) = death_rate(calm), death_rate(churn)
    assert r_churn - r_calm > 3 * np.hypot(se_calm, se_churn), (r_calm, r_churn)


SHIPPED_POLICIES = ("baseline", "no_support", "dues_only", "local_subsidy", "calls_only",
                    "structural", "matching_funds", "high_turnover")  # fmt: skip


@pytest.fixture(scope="module")
def policy_runs(starved_funding: dict[str, float]) -> list[Any]:
    """The shipped policies, and territories whose formal poles get no money (the shipped
    policies alone give too few deaths of funding to test the rule)."""
    runs = [run_one(scenarios.load(name), seed=s) for name in SHIPPED_POLICIES for s in range(1, 7)]
    starved = scenarios.load("baseline").with_overrides(starved_funding)
    return runs + [run_one(starved, seed=s) for s in range(1, 9)]


def test_no_pole_dies_of_funding_while_its_cash_pays_for_its_least_staff(policy_runs) -> None:
    """The least a cell hires is one step of staff for ``reserve_high`` months: a pole
    whose cash covers that is re-animated, not buried for lack of money (unless it ran
    into the debt limit, which cash in hand rules out)."""
    funding_deaths = 0
    for result in policy_runs:
        params = result.meta["parameters"]
        cell, wage = CellParams(**params["cell"]), params["economy"]["wage"]
        least = cell.reserve_high * cell.fte_step * cell.cost_per_fte * wage  # k€
        dead = result.poles[result.poles["cause"] == "funding"]
        funding_deaths += len(dead)
        assert (dead["final_cash"] <= least + 1e-9).all(), dead[["pole_id", "final_cash"]]
    assert funding_deaths > 0, "no death of funding to check"


def test_trust_collapse_only_after_trust_fell(policy_runs) -> None:
    checked = 0
    for result in policy_runs:
        threshold = result.meta["parameters"]["poles"]["trust_threshold"]
        dead = result.poles[result.poles["cause"] == "trust_collapse"]
        assert (dead["peak_trust"] >= threshold).all()
        assert (dead["final_trust"] < threshold).all()
        checked += len(dead)
    assert checked > 0, "no death of trust collapse to check"


def test_money_is_conserved_with_the_revenue_share() -> None:
    """Every cell's cash is its income by source minus its cost, month by month and to
    the cent; the revenue share the cells received is what members paid out of their
    gains."""
    spec = scenarios.load("baseline").with_overrides({"funding.revenue_share": 0.1})
    shares = 0.0
    for seed in range(1, 5):
        model = TerritoryModel(spec, seed=seed)
        for _ in range(spec.params.run.steps):
            model.step()
        for _pole, _month, before, *rest in model.poles.ledger_rows:
            *income, cost, after = rest
            assert after - before == pytest.approx(sum(income) - cost, abs=1e-9)
        received = sum(p.ledger["revenue_share"] for p in model.poles.poles)
        assert received == pytest.approx(model.poles.share_paid, rel=1e-12, abs=1e-12)
        for pole in model.poles.poles:
            assert pole.cash == pytest.approx(sum(pole.ledger.values()) - pole.cost_total, abs=1e-9)
        shares += received
    assert shares > 0


@pytest.mark.xfail(
    strict=True,
    reason="issue 14, open: under the calibrated baseline the warm start leaves few groups "
    "ready to formalise: 2 formalisations in months 0-6 over 20 calls_only runs",
)
def test_a_call_at_month_0_meets_networks_that_answer_it() -> None:
    """The warm start leaves groups that have cooperated for years: a call that opens
    at month 0 and closes six months later already makes poles formalise."""
    spec = scenarios.load("calls_only")
    early = [
        int(((r.poles["formalised"] >= 0) & (r.poles["formalised"] <= 6)).sum())
        for r in (run_one(spec, seed=s) for s in range(1, 21))
    ]
    assert sum(early) >= 10, early
    assert sum(e > 0 for e in early) >= 8, early


def test_historical_formalisations_answer_the_2013_15_calls() -> None:
    """Poles formalise an older process when the calls come: more formalisations in
    2013–2016 (the calls and their aftermath) than in 2017–2020 (the gap)."""
    spec = scenarios.load("historical")
    during, gap = 0, 0
    for seed in range(1, 21):
        dates = run_one(spec, seed=seed).poles["formalised_date"].dropna()
        years = dates.str[:4].astype(int)
        during += int(years.between(2013, 2016).sum())
        gap += int(years.between(2017, 2020).sum())
    assert during > gap, (during, gap)
