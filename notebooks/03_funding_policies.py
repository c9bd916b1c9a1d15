# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 — Funding policies: which one keeps a pole alive?
#
# The field's main challenge is **funding the animation cell** (*financer la cellule
# d'animation*): member dues (*cotisations*), a subsidy of the local authority
# (*subvention de la collectivité*), a share of the revenue the pole generates, time-
# limited grants from **calls for projects** (*appels à projets*, AAP: two national calls
# in 2014–2015, then little continuity). Sources and figures:
# [docs/field.md](../docs/field.md#funding-the-animation-cell). The levers, in plain
# words: [docs/policy-makers.md](../docs/policy-makers.md).
#
# This notebook does by hand what `ptce-sim compare` does: it runs the shipped funding
# policies on **paired seeds** (replicate *r* uses the same seed under every policy, so
# the territories and most of their dice are the same and the policies differ by their
# policy only), estimates **survival curves** of formal poles with 95 % intervals, and
# the public money per **surviving pole-year**. Then it tries **stop-and-go** funding.
#
# To run in well under a minute on two cores it uses `REPLICATES = 12` per policy; the
# command line uses 20 by default and a paper would use more. The intervals printed
# say how much that costs in precision. Numbers are read from the runs (the model is
# being recalibrated): the text never quotes them.

# %%
# `survival_figure` returns a matplotlib Figure, which Jupyter shows as a picture once
# its inline display is on: the magic below turns it on from the first cell.
# %matplotlib inline
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from ptce_sim.apps.compare import DEFAULT_POLICIES, compare, survival_figure
from ptce_sim.world import scenario
from ptce_sim.world.run import run_one
from ptce_sim.world.scenario import Policy

REPLICATES = 12
FIRST_SEED = 1


def run_policies(specs, replicates=REPLICATES, first_seed=FIRST_SEED):
    """Every scenario of ``specs`` (name -> Scenario) on the same seeds: the per-run
    summaries, every pole of every run, and the monthly metrics."""
    runs, poles, series = [], [], []
    for r in range(replicates):
        seed = first_seed + r
        for name, spec in specs.items():
            result = run_one(spec, seed=seed)
            runs.append({"scenario": name, "seed": seed, **result.summary})
            poles.append(result.poles.assign(scenario=name, seed=seed))
            series.append(result.timeseries.assign(scenario=name, seed=seed))
    return pd.DataFrame(runs), pd.concat(poles), pd.concat(series)


# %% [markdown]
# ## 1. The shipped policies
#
# Each policy is a scenario file in `scenarios/` that changes the baseline's funding
# (read its `description`).

# %%
specs = {name: scenario.load(name) for name in DEFAULT_POLICIES}
for name, spec in specs.items():
    print(f"{name:15s} {spec.description}")

# %%
runs, poles, series = run_policies(specs)
cmp = compare(runs, poles, list(specs))
print(f"{len(runs)} runs: {REPLICATES} paired replicates x {len(specs)} policies")

# %% [markdown]
# ## 2. Survival of formal poles
#
# Kaplan–Meier curves: time starts when a pole formalises; a pole still alive when its
# run ends is *censored* (we know it lived at least that long). The shaded bands are
# 95 % confidence intervals (Greenwood, log-log); poles are pooled over the replicates,
# and the number of formal poles behind each curve is in the legend: a curve drawn from
# a handful of poles says little (under ten poles, no band is drawn). It is the figure
# `ptce-sim compare` writes to `survival.png`, drawn by `survival_figure`.

# %%
survival_figure(cmp.curves, "Survival of formal poles, by policy")


# %%
def with_ci(table, col, fmt="{:.2f}"):
    """'value [low, high]' strings of one column of the comparison table."""
    out = []
    for v, lo, hi in zip(table[col], table[f"{col}_lo"], table[f"{col}_hi"], strict=True):
        if v != v:
            out.append("–")
        elif lo != lo:
            out.append(fmt.format(v))
        else:
            out.append(f"{fmt.format(v)} [{fmt.format(lo)}, {fmt.format(hi)}]")
    return out


t = cmp.table
summary = pd.DataFrame(
    {
        "formal poles": t["formal_poles"].to_numpy(),
        "survival 5 y": with_ci(t, "survival_5y"),
        "survival 10 y": with_ci(t, "survival_10y"),
        "poles alive at the end": with_ci(t, "poles_alive_end", "{:.1f}"),
        "public k€": with_ci(t, "public_eur", "{:.0f}"),
        "public k€ per surviving pole-year": with_ci(t, "eur_per_surviving_pole_year", "{:.0f}"),
    },
    index=t["scenario"],
)
display(summary)

# %% [markdown]
# **€ per surviving pole-year.** Public money spent on animation cells in a run (local
# subsidy, call grants, structural and matching funds), divided by the years of life of
# its formal poles. It answers "what does a year of a living pole cost the public
# purse?": a cheap policy under which poles die quickly can cost more per pole-year than
# a generous one. It is undefined (–) where no public money or no formal pole exists.
# The definitions of every column: [docs/outputs.md](../docs/outputs.md).
#
# *Question:* which policy has the best survival? Which gives a living pole-year at the
# lowest public cost? Are they the same? Do the intervals overlap?

# %% [markdown]
# ## 3. Why paired seeds?
#
# Each replicate's territory is the same under every policy, so the difference between
# two policies can be estimated **seed by seed**: what is due to the territory itself
# cancels out. What is due to the dice of its history does not: once a policy changes
# one decision, the two histories draw their random numbers differently. Below: the
# number of poles alive at the end, each policy minus `no_support`, with a 95 % interval
# computed from the paired differences, and the interval one would get ignoring the
# pairing (as if the runs were independent).

# %%
alive = runs.pivot(index="seed", columns="scenario", values="poles_alive_end")
reference = "no_support" if "no_support" in specs else next(iter(specs))
rows = []
for name in specs:
    if name == reference:
        continue
    d = alive[name] - alive[reference]
    paired = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    unpaired = 1.96 * np.sqrt(alive[name].var() / len(d) + alive[reference].var() / len(d))
    rows.append({"policy": name, "difference": d.mean(), "± paired": paired,
                 "± unpaired": unpaired})  # fmt: skip
pd.DataFrame(rows).set_index("policy").round(2)

# %% [markdown]
# *Question:* is the paired interval narrower than the unpaired one here? For which
# outputs would you expect pairing to help most (try `public_eur` or
# `coops_per_member_year` instead of `poles_alive_end`)?

# %% [markdown]
# ## 4. Stop-and-go funding
#
# In the field, funding came in bursts: a call for projects, then nothing; a subsidy
# renewed, then cut after an election. Here the local authority's subsidy
# (`funding.la_subsidy`, of the `local_subsidy` policy) stops for three years after
# year 5 and after year 13, and comes back in between, through the scenario's **policy
# timeline** (the `[[policy]]` entries of a scenario file; here built in Python). Same
# territories, same seeds as above.

# %%
steady = scenario.load("local_subsidy")
amount = steady.params.funding.la_subsidy
OFF = [(60, 96), (156, 192)]  # months without subsidy: [stop, restart)
timeline = []
for stop, restart in OFF:
    timeline.append(Policy(at=stop, updates={"funding.la_subsidy": 0.0}, source="stop"))
    timeline.append(Policy(at=restart, updates={"funding.la_subsidy": amount}, source="go"))
stop_and_go = dataclasses.replace(steady, name="stop_and_go", policies=tuple(timeline))
# The steady subsidy ran in section 1 on the same seeds: only stop-and-go is new.
new_runs, new_poles, new_series = run_policies({"stop_and_go": stop_and_go})
runs2 = pd.concat([runs[runs["scenario"] == "local_subsidy"], new_runs], ignore_index=True)
poles2 = pd.concat([poles[poles["scenario"] == "local_subsidy"], new_poles])
series2 = pd.concat([series[series["scenario"] == "local_subsidy"], new_series])
cmp2 = compare(runs2, poles2, ["local_subsidy", "stop_and_go"])

mean = series2.groupby(["scenario", "month"])["poles_formal"].mean().unstack(0)
ax = mean.rolling(6, min_periods=1).mean().plot(figsize=(9, 3.5))
for stop, restart in OFF:
    ax.axvspan(stop, restart, color="grey", alpha=0.2)
ax.set(xlabel="month (grey: no subsidy under stop-and-go)", ylabel="formal poles (mean)")
plt.show()
t2 = cmp2.table
display(
    pd.DataFrame(
        {
            "formal poles": t2["formal_poles"].to_numpy(),
            "survival 10 y": with_ci(t2, "survival_10y"),
            "public k€": with_ci(t2, "public_eur", "{:.0f}"),
            "k€ per surviving pole-year": with_ci(t2, "eur_per_surviving_pole_year", "{:.0f}"),
        },
        index=t2["scenario"],
    )
)
saved = runs2.pivot(index="seed", columns="scenario", values="public_eur")
alive2 = runs2.pivot(index="seed", columns="scenario", values="formal_poles_alive_end")
saving = (saved["local_subsidy"] - saved["stop_and_go"]).mean()
change = (alive2["stop_and_go"] - alive2["local_subsidy"]).mean()
print(
    f"stop-and-go saves {saving:.0f} k€ of public money per territory on average, and "
    f"changes the number of formal poles alive at the end by {change:+.2f} (paired mean)"
)

# %% [markdown]
# *Questions:* do poles die during the gaps, or do they survive on their cash and dues?
# Do they recover when the subsidy returns — or did the ones that died take their
# trust with them? Is the money saved worth the poles lost (look at the € per surviving
# pole-year)?

# %% [markdown]
# ## Exercises: what happens if…?
#
# 1. **More replicates.** Set `REPLICATES = 40` (a few minutes): how much narrower do the
#    intervals get? Which conclusions of section 2 survive?
# 2. **High turnover.** Compare the policies with `scenario.load(name).with_overrides(
#    {"turnover.rate": 0.03})`: does the best policy change when people leave twice as
#    often?
# 3. **Shorter gaps.** Change `OFF` to one-year gaps every three years.
# 4. **A call for projects.** Build a timeline that opens a national call
#    (`"calls.open": True`) for 12 months at year 3 and year 10 on top of `dues_only`.
#    The same from the command line: `ptce-sim compare dues_only calls_only -n 20`.
