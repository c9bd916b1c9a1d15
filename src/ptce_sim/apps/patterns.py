"""The field's patterns and how far a set of runs is from them (pattern-oriented modelling).

Each :class:`Pattern` names one figure of the field (``docs/field.md``), the per-run
summary that measures it in the model (``world/summary.py``), a tolerance band and *why*
that band: the figures come from one survey of 24 poles (2016, data for 2015), so a band
reflects what that survey can tell apart, not a wish for a tight fit. ``docs/calibration.md``
is the reader's version of this table.

A pattern passes when the mean over replicates lies inside its band; the 95% confidence
interval over replicates is reported beside it so that a reader sees whether a pass is
robust or lucky. The same bands define the calibration distance (:func:`distance`): the
mean of squared deviations in units of the half-band, so every pattern weighs the same
whatever its unit.

Survival and its dependence on funding and turnover are outputs of the model and are
deliberately absent here: calibrating on them would make the policy answers circular.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ptce_sim.world.survival import Z95


@dataclass(frozen=True)
class Pattern:
    """One field figure, the summary that measures it and the band it must fall in."""

    name: str
    label: str
    summary: str  # per-run summary column (world/summary.py)
    target: float
    lo: float
    hi: float
    fmt: str
    source: str  # where the figure comes from
    why: str  # why this band
    calibrate: bool = True  # False: a guard that holds by construction, not a fit target

    @property
    def half_band(self) -> float:
        return (self.hi - self.lo) / 2.0

    def passes(self, value: float) -> bool:
        return bool(np.isfinite(value) and self.lo <= value <= self.hi)


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "pole_size",
        "formal pole size (members)",
        "mean_formal_size",
        15.0,
        12.0,
        18.0,
        "{:.1f}",
        "about 15 member organisations per pole",
        "the brief gives 'about 15'; ±3 is the spread of means one would expect from a "
        "sample of 24 poles whose sizes range over 10–25 (sd ≈ 4, se of a mean ≈ 1, "
        "widened because the survey counted members differently across poles)",
    ),
    Pattern(
        "pole_size_range",
        "share of formal pole-months with 10–25 members",
        "formal_size_in_range",
        1.0,
        0.67,
        1.0,
        "{:.2f}",
        "a pole takes 10 to 25 members",
        "'10 to 25' describes the usual range, not a hard limit: at least two thirds of "
        "formal pole-months must fall inside it (a young pole may be smaller, a few larger)",
    ),
    Pattern(
        "share_associations",
        "members that are associations",
        "member_share_asso",
        0.57,
        0.47,
        0.67,
        "{:.2f}",
        "2016 survey: 57% associations among 187 member structures",
        "±0.10: the binomial 95% margin on 187 members is ±0.07, widened for the poles "
        "that did not answer",
    ),
    Pattern(
        "share_coop_firm",
        "members that are cooperatives or firms (SARL/SCIC)",
        "member_share_coop_firm",
        0.17,
        0.10,
        0.24,
        "{:.2f}",
        "2016 survey: 17% SARL or SCIC",
        "±0.07: binomial margin on 187 members (±0.05), widened because legal forms map "
        "onto the model's kinds only roughly (a SCIC is a cooperative, a SARL may be either)",
    ),
    Pattern(
        "coops_per_member",
        "cooperations per member per year",
        "coops_per_member_year",
        4.4,
        3.4,
        5.4,
        "{:.2f}",
        "819 cooperations among 187 members in 2015: 'more than 4 per member'",
        "±1: one year of counts across 24 poles; the survey's own wording ('more than 4') "
        "is no more precise than that",
    ),
    Pattern(
        "commercial_share",
        "pole cooperations with commercial content",
        "pole_commercial_share",
        0.86,
        0.76,
        0.96,
        "{:.2f}",
        "cooperations are commercial (86%) and/or strategic (85%)",
        "±0.10: a share of 819 cooperations is known to ±0.03, but how the survey classed "
        "a cooperation differs from the model's kind-to-content mapping (docs/calibration.md)",
    ),
    Pattern(
        "strategic_share",
        "pole cooperations with strategic content",
        "pole_strategic_share",
        0.85,
        0.75,
        0.95,
        "{:.2f}",
        "cooperations are commercial (86%) and/or strategic (85%)",
        "as for the commercial share",
    ),
    Pattern(
        "revenue_share",
        "market members' revenue from the pole",
        "pole_revenue_share",
        0.082,
        0.05,
        0.12,
        "{:.3f}",
        "members with market activity drew on average 8.2% of their revenue from the pole",
        "a self-reported average over a few dozen market members, skewed by a few highly "
        "dependent insertion enterprises: the band is about ±40% of the figure",
    ),
    Pattern(
        "persons_per_org",
        "persons involved per organisation",
        "persons_per_org",
        2.0,
        1.0,
        3.0,
        "{:.2f}",
        "one to three persons per member organisation are really involved",
        "the range of the brief; by construction an organisation has 1–3 boundary "
        "spanners (vacancies aside), so this is a guard, not a fit",
        calibrate=False,
    ),
    Pattern(
        "cell_fte",
        "animation cell staff of a formal pole (FTE)",
        "cell_fte_per_pole",
        1.5,
        1.0,
        2.0,
        "{:.2f}",
        "the animation cell is typically 1 to 2 FTE",
        "the range of the brief, applied to the mean over formal pole-months",
    ),
    Pattern(
        "older_process",
        "months a pole lived informally before formalising (median)",
        "months_before_formalising",
        36.0,
        12.0,
        96.0,
        "{:.0f}",
        "poles usually formalise an older process: a first joint project builds trust in "
        "a network, other milieus agglomerate over time (docs/field.md)",
        "the field gives no figure, only that formalisation comes after years of "
        "cooperation (Seignanx: 15 years) and that a few poles formed for a call: at least "
        "a year, at most eight within a twenty-year run",
    ),
    Pattern(
        "participation",
        "organisations in a living pole (share, mean over the months)",
        "share_orgs_in_poles",
        0.3,
        0.12,
        0.5,
        "{:.2f}",
        "not every organisation joins: partners join at their own pace, the border of a "
        "pole is fuzzy (docs/field.md); an assumption, not a survey figure",
        "one or two poles of 10–25 members on a territory of 80 organisations that could "
        "cooperate hold 12 % to 50 % of them",
    ),
    Pattern(
        "poles_per_territory",
        "living poles per territory (mean over the months)",
        "poles_alive_mean",
        1.5,
        0.5,
        3.0,
        "{:.1f}",
        "about 160 PTCE in France, each on a territory its actors define (docs/field.md); "
        "an assumption about one territory",
        "a territory with an active social economy holds one pole, sometimes two or three "
        "while groups form and dissolve; never a swarm of small ones",
    ),
)

PATTERN_NAMES = tuple(p.name for p in PATTERNS)
#: Deviation (in half-bands) charged for a replicate where a pattern is undefined.
UNDEFINED = 3.0


def mean_ci(values: Sequence[float] | np.ndarray | pd.Series) -> tuple[float, float, float, int]:
    """Mean, 95% confidence interval over replicates (normal approximation) and count.

    Replicates where a pattern is undefined (no formal pole, say) are left out and counted.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(v.mean())
    if len(v) == 1:
        return m, float("nan"), float("nan"), 1
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(len(v))
    return m, m - half, m + half, len(v)


def margin_se(mean: float, ci_lo: float, ci_hi: float, p: Pattern) -> float:
    """How far the mean lies inside its band, in standard errors (negative: outside).

    Why: a pass by a hair is a coin toss on the next seeds. The distance to the nearest
    band edge over the standard error says how likely the pass is to hold: if the true
    mean were the observed one, a fresh set of the same size would pass with probability
    Phi(margin) (98% at 2); counting the observed mean's own error, Phi(margin / sqrt 2)
    (92% at 2, 76% at 1). An edge the pattern cannot cross (a share's 1.0, say) still
    counts: the mean never sits exactly on it.
    """
    if not np.isfinite(mean):
        return float("nan")
    edge = min(mean - p.lo, p.hi - mean)
    se = (ci_hi - ci_lo) / (2 * Z95) if np.isfinite(ci_lo) and np.isfinite(ci_hi) else 0.0
    if se <= 0:
        return float("inf") if edge >= 0 else float("-inf")
    return float(edge / se)


def evaluate(runs: pd.DataFrame, patterns: Sequence[Pattern] = PATTERNS) -> pd.DataFrame:
    """One row per pattern: simulated mean, CI, replicates used, band and PASS/FAIL.

    ``runs`` holds one row per run with the summary columns of ``world/summary.py``.
    """
    rows = []
    for p in patterns:
        if p.summary not in runs.columns:
            raise KeyError(f"runs have no summary column {p.summary!r} for pattern {p.name!r}")
        m, lo, hi, n = mean_ci(runs[p.summary])
        rows.append(
            {
                "pattern": p.name,
                "label": p.label,
                "value": m,
                "ci_lo": lo,
                "ci_hi": hi,
                "replicates": n,
                "target": p.target,
                "band_lo": p.lo,
                "band_hi": p.hi,
                "deviation": (m - p.target) / p.half_band if np.isfinite(m) else float("nan"),
                "margin_se": margin_se(m, lo, hi, p),
                "passed": p.passes(m),
            }
        )
    return pd.DataFrame(rows)


def distance(runs: pd.DataFrame, patterns: Sequence[Pattern] = PATTERNS) -> float:
    """Calibration distance of a set of replicate runs: mean squared deviation in half-bands.

    Per pattern, the squared deviation of the replicate mean counts for the share of
    replicates where the pattern is defined; each replicate where it is not (no formal
    pole grew on that territory) counts as a deviation of 3 half-bands. Why: the surveyed
    poles exist, so a parameter set under which most territories never grow a formal pole
    does not reproduce the survey, however well its one lucky pole fits. Zero is a perfect
    fit; below 1 every pattern lies, on average, inside its band.
    """
    terms = []
    for p in patterns:
        if not p.calibrate:
            continue
        v = runs[p.summary].to_numpy(dtype=float)
        ok = np.isfinite(v)
        cover = float(ok.mean()) if len(v) else 0.0
        dev2 = ((v[ok].mean() - p.target) / p.half_band) ** 2 if ok.any() else 0.0
        terms.append(cover * dev2 + (1.0 - cover) * UNDEFINED**2)
    return float(np.mean(terms))
