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
# # 04 — Which parameters matter? A small Morris screening
#
# A model with dozens of uncertain parameters invites the question: which of them
# decide the outcome, and which could be anything? The **Morris method** (elementary
# effects) answers it cheaply: it moves one factor at a time along `r` random
# *trajectories* across the space of the factors, and measures how much each move
# changes the output. Per factor it reports:
#
# - `mu_star` (μ*): the mean **absolute** effect of moving that factor across its range
#   (by `Δ`, in units of the output) — its overall influence;
# - `mu` (μ): the mean **signed** effect — when |μ| ≈ μ*, the factor always pushes the
#   same way;
# - `sigma` (σ): the spread of its effects — large σ means its effect depends on the
#   other factors (interactions) or is non-linear;
# - `mu_star_conf`: the half-width of a 95 % bootstrap interval on μ*;
# - `mu_star_noise`: the μ* that **replicate noise alone** would give. The model is
#   stochastic: the same parameters with other dice give another history. A factor whose
#   μ* is within about twice this floor cannot be told from chance with these replicates.
#
# This is a **small** study, sized to run in well under a minute on two cores: 6
# factors, `r = 6` trajectories, 3 replicates per design point, 15-year runs — 126 runs.
# It illustrates the method and how to read it; it is far too small for conclusions
# (a real screening uses `r ≥ 20` and more replicates: see
# `experiments/morris_screening.toml` and [docs/sensitivity.md](../docs/sensitivity.md)).
# Results are read from the run, never quoted in the text: the model is being
# recalibrated.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from ptce_sim.apps.sensitivity.spec import load_experiment
from ptce_sim.apps.sensitivity.study import run_study

# %% [markdown]
# ## 1. The experiment file
#
# A study is written down as a TOML file — the factors and their ranges, the method,
# the replicates and the seed — so that it can be versioned and re-run identically
# (`ptce-sim sensitivity FILE` runs the same). Ranges are plausible values around the
# baseline, not the widest admissible ones.

# %%
STUDY = """
description = "A small Morris screening for the notebook"
scenario = "baseline"
method = "morris"
seed = 1
replicates = 3
outputs = ["poles_alive_end", "survival_5y", "coops_per_member_year"]

[set]
"run.steps" = 180   # 15 years, to stay fast

[morris]
trajectories = 6
num_levels = 4

[factors]
"turnover.rate" = [0.005, 0.04]                 # staff turnover: 6 %/year .. 39 %/year
"turnover.handover" = [0.0, 0.8]                # share of trust a newcomer inherits
"funding.la_subsidy" = [0.0, 20.0]              # local subsidy, wages/year (20 = 100 k€)
"funding.dues_flat" = [0.0, 0.6]                # member dues, wages/year
"structural.amount" = [0.0, 20.0]               # structural funding, wages/year per pole
"cooperation.opportunity_cost" = [0.5, 2.0]     # what a member's time earns elsewhere
"""
work = Path(tempfile.mkdtemp(prefix="ptce-morris-"))
(work / "study.toml").write_text(STUDY, encoding="utf-8")
exp = load_experiment(work / "study.toml")
print(f"{len(exp.factors)} factors, {exp.trajectories} trajectories, "
      f"{exp.replicates} replicates: {exp.n_runs} runs")  # fmt: skip

# %%
result = run_study(exp, work / "results", jobs=1)
indices = result.indices
print("written:", sorted(p.name for p in (work / "results").iterdir()))

# %% [markdown]
# ## 2. Reading the indices
#
# One table per output, most influential first. The column `distinct` says whether a
# factor's μ* is more than twice what replicate noise alone gives.

# %%
for output in exp.outputs:
    rows = indices[indices["output"] == output].sort_values("mu_star", ascending=False)
    table = rows[["parameter", "mu_star", "mu_star_conf", "mu", "sigma", "mu_star_noise"]]
    table = table.assign(distinct=rows["mu_star"] > 2 * rows["mu_star_noise"])
    print(f"\n{output}:")
    display(table.set_index("parameter").round(3))

# %%
fig, axes = plt.subplots(1, len(exp.outputs), figsize=(5 * len(exp.outputs), 4))
for ax, output in zip(np.atleast_1d(axes), exp.outputs, strict=True):
    rows = indices[indices["output"] == output]
    ax.scatter(rows["mu_star"], rows["sigma"])
    for r in rows.itertuples():
        ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=7)
    floor = 2 * rows["mu_star_noise"].max()
    if np.isfinite(floor):
        ax.axvspan(0, floor, color="grey", alpha=0.15, label="within 2 × the largest noise floor")
        ax.legend(fontsize="small")
    ax.set(title=output, xlabel="μ* (influence)", ylabel="σ (interactions, non-linearity)")
fig.tight_layout()
plt.show()

# %% [markdown]
# **How to read the μ*–σ plot.** Factors far to the right matter most. Factors near the
# origin can be fixed at any value of their range without changing the output much
# (*screened out*). A factor high above the diagonal (σ large compared with μ*) acts
# through interactions: its effect depends on the values of the others. Factors in the
# grey band may not be told from the replicate noise at this size of study (the
# column `distinct` of the tables above says it factor by factor).
#
# *Questions:* which of the funding levers matters most for `poles_alive_end`? Does
# staff turnover matter more than money? Is any factor clearly screened out?

# %% [markdown]
# ## 3. How much is noise?
#
# Part of the variation of any output is not due to any parameter: it is the luck of
# a territory's history. `result.noise` measures it from the replicates:
# `noise_share_run` is the share of a **single run's** variance that is replicate noise;
# `noise_share_mean` the share left in the **means over the replicates** that the
# indices analyse (smaller: averaging removes noise). When the second is large, add
# replicates before trusting the ranking.

# %%
display(result.noise.set_index("output")[["replicates", "noise_share_run", "noise_share_mean"]]
        .round(3))  # fmt: skip

# %% [markdown]
# Every file the study wrote (`indices.csv`, `noise.csv`, `convergence.csv`, the plots
# and a plain-words `summary.md`) is in the results folder. The summary:

# %%
print((work / "results" / "summary.md").read_text(encoding="utf-8")[:3000])

# %% [markdown]
# ## Exercises: what happens if…?
#
# 1. **More trajectories.** Set `trajectories = 12`: does the ranking change? (Compare
#    `convergence.csv`, which holds the indices at a quarter, half and all of the
#    trajectories.)
# 2. **Fewer replicates.** Set `replicates = 1`: what happens to `mu_star_noise`, and
#    why can it no longer be computed?
# 3. **Another output.** Add `"eur_per_surviving_pole_year"` to `outputs` (the list of
#    per-run summaries is in [docs/outputs.md](../docs/outputs.md)).
# 4. **Sobol'.** Variance-based indices (`method = "sobol"`) say what share of the
#    output's variance each factor explains, but need many more runs: see
#    [docs/sensitivity.md](../docs/sensitivity.md) before trying.
