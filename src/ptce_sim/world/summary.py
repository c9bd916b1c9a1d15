"""Per-run summaries: the handful of numbers a researcher compares across runs.

Each summary is a named entry of :data:`SUMMARY_DOCS` (name -> meaning, with units), so
the CLI table, ``summary.json`` and the docs share one vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ptce_sim.base.domain import ProjectKind

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

KIND_NAMES = [k.name.lower() for k in ProjectKind]

SUMMARY_DOCS: dict[str, str] = {
    "months": "months simulated",
    "organisations": "organisations on the territory",
    "persons": "boundary spanners at the start",
    "cooperations_started": "cooperation projects started over the run",
    **{f"started_{k}": f"{k} projects started over the run" for k in KIND_NAMES},
    "cooperations_completed": "cooperation projects completed over the run",
    "success_rate": "share of completed projects that succeeded",
    "coops_per_org_year": "projects started per organisation per year (run average)",
    "mean_participants": "mean participants per project",
    "partner_homophily": "mean value homophily H between initiators and their partners",
    "mean_person_trust_end": "mean person trust among cooperating organisations, last 12 months",
    "mean_org_trust_end": "mean organisation trust among cooperating organisations, last 12 months",
    "persons_departed": "boundary spanners who left over the run",
    "ties_lost": "person-to-person ties lost to exits over the run",
    "fte_share_cooperating": "share of FTE spent on cooperation projects (run average)",
    "coop_revenue_share": "share of market organisations' revenue from projects (from year 2)",
    "policy_changes": "scheduled parameter changes applied",
}


def _tail_mean(series: pd.Series, months: int = 12) -> float:
    tail = series.iloc[-months:].dropna()
    return float(tail.mean()) if len(tail) else float("nan")


def summarise(model: TerritoryModel, frame: pd.DataFrame) -> dict[str, Any]:
    """Compute the run summaries from the final model and its monthly frame."""
    months = len(frame)
    years = months / 12.0
    n = model.orgs.n
    pt = model.projects
    members = pt.members[: pt.size]
    is_member = members >= 0
    partners = members[:, 1:]
    ok = partners >= 0
    initiators = np.broadcast_to(members[:, :1], partners.shape)
    homophily = model.homophily[initiators[ok], partners[ok]]
    completed = float(frame["completed"].sum())
    started = float(frame["started"].sum())
    out: dict[str, Any] = {
        "months": months,
        "organisations": n,
        "persons": int(model.slot_exists.sum()),
        "cooperations_started": int(started),
        **{f"started_{k}": int(frame[f"started_{k}"].sum()) for k in KIND_NAMES},
        "cooperations_completed": int(completed),
        "success_rate": float(frame["succeeded"].sum() / completed) if completed else float("nan"),
        "coops_per_org_year": started / n / years if years else float("nan"),
        "mean_participants": float(is_member.sum(axis=1).mean()) if pt.size else float("nan"),
        "partner_homophily": float(homophily.mean()) if len(homophily) else float("nan"),
        "mean_person_trust_end": _tail_mean(frame["mean_person_trust"]),
        "mean_org_trust_end": _tail_mean(frame["mean_org_trust"]),
        "persons_departed": int(frame["persons_departed"].sum()),
        "ties_lost": int(frame["ties_lost"].sum()),
        "fte_share_cooperating": float(frame["fte_share_cooperating"].mean()),
        "coop_revenue_share": float(frame["coop_revenue_share"].iloc[12:].mean())
        if months > 12
        else float("nan"),
        "policy_changes": len(model.policy_log),
    }
    missing = set(SUMMARY_DOCS) ^ set(out)
    if missing:  # a programming error, caught by the tests
        raise RuntimeError(f"summary names and docs disagree: {sorted(missing)}")
    return out
