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
# # 05 — En classe : la vie d'un pôle de coopération
#
# *Une histoire guidée, à projeter. Exécutez une cellule à la fois ; avant chaque
# cellule qui « fait avancer le temps », posez la question à la classe et notez les
# prédictions au tableau. Le carnet entier s'exécute en quelques secondes (un seul
# territoire, quelques années à la fois). La version anglaise est `05_classroom` ; le
# plan de séance qui l'accompagne : [docs/teachers.md](../docs/teachers.md).*
#
# **Le décor.** Un territoire — un bassin d'emploi, une vallée, un pays — avec quelque
# quatre-vingts organisations : associations, coopératives (SCOP, SCIC), structures
# d'insertion par l'activité économique (SIAE), quelques entreprises classiques,
# collectivités territoriales, centres de recherche et de formation. Quand de telles
# organisations portent ensemble une stratégie durable de mutualisation et de
# coopération, elles peuvent former un **PTCE**, un *pôle territorial de coopération
# économique* (reconnu par la loi de 2014 relative à l'économie sociale et solidaire,
# ESS). On en comptait environ 160 au milieu des années 2010, d'une quinzaine de
# membres chacun en moyenne ([docs/field.md](../docs/field.md)).
#
# **Le modèle en une phrase.** Les organisations coopèrent quand leurs personnes se
# font confiance, partagent des valeurs et voient un retour sur le temps qu'elles
# investissent ; un pôle est un groupe qui a coopéré assez longtemps pour se donner une
# forme juridique et une petite équipe de coordination, la *cellule d'animation* —
# qu'il faut bien financer.
#
# Les chiffres de cette histoire viennent de la simulation (le modèle est en cours de
# recalibrage : ce texte n'en cite aucun) : lisez-les à voix haute dans les sorties.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from ptce_sim.world.model import TerritoryModel

SEED = 37  # le territoire de la séance ; changez-le pour une autre histoire
model = TerritoryModel("baseline", seed=SEED)
jumeau = TerritoryModel("baseline", seed=SEED)  # le même territoire, laissé tranquille
reperes = []  # (mois, ce que nous avons fait) : tracés sur le graphique final

STATUTS = {"INFORMAL": "informel", "FORMAL": "formel", "VEGETATING": "en sommeil"}


def avancer(mois):
    """Fait avancer le territoire de la classe (et son jumeau) de ``mois`` mois."""
    for _ in range(mois):
        model.step()
        jumeau.step()


def poles(m):
    """Un petit tableau des pôles vivants."""
    return pd.DataFrame(
        {
            "pôle": c.pole_id,
            "statut": STATUTS.get(c.status.name, c.status.name),
            "membres": len(c.members),
            "a un·e leader": c.leader is not None,
            "cellule (ETP)": c.cell_fte,
            "trésorerie (k€)": round(c.cash),
            "subvention locale": c.la_active,
            "mois de subvention AAP restants": c.grant_months_left,
        }
        for c in m.pole_views()
    )


def pole_principal(m):
    """Le plus grand pôle formel vivant qui a un·e leader en poste (None s'il n'y en a pas)."""
    cartes = [c for c in m.pole_views() if c.status.name == "FORMAL" and c.leader is not None]
    return max(cartes, key=lambda c: len(c.members)) if cartes else None


def ce_qui_s_est_passe(depuis, pole=None):
    """Nombre d'événements notables depuis l'événement numéro ``depuis`` (d'un pôle)."""
    ev = model.events.frame().iloc[depuis:]
    ev = ev[~ev["kind"].isin(["project_started", "project_completed"])]
    if pole is not None:
        ev = ev[ev["pole"] == pole]
    n = ev["kind"].astype(str).value_counts()
    return n[n > 0]


# %% [markdown]
# ## Étape 1 — Le territoire, avant que rien ne se passe
#
# *Demandez à la classe :* qui sont ces organisations ? Qui va coopérer avec qui — les
# associations entre elles, ou entre types différents ? Un pôle va-t-il apparaître, et
# qui va le mener ?

# %%
types = pd.Series([org.kind.name for org in model.agents]).value_counts()
print("organisations par type :", types.to_dict())
print("personnes qui coopèrent pour elles :", sum(org.n_persons for org in model.agents))
print("pôles déjà en formation (des années de coopération antérieure) :", len(model.pole_views()))
display(poles(model))

# %% [markdown]
# `ASSO` association, `COOP` coopérative, `SIAE` structure d'insertion, `FIRM`
# entreprise classique, `LA` collectivité, `RT` centre de recherche ou de formation.
# Chaque organisation a une à trois personnes qui coopèrent vraiment pour elle : **la
# confiance vit entre ces personnes**, pas entre des logos.

# %% [markdown]
# ## Étape 2 — Cinq ans passent
#
# *Demandez à la classe :* dans cinq ans, combien y aura-t-il de pôles ? Se seront-ils
# formalisés (une structure juridique, une équipe d'animation) ?

# %%
debut = len(model.events)
avancer(60)
print(f"mois {model.month + 1} : ce qui s'est passé en cinq ans")
display(ce_qui_s_est_passe(debut).to_frame("événements"))
display(poles(model))

# %% [markdown]
# *À discuter :* `pole_formalised`, c'est un groupe qui se donne une forme juridique ;
# `cell_hired`, un pôle qui recrute son animateur ou son animatrice ; `departure` et
# `arrival`, des personnes qui changent d'emploi — on arrive et on part tout le temps.
# Quels pôles reçoivent une subvention locale ?

# %% [markdown]
# ## Étape 3 — « Le ou la leader s'en va »
#
# La personne qui anime le plus grand pôle part travailler ailleurs. Dans la vue web,
# c'est le bouton **Le leader de ce pôle part** ; ici,
# `model.intervene("leader_leaves", pole=…)`.
#
# *Demandez d'abord à la classe :* qu'arrive-t-il au pôle ? Trouvera-t-il quelqu'un
# pour reprendre ? Des membres vont-ils partir ? Le pôle va-t-il mourir ?

# %%
pole = pole_principal(model)
if pole is None:
    print("Aucun pôle formel avec un·e leader en ce moment : relancez l'étape 2 "
          "(ou essayez un autre SEED).")  # fmt: skip
else:
    choisi = pole.pole_id
    print(f"pôle {choisi} : {len(pole.members)} membres ; son ou sa leader travaille pour "
          f"l'organisation {pole.leader[0]}, et s'en va")  # fmt: skip
    debut = len(model.events)
    model.intervene("leader_leaves", pole=choisi)
    reperes.append((model.month + 1, "départ du leader"))
    avancer(12)
    print("un an plus tard, pour ce pôle :")
    display(ce_qui_s_est_passe(debut, choisi).to_frame("événements"))
    display(poles(model).query("pôle == @choisi"))

# %% [markdown]
# *À discuter :* la valeur (`value`) de l'événement `departure` est le nombre de liens
# personnels que le ou la leader a emportés. Quelqu'un a-t-il repris (`leader_found`) ?
# Au bout de combien de temps ? Sur le terrain : « tout changement dans les équipes
# peut déstabiliser la dynamique ».

# %% [markdown]
# ## Étape 4 — « La collectivité arrête sa subvention »
#
# Les budgets sont serrés ; la collectivité cesse de financer l'équipe d'animation du
# pôle (vue web : **La collectivité arrête sa subvention**, qui l'arrête pour tous les
# pôles ; ici, pour un seul).
#
# *Demandez à la classe :* le pôle peut-il vivre des cotisations de ses membres ? Que
# va faire la cellule d'animation ?

# %%
vivants = {c.pole_id: c for c in model.pole_views()}
cible = choisi if pole is not None and choisi in vivants else None
if cible is None and (autre := pole_principal(model)) is not None:
    cible = autre.pole_id
if cible is None:
    print("Aucun pôle formel vivant : l'histoire s'arrête ici pour ce territoire.")
else:
    print(f"pôle {cible} : trésorerie {vivants[cible].cash:.0f} k€, cellule "
          f"{vivants[cible].cell_fte} ETP, subventionné : {vivants[cible].la_active}")  # fmt: skip
    if not vivants[cible].la_active:
        print("(il n'a pas de subvention locale en ce moment : la collectivité ne le "
              "financera pas l'an prochain)")  # fmt: skip
    debut = len(model.events)
    model.intervene("stop_subsidy", pole=cible)
    reperes.append((model.month + 1, "fin de la subvention"))
    avancer(24)
    print("deux ans plus tard, pour ce pôle :")
    display(ce_qui_s_est_passe(debut, cible).to_frame("événements"))
    display(poles(model).query("pôle == @cible"))

# %% [markdown]
# *À discuter :* `cell_cut`, c'est l'équipe qui se réduit ; `subsidy_started` signifie
# que la collectivité a décidé de payer à nouveau lors de sa décision annuelle suivante
# (elle décide une fois par an) ; un pôle sans équipe peut entrer en sommeil
# (`pole_vegetating`) puis mourir. Quelles ressources lui restent ? (Dans
# [docs/field.md](../docs/field.md) : cotisations, collectivité, part du chiffre
# d'affaires, appels à projets.)

# %% [markdown]
# ## Étape 5 — « Un appel à projets s'ouvre »
#
# L'État ouvre un appel à projets national pendant un an : les pôles (et les groupes
# informels) peuvent obtenir une subvention de quelques années pour leur équipe
# d'animation (vue web : **Un appel à projets s'ouvre (12 mois)**).
#
# *Demandez à la classe :* qui va être lauréat ? La subvention sauvera-t-elle un pôle
# fragile — et que se passe-t-il quand elle s'arrête ?

# %%
debut = len(model.events)
model.intervene("open_call", months=12)
reperes.append((model.month + 1, "appel à projets"))
avancer(36)
print("trois ans plus tard, sur tout le territoire :")
display(ce_qui_s_est_passe(debut).to_frame("événements"))
display(poles(model))

# %% [markdown]
# *À discuter :* `grant_won`, puis plus tard `grant_ended`. Une subvention d'appel à
# projets est limitée dans le temps : qu'est-ce que le pôle a construit avec ? (Si un
# pôle a encore des mois de subvention, le bouton **La subvention de ce pôle
# s'arrête** de la vue web, ou
# `model.intervene("end_grant", pole=…)`, l'arrête tout de suite : essayez.)

# %% [markdown]
# ## Étape 6 — Et si nous n'avions rien fait ?
#
# Le territoire jumeau a les mêmes organisations, les mêmes personnes, le même début,
# et personne n'y est intervenu. Comparez.

# %%
nous = model.datacollector.get_model_vars_dataframe()
seul = jumeau.datacollector.get_model_vars_dataframe()
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for ax, col, titre in [
    (axes[0], "poles_formal", "pôles formels"),
    (axes[1], "mean_person_trust", "confiance moyenne entre personnes"),
]:
    ax.plot(nous[col].to_numpy(), label="notre histoire (avec les interventions)")
    ax.plot(seul[col].to_numpy(), label="le jumeau, laissé tranquille", alpha=0.7)
    for mois, texte in reperes:
        ax.axvline(mois, color="grey", ls=":")
        ax.annotate(texte, (mois, ax.get_ylim()[1]), rotation=90, va="top", fontsize=8)
    ax.set(title=titre, xlabel="mois")
axes[0].legend(fontsize="small")
plt.show()
print(f"pôles vivants maintenant : {len(model.pole_views())} dans notre histoire, "
      f"{len(jumeau.pole_views())} chez le jumeau")  # fmt: skip

# %% [markdown]
# **Pour conclure avec la classe.**
#
# 1. Qu'a coûté le départ du ou de la leader ? Qui porte la coopération dans vos
#    propres organisations, et que se passe-t-il quand ces personnes partent ?
# 2. Quelle source de financement choisiriez-vous pour une équipe d'animation, en tant
#    que collectivité ? En tant que membre ?
# 3. Le jumeau n'est qu'**une** autre histoire. Concluriez-vous à partir d'un seul
#    territoire ? (Le carnet `03_funding_policies` compare les politiques sur de
#    nombreux territoires, avec des intervalles de confiance.)
# 4. Qu'est-ce que le modèle laisse de côté et qui compte dans les vrais pôles ?
#
# **Variantes** pour une autre séance : changez `SEED` ; partez d'un autre territoire
# (`TerritoryModel("rural_food", seed=SEED)`, `"metropolis"`, `"industrial_valley"`) ;
# ou faites changer les gens d'emploi plus souvent (`TerritoryModel("baseline",
# seed=SEED, turnover_rate=0.04)`).
