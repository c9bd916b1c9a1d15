# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 — Trust and turnover, one rule at a time
#
# In the field, cooperation in a PTCE "rests as much on relations between persons as on
# organisational proximity": one to three persons per member organisation really carry
# it, and any change in the teams can destabilise the dynamic (the 2018 seminar report
# of the Labo de l'ESS; see [docs/field.md](../docs/field.md)). The model puts trust
# **in persons** (the *boundary spanners*, *personnes relais*), and lets trust between
# **organisations** follow slowly — faster once the pole is institutionalised.
#
# Part 1 applies the trust rule **by hand**, to plain numbers, with the very functions
# of `ptce_sim.rules.trust` that the compiled model calls every month (the month's
# trust phase, in `src/ptce_sim/world/kernels/trust.py`, calls `after_project` and
# `history_floor`; a departure calls `vacated_trust` and `newcomer_trust`). Part 2 makes
# the leader of a pole leave, in a running territory, and compares with the same
# territory where the leader stays.
#
# Runs in about ten seconds (12 paired territories in part 2; raise `SEEDS` for
# tighter intervals). Numbers are read from the runs: the model is being recalibrated,
# and the text never quotes them.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from ptce_sim.rules.trust import (
    after_project,
    effective_trust,
    follow,
    history_floor,
    institution_rate,
    newcomer_trust,
    personal_weight,
    relax,
    stranger_trust,
    vacated_trust,
)
from ptce_sim.rules.turnover import handover
from ptce_sim.world import scenario
from ptce_sim.world.model import TerritoryModel

base = scenario.load("baseline")
p = base.params.trust  # the trust parameters the baseline runs with
pt = base.params.turnover
display(p)

# %% [markdown]
# ## Part 1 — the trust rule by hand
#
# ### Strangers
# Two persons who never worked together start at the **stranger baseline**
# `tau0 = tau_b + chi_H * H`, where `H` in [0, 1] is how much their organisations share
# values (value homophily).

# %%
for h in (0.0, 0.5, 1.0):
    print(f"homophily {h:.1f}: stranger trust {stranger_trust(h, p):.3f}")

# %% [markdown]
# ### A history of joint projects
# When a joint project of theirs ends, trust moves: `after_success` closes a share
# `eta_plus` of the gap to 1, `after_failure` loses a share `eta_minus` of it. Each
# joint project also raises a **floor** (`history_floor`): the part of their trust that
# their shared history explains and that no longer fades. Between projects, the rest
# relaxes towards `tau0 + floor` at the monthly rate `delta` (`relax`).
#
# Below, two persons from organisations with homophily 0.6 complete projects at the
# months in `OUTCOMES` (True = success). Edit it and re-run.

# %%
OUTCOMES = {3: True, 8: True, 14: True, 20: True, 27: False, 33: True}
H = 0.6
MONTHS = 48

tau0 = stranger_trust(H, p)
tau, joint = tau0, 0
path, floors = [], []
for month in range(MONTHS):
    if month in OUTCOMES:
        tau = after_project(tau, OUTCOMES[month], p)
        joint += 1
    else:
        tau = relax(tau, tau0 + history_floor(joint, p), p.decay)
    path.append(tau)
    floors.append(tau0 + history_floor(joint, p))

fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(path, label="trust between the two persons")
ax.plot(floors, ls="--", label="stranger baseline + history floor")
for month, success in OUTCOMES.items():
    ax.axvline(month, color="green" if success else "red", alpha=0.3)
ax.set(xlabel="month", ylabel="trust", ylim=(0, 1), title="green: success, red: failure")
ax.legend()
plt.show()
print(
    f"after {joint} joint projects: trust {tau:.3f}, of which a floor of "
    f"{history_floor(joint, p):.3f} above the stranger baseline {tau0:.3f}"
)

# %% [markdown]
# *Questions.* How many quiet months does it take to lose half of what a success
# added? (It depends on `trust.decay`.) Why does a failure after a long history hurt
# less than after a short one?

# %% [markdown]
# ### Organisations follow, slowly
# Organisation-level (institutional) trust `Theta` follows the best tie between the
# two organisations' persons, at the rate `kappa = kappa_0 + kappa_I * I`
# (`institution_rate`): `I` is the institutionalisation of their pole, 0 outside a
# formal pole, up to 1 in a fully institutionalised one. Decisions use a mix
# (`effective_trust`): `T = omega * tau + (1 - omega) * Theta`, where the weight of
# persons, `omega` (`personal_weight`), falls as `I` rises.
#
# ### Then the person leaves
# At month 40 of the story, one of the two persons leaves: her ties go with her
# (`vacated_trust`), and her successor starts from `newcomer_trust`: a share `psi`
# (the **handover**, `passation`, larger when an animation cell introduces newcomers)
# of what the organisation knows of its partner, the rest from the stranger baseline.

# %%
LEAVES = 40
rows = []
for inst in (0.0, 1.0):
    theta = tau0
    kappa, omega = institution_rate(inst, p), personal_weight(inst, p)
    psi = handover(1.0 if inst > 0 else 0.0, pt)  # a formal pole's cell animates it
    for month in range(MONTHS + 24):
        if month < LEAVES:
            person = path[min(month, MONTHS - 1)]
        elif month == LEAVES:
            person = newcomer_trust(theta, vacated_trust(tau0), psi)
        else:
            person = relax(person, tau0, p.decay)
        theta = follow(theta, person, kappa)
        rows.append(
            {
                "setting": "informal (I = 0)" if inst == 0 else "formal pole (I = 1)",
                "month": month,
                "persons": person,
                "organisations": theta,
                "used in decisions": effective_trust(person, theta, omega),
            }
        )
story = pd.DataFrame(rows)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5), sharey=True)
for ax, (setting, part) in zip(axes, story.groupby("setting", sort=False), strict=True):
    part.plot(x="month", y=["persons", "organisations", "used in decisions"], ax=ax)
    ax.axvline(LEAVES, color="k", alpha=0.3)
    ax.set(title=setting, ylim=(0, 1))
plt.show()
drop = story[story["month"].isin([LEAVES - 1, LEAVES])].pivot(
    index="setting", columns="month", values="used in decisions"
)
drop["fall at the departure"] = drop[LEAVES - 1] - drop[LEAVES]
drop.round(3)

# %% [markdown]
# The table reads the fall of the trust used in decisions at the departure, in both
# settings. *Question:* why does the same departure cost less inside an
# institutionalised pole? Which lever of the model would a pole's animation cell pull
# to soften it? (Look for `turnover.handover_animation` in
# [docs/parameters.md](../docs/parameters.md).)

# %% [markdown]
# ## Part 2 — the leader of a pole leaves
#
# Now in a running territory. For each seed, we build **two identical territories**
# (same scenario, same seed), run both for `T0` months, and pick the largest formal pole
# that has a leader in post. In one of the two, her leader leaves
# (`model.intervene("leader_leaves", pole=…)`, the same departure the month's turnover
# makes); the other one is left alone. Then both run `FOLLOW` more months. The
# difference between the twins is the effect of the departure on that pole (after the
# intervention, the two histories use their random numbers differently, so single
# differences are noisy: look at the mean over seeds).

# %%
SEEDS = range(12)
T0, FOLLOW = 48, 48


def pole_state(model, pole_id):
    """Members and mean trust between members (pairs that cooperated) of one pole."""
    card = next((c for c in model.pole_views() if c.pole_id == pole_id), None)
    if card is None:
        return {"alive": False, "members": 0, "member_trust": np.nan}
    members = set(card.members)
    ties = model.ties()
    inside = ties[ties["i"].isin(members) & ties["j"].isin(members)]
    return {"alive": True, "members": len(members), "member_trust": inside["trust"].mean()}


traces, used = [], []
for seed in SEEDS:
    twins = {"leader stays": TerritoryModel(base, seed=seed),
             "leader leaves": TerritoryModel(base, seed=seed)}  # fmt: skip
    for model in twins.values():
        for _ in range(T0):
            model.step()
    cards = [c for c in twins["leader leaves"].pole_views()
             if c.status.name == "FORMAL" and c.leader is not None]  # fmt: skip
    if not cards:
        continue  # no formal pole with a leader at T0 in this territory
    pole_id = max(cards, key=lambda c: len(c.members)).pole_id
    used.append(seed)
    twins["leader leaves"].intervene("leader_leaves", pole=pole_id)
    for month in range(FOLLOW + 1):
        for arm, model in twins.items():
            traces.append({"seed": seed, "arm": arm, "month": month, **pole_state(model, pole_id)})
            model.step()
traces = pd.DataFrame(traces)
print(f"{len(used)} of {len(SEEDS)} territories had a formal pole with a leader at month {T0}")

# %%
if used:
    mean = traces.groupby(["arm", "month"])[["alive", "members", "member_trust"]].mean()
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.5))
    for ax, col, title in zip(
        axes,
        ["alive", "members", "member_trust"],
        ["share of the poles still alive", "members", "mean trust between members"],
        strict=True,
    ):
        mean[col].unstack(0).plot(ax=ax)
        ax.set(title=title, xlabel=f"months after month {T0}")
    plt.show()
    end = traces[traces["month"] == FOLLOW].pivot(index="seed", columns="arm")
    diff = end["members"]["leader leaves"] - end["members"]["leader stays"]
    half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
    alive = end["alive"].mean()
    print(f"{FOLLOW} months later, over {len(diff)} paired territories:")
    print(
        f"  poles still alive: {alive['leader stays']:.0%} if the leader stays, "
        f"{alive['leader leaves']:.0%} if the leader leaves"
    )
    print(f"  members, leaves minus stays: {diff.mean():+.1f} (95% interval ± {half:.1f})")

# %% [markdown]
# What did the departure set off? The event record of one twin, for the chosen pole:
# the intervention, the departure (its `value` is the number of ties the leader took
# away), and later, perhaps, a successor (`leader_found`), members leaving, the cell
# cutting staff, or the pole's death.

# %%
if used:
    seed = used[0]
    model = TerritoryModel(base, seed=seed)
    for _ in range(T0):
        model.step()
    cards = [c for c in model.pole_views() if c.status.name == "FORMAL" and c.leader is not None]
    pole_id = max(cards, key=lambda c: len(c.members)).pole_id
    before = len(model.events)
    model.intervene("leader_leaves", pole=pole_id)
    for _ in range(FOLLOW):
        model.step()
    after = model.events.frame().iloc[before:]
    pole_level = after["kind"].isin(
        ["intervention", "leader_lost", "leader_found", "cell_hired", "cell_cut",
         "subsidy_started", "subsidy_stopped", "pole_vegetating", "pole_reanimated",
         "pole_died", "grant_won", "grant_ended"]
    )  # fmt: skip
    leader_gone = (
        after["kind"].eq("departure")
        & after["month"].eq(T0)
        & after.index.isin(after.index[after["kind"].eq("departure")][:1])
    )
    keep = (pole_level | leader_gone) & after["pole"].eq(pole_id)
    print(f"seed {seed}, pole {pole_id}:")
    display(after[keep])
    moves = after[after["pole"].eq(pole_id) & after["kind"].isin(["pole_joined", "pole_left"])]
    print("members joining and leaving after the departure:",
          moves["kind"].astype(str).value_counts().to_dict())  # fmt: skip

# %% [markdown]
# ## Exercises: what happens if…?
#
# 1. **A better handover.** Re-run part 2 with `TerritoryModel(base, seed=seed,
#    turnover_handover=0.8)` in both twins. Does the leader's departure cost less?
# 2. **Institutionalised poles.** Raise `poles_institution_rate` (how fast a formal pole
#    institutionalises; see [docs/parameters.md](../docs/parameters.md)) and watch the
#    trust used in decisions after the departure.
# 3. **Later departures.** Set `T0 = 120`: does the departure of an older pole's leader
#    cost more or less than a young one's?
# 4. In part 1, make the second person leave at month 10 instead of 40: how much of the
#    trust did the history floor protect?
