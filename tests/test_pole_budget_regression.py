"""Regression: a formal pole whose members were all excluded (unpaid dues) and whose cell
has no staff left looked for a volunteer among zero members and crashed (IndexError on
an empty float index array). Found by the Sobol' pilot of experiments/sobol_survival.toml."""

from __future__ import annotations

from ptce_sim.world.run import run_one
from ptce_sim.world.scenario import Scenario

POINT = {
    "cooperation.opportunity_cost": 9.591888193972409,
    "cooperation.threshold": 0.46019964925944806,
    "territory.leader_share": 0.0850856703799218,
    "turnover.handover": 0.7553408473730088,
    "turnover.handover_animation": 0.7292147539556026,
    "funding.dues_exclusion": True,
    "funding.dues_flat": 2.520327058620751,
    "cooperation.search_rate": 0.19049275746569036,
    "poles.formalisation_rate": 0.04267990597523749,
    "poles.succession_support": 0.07178759425878525,
    "trust.decay": 0.02499678912572563,
    "trust.loss": 0.28526051244698464,
    "trust.gain": 0.13678551465272903,
    "turnover.rate": 0.021053906856104733,
    "funding.la_subsidy": 16.29350744187832,
}


def test_a_formal_pole_without_members_does_not_look_for_a_volunteer() -> None:
    result = run_one(Scenario().with_overrides(POINT), seed=5939447530438449503)
    assert result.summary["poles_formed"] >= 1
