"""Shared fixtures and settings for the test suite.

- ``hypothesis`` runs a moderate number of examples, without deadline (a cold numpy call
  can take a few ms) and without an on-disk example database (tests never write into the
  repository).
- ``write_toml`` writes scenario files into ``tmp_path`` (never into the repository).
- ``starved_funding``: the overrides of a territory whose formal poles get no money.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ptce",
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ptce")


@pytest.fixture(autouse=True)
def _no_user_scenario_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's ``PTCE_SIM_SCENARIOS`` must not leak into the tests."""
    monkeypatch.delenv("PTCE_SIM_SCENARIOS", raising=False)


WriteToml = Callable[..., Path]


@pytest.fixture
def write_toml(tmp_path: Path) -> WriteToml:
    """Write ``text`` (dedented) to ``tmp_path / name`` and return the path."""

    def write(name: str, text: str, folder: Path | None = None) -> Path:
        path = (folder or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


#: A sweep small enough for tests: 2 x 2 design points x 3 replicates of a 12-month,
#: 30-organisation territory (about 10 ms a run), with scenario and bundle factors.
TINY_EXPERIMENT = """
description = "tiny test sweep"
design = "grid"
replicates = 3
seed = 7

[set]
"run.steps" = 12
"territory.n_orgs" = 30

[levels]
scenario = ["baseline", "structural"]

[levels.handover]
off = {}
on = { "turnover.handover" = 0.6, "poles.succession_support" = 0.05 }
"""


@pytest.fixture
def tiny_experiment(write_toml: WriteToml) -> Path:
    """Path of :data:`TINY_EXPERIMENT` written into ``tmp_path``."""
    return write_toml("tiny.toml", TINY_EXPERIMENT)


@pytest.fixture(scope="session")
def starved_funding() -> dict[str, float]:
    """Formal poles with no money at all (no dues, no subsidy, no revenue share, no
    pledge, no volunteer): the shipped policies alone give too few deaths of funding to
    test the rules about them, so those tests add runs with these overrides."""
    return {
        "funding.la_subsidy": 0.0,
        "funding.dues_flat": 0.0,
        "funding.revenue_share": 0.0,
        "poles.volunteer_animation": 0.0,
        "poles.pledge_share": 0.0,
    }
