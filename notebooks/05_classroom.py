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
# # 05 — In class: the life of a cooperation pole
#
# *A guided story for a teacher to project. Run one cell at a time; before each
# "run" cell, ask the class the question and write their predictions on the board.
# The whole notebook runs in a few seconds (one territory, a few years at a time). A
# French version is `05_classroom_fr`. The lesson plan that goes with it:
# [docs/teachers.md](../docs/teachers.md).*
#
# **The setting.** A territory — an employment basin, a valley, a *pays* — with some
# eighty organisations: associations, cooperatives (SCOP, SCIC), insertion enterprises
# (SIAE), a few conventional firms, local authorities (*collectivités*), research and
# training centres. In France, when such organisations carry a lasting strategy of
# pooling and cooperation together, they can form a **PTCE**, a *pôle territorial de
# coopération économique* (recognised by the 2014 law on the social and solidarity
# economy, ESS). About 160 existed in the mid-2010s, with about fifteen member
# organisations each ([docs/field.md](../docs/field.md)).
#
# **What the model says, in one sentence.** Organisations cooperate when their persons
# trust each other, share values and see a return on the time they invest; a pole is a
# group that has cooperated long enough to give itself a legal form and a small
# coordination team, the *cellule d'animation* — which someone has to pay for.
#
# The numbers in this story come from the simulation (the model is being recalibrated,
# so this text never quotes them): read them aloud from the outputs.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from ptce_sim.world.model import TerritoryModel

SEED = 37  # the territory of today's class; change it for another story
model = TerritoryModel("baseline", seed=SEED)
twin = TerritoryModel("baseline", seed=SEED)  # the same territory, left alone (stage 6)
marks = []  # (month, what we did): drawn on the final chart


def run(months):
    """Advance the class's territory by ``months`` months (and its twin)."""
    for _ in range(months):
        model.step()
        twin.step()


def poles_now(m):
    """A small table of the living poles."""
    return pd.DataFrame(
        {
            "pole": c.pole_id,
            "status": c.status.name.lower(),
            "members": len(c.members),
            "has a leader": c.leader is not None,
            "cell (FTE)": c.cell_fte,
            "cash (k€)": round(c.cash),
            "local subsidy": c.la_active,
            "grant months left": c.grant_months_left,
        }
        for c in m.pole_views()
    )


def main_pole(m):
    """The largest living formal pole with a leader in post (None if there is none)."""
    cards = [c for c in m.pole_views() if c.status.name == "FORMAL" and c.leader is not None]
    return max(cards, key=lambda c: len(c.members)) if cards else None


def what_happened(since, pole=None):
    """Counts of the notable events since event number ``since`` (of one pole)."""
    ev = model.events.frame().iloc[since:]
    ev = ev[~ev["kind"].isin(["project_started", "project_completed"])]
    if pole is not None:
        ev = ev[ev["pole"] == pole]
    counts = ev["kind"].astype(str).value_counts()
    return counts[counts > 0]


# %% [markdown]
# ## Stage 1 — The territory before anything happens
#
# *Ask the class:* who are these organisations? Who do you think will cooperate with
# whom — the associations together, or across kinds? Will a pole appear, and who will
# lead it?

# %%
kinds = pd.Series([org.kind.name for org in model.agents]).value_counts()
print("organisations by kind:", kinds.to_dict())
print("persons who cooperate for them:", sum(org.n_persons for org in model.agents))
print("poles already forming (from years of earlier cooperation):", len(model.pole_views()))
display(poles_now(model))

# %% [markdown]
# `ASSO` association, `COOP` cooperative, `SIAE` insertion enterprise, `FIRM`
# conventional firm, `LA` local authority, `RT` research or training centre. Each
# organisation has one to three persons who really cooperate for it: **trust lives
# between these persons**, not between logos.

# %% [markdown]
# ## Stage 2 — Five years pass
#
# *Ask the class:* after five years, how many poles will there be? Will they have
# formalised (a legal body, a coordination team)?

# %%
start = len(model.events)
run(60)
print(f"month {model.month + 1}: what happened in five years")
display(what_happened(start).to_frame("events"))
display(poles_now(model))

# %% [markdown]
# *Discuss:* `pole_formalised` is a group giving itself a legal form; `cell_hired` a
# pole hiring its coordinator; `departure` and `arrival` are persons changing jobs —
# people come and go all the time. Which poles have a local subsidy?

# %% [markdown]
# ## Stage 3 — "The leader leaves"
#
# The person who leads the largest pole takes a job elsewhere. In the web view this is
# the button **This pole's leader leaves**; here it is
# `model.intervene("leader_leaves", pole=…)`.
#
# *Ask the class first:* what will happen to the pole? Will it find a new leader? Will
# members leave? Will the pole die?

# %%
pole = main_pole(model)
if pole is None:
    print("No formal pole with a leader right now: run stage 2 again (or try another SEED).")
else:
    chosen = pole.pole_id
    print(f"pole {chosen}: {len(pole.members)} members; its leader works for organisation "
          f"{pole.leader[0]}, and is leaving")  # fmt: skip
    start = len(model.events)
    model.intervene("leader_leaves", pole=chosen)
    marks.append((model.month + 1, "leader leaves"))
    run(12)
    print("one year later, for this pole:")
    display(what_happened(start, chosen).to_frame("events"))
    display(poles_now(model).query("pole == @chosen"))

# %% [markdown]
# *Discuss:* the `departure` event's value is the number of personal ties the leader
# took away. Did a successor appear (`leader_found`)? How long did it take? In the
# field: "any change in the teams can destabilise the dynamic".

# %% [markdown]
# ## Stage 4 — "The local authority stops its subsidy"
#
# Budgets are tight; the local authority stops paying the pole's coordination team
# (web view: **The local authority stops its subsidy**, which stops it for every pole;
# here, for one pole).
#
# *Ask the class:* can the pole live on its members' dues? What will the cell do?

# %%
alive = {c.pole_id: c for c in model.pole_views()}
target = chosen if pole is not None and chosen in alive else None
if target is None and (other := main_pole(model)) is not None:
    target = other.pole_id
if target is None:
    print("No living formal pole to cut: the story ends here for this territory.")
else:
    print(f"pole {target}: cash {alive[target].cash:.0f} k€, cell "
          f"{alive[target].cell_fte} FTE, subsidised: {alive[target].la_active}")  # fmt: skip
    if not alive[target].la_active:
        print("(it has no local subsidy right now: the authority will not fund it next year)")
    start = len(model.events)
    model.intervene("stop_subsidy", pole=target)
    marks.append((model.month + 1, "subsidy stops"))
    run(24)
    print("two years later, for this pole:")
    display(what_happened(start, target).to_frame("events"))
    display(poles_now(model).query("pole == @target"))

# %% [markdown]
# *Discuss:* `cell_cut` is the team shrinking; `subsidy_started` means the authority
# decided to pay again at its next yearly decision (it decides once a year); a pole
# without a team may start to *vegetate* (`pole_vegetating`) and die. Which funding
# sources are left? (In
# [docs/field.md](../docs/field.md): dues, the local authority, a share of revenue,
# calls for projects.)

# %% [markdown]
# ## Stage 5 — "A call for projects opens"
#
# The State opens a national call for projects (*appel à projets*) for a year: poles
# (and informal groups) can win a grant for their coordination team, for a few years
# (web view: **A call for projects opens (12 months)**).
#
# *Ask the class:* who will win? Will the grant save a fragile pole — and what happens
# when it ends?

# %%
start = len(model.events)
model.intervene("open_call", months=12)
marks.append((model.month + 1, "call opens"))
run(36)
print("three years later, in the whole territory:")
display(what_happened(start).to_frame("events"))
display(poles_now(model))

# %% [markdown]
# *Discuss:* `grant_won` and later `grant_ended`. A grant is time-limited: what did the
# pole build with it? (If a pole still has grant months left, the web view's button
# **This pole's grant ends**, or `model.intervene("end_grant", pole=…)`, ends it at once: try it.)

# %% [markdown]
# ## Stage 6 — What if we had done nothing?
#
# The twin territory has the same organisations, the same persons and the same
# beginning, and nobody intervened. Compare.

# %%
ours = model.datacollector.get_model_vars_dataframe()
alone = twin.datacollector.get_model_vars_dataframe()
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for ax, col, title in [
    (axes[0], "poles_formal", "formal poles"),
    (axes[1], "mean_person_trust", "mean trust between persons"),
]:
    ax.plot(ours[col].to_numpy(), label="our story (with the interventions)")
    ax.plot(alone[col].to_numpy(), label="the twin, left alone", alpha=0.7)
    for month, label in marks:
        ax.axvline(month, color="grey", ls=":")
        ax.annotate(label, (month, ax.get_ylim()[1]), rotation=90, va="top", fontsize=8)
    ax.set(title=title, xlabel="month")
axes[0].legend(fontsize="small")
plt.show()
print(f"living poles now: {len(model.pole_views())} in our story, "
      f"{len(twin.pole_views())} in the twin")  # fmt: skip

# %% [markdown]
# **To conclude with the class.**
#
# 1. What did the leader's departure cost? Who carries cooperation in your own
#    organisations, and what happens when they leave?
# 2. Which source of money would you choose to fund a coordination team, as a local
#    authority? As a member?
# 3. The twin is **one** other history. Would you conclude from one territory? (Notebook
#    `03_funding_policies` compares policies on many territories, with intervals.)
# 4. What does the model leave out that matters in real poles?
#
# **Variations** for another class: change `SEED`; start from another territory
# (`TerritoryModel("rural_food", seed=SEED)`, `"metropolis"`, `"industrial_valley"`);
# or make people change jobs more often (`TerritoryModel("baseline", seed=SEED,
# turnover_rate=0.04)`).
