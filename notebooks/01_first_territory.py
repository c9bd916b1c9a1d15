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
# # 01 — A first territory
#
# **What a PTCE is.** A *pôle territorial de coopération économique* (PTCE) is a group of
# organisations on one territory — associations, cooperatives (SCOP, SCIC), insertion
# enterprises (*structures d'insertion par l'activité économique*, SIAE), conventional
# firms, local authorities (*collectivités*), research and training centres — that carry
# together a lasting strategy of pooling (*mutualisation*), cooperation or partnership.
# French law recognises them since 2014 (law on the *économie sociale et solidaire*, ESS,
# article 9). The territory is the one the actors define themselves, not an
# administrative unit. A pole usually **formalises an older process**: people who already
# worked together and trust each other. A hard core (*noyau dur*) of ESS organisations
# leads; firms and authorities join in a second circle. The pole's coordination team,
# the *cellule d'animation* (one or two full-time equivalents), is its main cost and its
# main fragility.
#
# The field figures and their sources (a 2018 seminar report of the Labo de l'ESS, a 2016
# survey of 24 poles, the national calls for projects) are in
# [docs/field.md](../docs/field.md); the model, rule by rule, in
# [docs/odd.md](../docs/odd.md).
#
# **In this notebook** you build a territory, run it month by month, and look at what
# it produced: the cooperation network, the poles and the event record. Everything here
# uses the public API of `ptce_sim`; it runs in a few seconds once the model is compiled
# (the first territory built on a machine compiles it: a few minutes, once).
#
# The model is being recalibrated as the project goes on: the numbers you see are
# read from the run, never written in this text. Yours may differ from a colleague's
# if your versions differ.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from ptce_sim.rules.poles import CAUSES
from ptce_sim.world import scenario
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.run import run_one

SEED = 3  # any integer >= 0: the same seed gives the same territory and history

# %% [markdown]
# ## 1. Build a territory
#
# `TerritoryModel(scenario, seed=…)` draws a territory from a scenario (here the
# `baseline`, a reference territory whose parameters are calibrated on the field's
# figures). Building it also runs a few years of **warm start**: organisations
# cooperate before month 0, so that poles can formalise an older process, as in the
# field. The organisations are Mesa agents.

# %%
model = TerritoryModel("baseline", seed=SEED)
orgs = pd.DataFrame(
    {
        "kind": org.kind.name,
        "sector": org.sector,
        "FTE": org.fte,
        "persons": org.n_persons,
        "values_weight": org.alpha,
        "pole": org.pole_id,
    }
    for org in model.agents
)
print(f"{len(orgs)} organisations, {orgs['persons'].sum()} persons who cooperate for them")
orgs.groupby("kind").agg(count=("kind", "size"), mean_FTE=("FTE", "mean")).round(1)

# %% [markdown]
# `kind` is the legal form: `ASSO` association, `COOP` cooperative (SCOP, SCIC), `SIAE`
# insertion enterprise, `FIRM` conventional firm, `LA` local authority, `RT` research or
# training centre. Each organisation has **one to three persons** who really cooperate
# for it (the field's figure): trust lives between these persons. `values_weight` is how
# much the organisation weighs shared values against its own interest when choosing
# partners.
#
# *Question:* which kinds dominate? Compare with the 2016 survey (most members were
# associations, then SARL and SCIC) in [docs/field.md](../docs/field.md).

# %% [markdown]
# ## 2. Run it
#
# One `model.step()` is one month. We run the scenario's horizon, `run.steps` months
# (the baseline's is twenty years).

# %%
months = model.params.run.steps
for _ in range(months):
    model.step()
metrics = model.datacollector.get_model_vars_dataframe()
print(f"simulated {months} months; {metrics.shape[1]} monthly metrics")
metrics[["started", "mean_person_trust", "poles_informal", "poles_formal"]].tail()

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
years = np.arange(len(metrics)) / 12
axes[0].plot(years, metrics["started"].rolling(12, min_periods=1).mean())
axes[0].set_title("projects started per month (12-month mean)")
axes[1].plot(years, metrics["mean_person_trust"], label="between persons")
axes[1].plot(years, metrics["mean_org_trust"], label="between organisations")
axes[1].set_title("mean trust")
axes[1].legend()
axes[2].plot(years, metrics["poles_informal"], label="informal")
axes[2].plot(years, metrics["poles_formal"], label="formal")
axes[2].plot(years, metrics["poles_vegetating"], label="vegetating")
axes[2].set_title("poles")
axes[2].legend()
for ax in axes:
    ax.set_xlabel("years")
fig.tight_layout()

# %% [markdown]
# The metrics are defined in [docs/outputs.md](../docs/outputs.md). Trust between
# **persons** moves fast (a project succeeds or fails, a person leaves); trust between
# **organisations** follows it slowly, faster inside a formal pole.

# %% [markdown]
# ## 3. The cooperation network
#
# `model.ties()` has one row per pair of organisations that completed at least one
# project together: how many, how many pairs of their persons in post worked together
# (`ties`), and three kinds of trust (persons, organisations, and the mix that their
# decisions use).

# %%
ties = model.ties()
print(
    f"{len(ties)} pairs of organisations have cooperated; "
    f"{(ties['ties'] > 0).sum()} of them still have persons in post who worked together"
)
ties.sort_values("cooperations", ascending=False).head()

# %%
xy = np.array([org.position for org in model.agents])
pole = np.array([-1 if org.pole_id is None else org.pole_id for org in model.agents])
strong = ties[ties["ties"] > 0]  # pairs whose persons in post worked together
fig, ax = plt.subplots(figsize=(6, 6))
for row in strong.itertuples():
    ax.plot(*xy[[row.i, row.j]].T, color="grey", alpha=0.2 + 0.6 * row.trust, lw=0.6)
ax.scatter(*xy[pole < 0].T, s=25, c="lightgrey", edgecolor="k", label="in no pole")
for p in np.unique(pole[pole >= 0]):
    ax.scatter(*xy[pole == p].T, s=50, edgecolor="k", label=f"pole {p}")
ax.set_title("live ties between persons in post (darker = more trust)")
ax.legend(fontsize="small", loc="upper right")
ax.set(xticks=[], yticks=[])
plt.show()

# %% [markdown]
# Organisations sit on a map. A line joins two organisations whose persons now in post
# have worked together (the pairs that cooperated in the past but whose persons have
# since left are not drawn: that history left with them). Organisations cooperate more
# with those close by, those they already know, and those who share their values.
#
# *Question:* are the poles geographically grouped? Do some organisations cooperate a
# lot without being in a pole?

# %% [markdown]
# ## 4. The poles
#
# `model.pole_views()` gives a card per living pole: its status (informal, formal,
# vegetating), its governance (a dedicated legal body, or animation delegated to the
# founding organisation), its members, its leader, its animation cell and its money
# (k€).

# %%
cards = model.pole_views()
poles = pd.DataFrame(
    {
        "pole": c.pole_id,
        "status": c.status.name,
        "governance": c.governance.name,
        "members": len(c.members),
        "age_years": c.age / 12,
        "cell_FTE": c.cell_fte,
        "cash_kEUR": c.cash,
        "local_subsidy": c.la_active,
        "dues_kEUR": c.ledger["dues"],
        "subsidy_kEUR": c.ledger["la_subsidy"],
    }
    for c in cards
)
print(f"{len(cards)} poles alive after {months // 12} years")
poles.round(1)

# %% [markdown]
# ## 5. The event record: why things happened
#
# A time series says *that* trust fell; the event record says *why*: who left, which
# project failed, which subsidy stopped. Every event has a month, a kind, and fields
# whose meaning depends on the kind (organisation, person, pole, value).

# %%
events = model.events.frame()
events["kind"].value_counts().loc[lambda s: s > 0]

# %% [markdown]
# The story of one pole: the pole-level events (formed, formalised, cell hired or cut,
# subsidy, leader lost or found, died…) of a pole that formalised and then died, if one
# did in this run, otherwise of the first pole that formalised. The code of a
# `pole_died` event is its cause, one of `CAUSES`.

# %%
POLE_LEVEL = [
    "pole_formed", "pole_formalised", "pole_vegetating", "pole_reanimated", "pole_died",
    "leader_lost", "leader_found", "grant_won", "grant_ended", "cell_hired", "cell_cut",
    "subsidy_started", "subsidy_stopped", "intervention",
]  # fmt: skip
story_events = events[events["kind"].isin(POLE_LEVEL)]
formalised = set(story_events.loc[story_events["kind"] == "pole_formalised", "pole"])
died = story_events[(story_events["kind"] == "pole_died") & story_events["pole"].isin(formalised)]
if len(died):
    chosen = int(died["pole"].iloc[0])
    cause = CAUSES[int(died["code"].iloc[0])]
    print(f"pole {chosen} formalised, then died in month {died['month'].iloc[0]}: {cause}")
elif formalised:
    chosen = min(formalised)
    print(f"no formal pole died in this run; pole {chosen} formalised and is still alive")
else:
    chosen = None
    print("no pole formalised in this run: try another seed")
if chosen is not None:
    display(story_events[story_events["pole"] == chosen])
    members = events[(events["pole"] == chosen) & events["kind"].isin(["pole_joined", "pole_left"])]
    print("members joining and leaving it, by year:")
    display(pd.crosstab((members["month"] // 12).rename("year"), members["kind"].astype(str)))

# %% [markdown]
# *Question:* read the story. What happened before the pole died (or what keeps it
# alive)? A leader leaving, a subsidy stopping, members drifting away? The causes of
# death are defined in [docs/odd.md](../docs/odd.md).

# %% [markdown]
# ## 6. The same run in one call
#
# `run_one(scenario, seed)` is what the command line, the sweeps and the web view run:
# the same seed gives the same history, and it returns the time series, a table of
# the poles (one row per pole that ever existed, with its cause of death), the events
# and per-run summaries.

# %%
result = run_one(scenario.load("baseline"), seed=SEED)
same = np.allclose(result.timeseries["started"], metrics["started"].to_numpy())
print("same history as the model stepped by hand:", same)
result.poles[["pole_id", "formed", "formalised", "died", "cause", "peak_size"]]

# %% [markdown]
# ## Exercises: what happens if…?
#
# 1. **Another seed.** Re-run with `SEED = 4`, 5, 6. How different are two territories
#    drawn from the same scenario? (This is why the other notebooks always compare
#    several seeds.)
# 2. **People leave more often.** Build `TerritoryModel("baseline", seed=SEED,
#    turnover_rate=0.04)` (about 39 % of the cooperating persons leave each year instead
#    of the baseline's rate): what happens to trust, to the number of ties, to the poles?
#    `TerritoryModel.parameter_names()` lists every keyword; their meaning and range
#    are in [docs/parameters.md](../docs/parameters.md).
# 3. **Another territory.** Try the scenarios `rural_food`, `metropolis` or
#    `industrial_valley` (territory archetypes drawn from poles seen in the field).
# 4. Pick one organisation (`model.organisations[i]`) and look at `partners()`,
#    `trust_to(j)` and its `persons`: who carries its cooperation?
