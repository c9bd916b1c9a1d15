"""Per-run summaries: the handful of numbers a researcher compares across runs.

Each summary is a named entry of :data:`SUMMARY_DOCS` (name -> meaning, with units), so
the CLI table, ``summary.json`` and the docs share one vocabulary.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ptce_sim.base.domain import COMMERCIAL_CONTENT, STRATEGIC_CONTENT, OrgKind, ProjectKind
from ptce_sim.rules.funding import PUBLIC_SOURCES
from ptce_sim.rules.poles import CAUSES, Status
from ptce_sim.world.survival import survival_at

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

KIND_NAMES = [k.name.lower() for k in ProjectKind]
KINDS = [k.name for k in OrgKind]
#: The field's range of pole sizes ("a pole takes 10 to 25 members", docs/field.md), inclusive.
FIELD_SIZE = (10, 25)

SUMMARY_DOCS: dict[str, str] = {
    "months": "months simulated",
    "organisations": "organisations on the territory",
    "persons": "boundary spanners at the start",
    "persons_per_org": "boundary spanners (posts) per organisation",
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
    "poles_alive_mean": "living poles (informal, formal or vegetating), mean over the months",
    "share_orgs_in_poles": "share of the organisations in a living pole, mean over the months",
    "member_trust_mean": "members' mean trust in formal poles, mean over the months with one",
    "cell_fte_per_pole": "mean animation-cell FTE per formal pole-month (volunteer-run months: 0)",
    "poles_formed": "poles that emerged (informal) over the run",
    "poles_formalised": "poles that formalised (legal body and animation cell)",
    "poles_alive_end": "poles alive at the end (informal, formal or vegetating)",
    "poles_formed_per_decade": "poles that emerged in the observed months, per 10 years",
    "months_before_formalising": "median months a formalised pole had lived informally",
    "formal_poles_alive_end": "formal poles still animated at the end",
    "mean_formal_size": "mean members of formal poles (over their formal months)",
    **{
        f"member_share_{k.lower()}": f"share of formal-pole member-months that are {k}"
        for k in KINDS
    },
    "member_share_coop_firm": "share of formal-pole member-months that are COOP or FIRM",
    "coops_per_member_year": "projects started inside formal poles per member per year",
    "pole_commercial_share": "share of projects started in formal poles with commercial content",
    "pole_strategic_share": "share of projects started in formal poles with strategic content",
    "formal_size_in_range": "share of formal pole-months with 10 to 25 members (the field range)",
    "pole_revenue_share": "share of market members' revenue from pole projects",
    "fte_share_in_pole": "share of formal-pole members' FTE spent on pole activities",
    "survival_3y": "share of formal poles alive 3 years after formalisation (of those observed)",
    "survival_5y": "share of formal poles alive 5 years after formalisation (of those observed)",
    "survival_10y": "share of formal poles alive 10 years after formalisation (of those observed)",
    "public_eur": "public k€ paid to animation cells (LA subsidy, calls, structural, matching)",
    "eur_per_surviving_pole_year": "public k€ per year of formal-pole life",
    "deaths_funding": "poles dead for lack of funding",
    "deaths_trust_collapse": "poles dead of trust collapse",
    "deaths_leader_loss": "poles dead after losing their leader",
    "deaths_membership_erosion": "poles dead of membership erosion",
}


def _values(series: Mapping[str, ArrayLike], name: str) -> NDArray[np.float64]:
    return np.asarray(series[name], dtype=np.float64)


def _sum(a: NDArray[np.float64]) -> float:
    """Sum skipping NaN: pandas' ``Series.sum()`` (NaN read as 0, numpy's summation)."""
    mask = np.isnan(a)
    return float(np.where(mask, 0.0, a).sum() if mask.any() else a.sum())


def _mean(a: NDArray[np.float64]) -> float:
    """Mean skipping NaN, NaN if none: pandas' ``Series.mean()`` (sum / count)."""
    count = int(len(a) - np.isnan(a).sum())
    return _sum(a) / count if count else float("nan")


def _tail_mean(a: NDArray[np.float64], months: int = 12) -> float:
    return _mean(a[-months:])


def _content_share(by_kind: np.ndarray, kinds: frozenset[ProjectKind]) -> float:
    """Share of projects (counted by kind) whose kind is in ``kinds``."""
    total = int(by_kind.sum())
    return float(sum(by_kind[k] for k in kinds) / total) if total else float("nan")


def _per_formal_pole(series: Mapping[str, ArrayLike], column: str) -> float:
    """Sum of a monthly pole total over the run, per formal pole-month."""
    pole_months = _sum(_values(series, "poles_formal"))
    return _sum(_values(series, column)) / pole_months if pole_months else float("nan")


def summarise(model: TerritoryModel, series: Mapping[str, ArrayLike]) -> dict[str, Any]:
    """Compute the run summaries from the final model and its monthly metrics: one array
    per metric (``MetricRecorder.columns()``; a DataFrame of them does too)."""
    col = functools.partial(_values, series)
    months = len(col("started"))
    years = months / 12.0
    n = model.orgs.n
    pt = model.projects
    members = pt.members[: pt.size]
    is_member = members >= 0
    partners = members[:, 1:]
    ok = partners >= 0
    initiators = np.broadcast_to(members[:, :1], partners.shape)
    homophily = model.homophily[initiators[ok], partners[ok]]
    completed = _sum(col("completed"))
    started = _sum(col("started"))
    out: dict[str, Any] = {
        "months": months,
        "organisations": n,
        "persons": int(model.slot_exists.sum()),
        "persons_per_org": float(model.slot_exists.sum() / n),
        "cooperations_started": int(started),
        **{f"started_{k}": int(_sum(col(f"started_{k}"))) for k in KIND_NAMES},
        "cooperations_completed": int(completed),
        "success_rate": _sum(col("succeeded")) / completed if completed else float("nan"),
        "coops_per_org_year": started / n / years if years else float("nan"),
        "mean_participants": float(is_member.sum(axis=1).mean()) if pt.size else float("nan"),
        "partner_homophily": float(homophily.mean()) if len(homophily) else float("nan"),
        "mean_person_trust_end": _tail_mean(col("mean_person_trust")),
        "mean_org_trust_end": _tail_mean(col("mean_org_trust")),
        "persons_departed": int(_sum(col("persons_departed"))),
        "ties_lost": int(_sum(col("ties_lost"))),
        "fte_share_cooperating": _mean(col("fte_share_cooperating")),
        "coop_revenue_share": _mean(col("coop_revenue_share")[12:])
        if months > 12
        else float("nan"),
        "policy_changes": len(model.policy_log),
        "poles_alive_mean": _mean(
            col("poles_informal") + col("poles_formal") + col("poles_vegetating")
        ),
        "share_orgs_in_poles": _mean(col("pole_members")) / n,
        "member_trust_mean": _mean(col("member_trust")),
        "cell_fte_per_pole": _per_formal_pole(series, "cell_fte"),
        **pole_summary(model, months),
    }
    missing = set(SUMMARY_DOCS) ^ set(out)
    if missing:  # a programming error, caught by the tests
        raise RuntimeError(f"summary names and docs disagree: {sorted(missing)}")
    return {name: out[name] for name in SUMMARY_DOCS}  # the documented order, for readers


def pole_summary(model: TerritoryModel, months: int) -> dict[str, Any]:
    """Summaries of the poles of one run (see SUMMARY_DOCS)."""
    reg = model.poles
    poles = reg.poles
    formal = [p for p in poles if p.formalised is not None]
    end = months - 1
    dur = np.array([(p.died if p.died is not None else end) - p.formalised for p in formal], float)
    died = np.array([p.died is not None for p in formal], dtype=bool)
    by_kind = reg.member_months_by_kind
    member_months = int(by_kind.sum())
    wage = model.params.economy.wage  # the model counts money in wages; outputs in k€
    public = sum(p.ledger[k] for p in poles for k in PUBLIC_SOURCES) * wage
    pole_years = reg.formal_pole_months / 12.0
    nan = float("nan")
    observed = [p for p in poles if p.formed >= 0]
    ages = [p.formalised - p.formed for p in formal]
    out: dict[str, Any] = {
        "poles_formed": len(poles),
        "poles_formed_per_decade": len(observed) / (months / 120.0) if months else nan,
        "months_before_formalising": float(np.median(ages)) if ages else nan,
        "poles_formalised": len(formal),
        "poles_alive_end": sum(p.alive for p in poles),
        "formal_poles_alive_end": sum(p.status == Status.FORMAL for p in poles),
        "mean_formal_size": member_months / reg.formal_pole_months
        if reg.formal_pole_months
        else nan,
        **{
            f"member_share_{k.lower()}": by_kind[i] / member_months if member_months else nan
            for i, k in enumerate(KINDS)
        },
        "member_share_coop_firm": (by_kind[OrgKind.COOP] + by_kind[OrgKind.FIRM]) / member_months
        if member_months
        else nan,
        "coops_per_member_year": reg.formal_pole_projects / (member_months / 12.0)
        if member_months
        else nan,
        "pole_commercial_share": _content_share(reg.formal_pole_kinds, COMMERCIAL_CONTENT),
        "pole_strategic_share": _content_share(reg.formal_pole_kinds, STRATEGIC_CONTENT),
        "formal_size_in_range": reg.formal_size_months[FIELD_SIZE[0] : FIELD_SIZE[1] + 1].sum()
        / reg.formal_pole_months
        if reg.formal_pole_months
        else nan,
        "pole_revenue_share": reg.market_pole_gain
        / (reg.market_member_revenue + reg.market_pole_gain)
        if reg.market_member_revenue > 0
        else nan,
        "fte_share_in_pole": reg.pole_time_share_sum / reg.formal_pole_months_observed
        if reg.formal_pole_months_observed
        else nan,
        "survival_3y": survival_at(dur, died, 36),
        "survival_5y": survival_at(dur, died, 60),
        "survival_10y": survival_at(dur, died, 120),
        "public_eur": float(public),
        "eur_per_surviving_pole_year": public / pole_years if pole_years else nan,
        **{f"deaths_{c}": sum(p.cause == c for p in poles) for c in CAUSES},
    }
    return out
