"""Every word of the web view in French (default) and English.

Why one table: the whole interface — labels, help, event feed — must switch language
with one toggle, and a missing translation must fail a test rather than show a key to a
class. :func:`tr` looks a key up; :data:`TEXT` holds ``key -> (français, English)``.
The parameters' own labels live with the levers (``levers.py``), the event sentences
with the feed (``feed.py``).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")
DEFAULT_LANG: Lang = "fr"

TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "Pôles territoriaux de coopération — simulateur",
        "Territorial cooperation poles — simulator",
    ),
    "warming": (
        "Préparation du modèle (la première fois sur cette machine : quelques minutes)…",
        "Preparing the model (the first time on this machine: a few minutes)…",
    ),
    "tab_territory": ("Territoire", "Territory"),
    "tab_compare": ("Comparer deux politiques", "Compare two policies"),
    "controls": ("Commandes", "Controls"),
    "scenario": ("Scénario", "Scenario"),
    "seed": ("Graine du hasard", "Random seed"),
    "seed_help": (
        "Même graine, mêmes tirages : deux politiques se comparent à hasard égal.",
        "Same seed, same dice: two policies compare on equal luck.",
    ),
    "levers": ("Leviers", "Levers"),
    "advanced": ("Leviers avancés", "Advanced levers"),
    "levers_note": (
        "Les leviers s'appliquent au prochain « Recommencer ».",
        "Lever changes apply at the next “Reset”.",
    ),
    "pending": (
        "Modifié : cliquez « Recommencer » pour l'appliquer.",
        "Changed: click “Reset” to apply.",
    ),
    "step": ("Un mois", "One month"),
    "play": ("Lecture", "Play"),
    "pause": ("Pause", "Pause"),
    "reset": ("Recommencer", "Reset"),
    "speed": ("Vitesse (mois par seconde)", "Speed (months per second)"),
    "month": ("Mois {month} sur {total}", "Month {month} of {total}"),
    "month_start": ("Début : aucun mois simulé", "Start: no month simulated yet"),
    "finished": ("Fin de la simulation", "End of the run"),
    "territory": ("Le territoire", "The territory"),
    "territory_help": (
        "Chaque disque est une organisation (couleur : type ; taille : salariés). "
        "Un trait relie deux organisations dont les personnes en poste ont travaillé ensemble ; "
        "il est plus épais quand la confiance est forte. "
        "Les pôles sont entourés ; ★ marque l'organisation du leader, ○ un poste vacant.",
        "Each disc is an organisation (colour: kind; size: staff). A line joins two "
        "organisations whose persons in post worked together; it is thicker when trust is "
        "high. Poles are outlined; ★ marks the leader's organisation, "
        "○ a vacant post.",
    ),
    "series": ("Au fil des mois", "Month by month"),
    "poles_by_status": ("Pôles par statut", "Poles by status"),
    "cell_cash": ("Trésorerie des cellules (k€)", "Cash of the cells (k€)"),
    "cell_fte": ("Salariés des cellules (ETP)", "Staff of the cells (FTE)"),
    "coops_by_kind": (
        "Coopérations lancées par type (par mois)",
        "Cooperations started by kind (a month)",
    ),
    "trust": ("Confiance moyenne", "Mean trust"),
    "departed": ("Personnes parties (par mois)", "Persons departed (a month)"),
    "cards": ("Les pôles", "The poles"),
    "no_pole": ("Aucun pôle pour l'instant.", "No pole yet."),
    "feed": ("Ce qui vient de se passer", "What just happened"),
    "feed_empty": ("Rien de notable pour l'instant.", "Nothing notable yet."),
    "interventions": ("Et si… ? (interventions)", "What if…? (interventions)"),
    "interventions_help": (
        "Agissez sur le territoire maintenant, puis regardez les conséquences.",
        "Act on the territory now, then watch the consequences.",
    ),
    "which_pole": ("Pôle concerné", "Which pole"),
    "leader_leaves": ("Le leader de ce pôle part", "This pole's leader leaves"),
    "end_grant": ("La subvention de ce pôle s'arrête", "This pole's grant ends"),
    "stop_subsidy": (
        "La collectivité arrête sa subvention",
        "The local authority stops its subsidy",
    ),
    "open_call": ("Un appel à projets s'ouvre (12 mois)", "A call for projects opens (12 months)"),
    "no_living_pole": ("Pas de pôle vivant à viser.", "No living pole to act on."),
    "why_no living pole with this id": ("ce pôle n'existe plus", "this pole no longer exists"),
    "why_this pole has no leader in post": (
        "ce pôle n'a pas de leader en poste",
        "this pole has no leader in post",
    ),
    "why_this pole has no grant running": (
        "ce pôle n'a pas de subvention d'appel en cours",
        "this pole has no call grant running",
    ),
    "done": ("Fait : regardez le fil et le territoire.", "Done: watch the feed and the territory."),
    "refused": ("Impossible : {reason}", "Not possible: {reason}"),
    # pole cards
    "status_0": ("informel", "informal"),
    "status_1": ("formalisé", "formal"),
    "status_2": ("en sommeil", "vegetating"),
    "status_3": ("disparu", "dead"),
    "gov_0": ("sans structure", "no structure"),
    "gov_1": ("structure dédiée (association ou SCIC)", "dedicated body (association or SCIC)"),
    "gov_2": ("animation déléguée à un membre", "animation delegated to a member"),
    "card_members": ("{n} membres", "{n} members"),
    "card_age": ("âge : {years} an(s) {months} mois", "age: {years} y {months} m"),
    "card_leader": ("leader : {name}", "leader: {name}"),
    "card_no_leader": ("pas de leader en poste", "no leader in post"),
    "card_cell": ("cellule : {fte} ETP", "cell: {fte} FTE"),
    "card_cash": (
        "trésorerie : {cash} k€ ({months} mois de cellule)",
        "cash: {cash} k€ ({months} months of cell cost)",
    ),
    "card_cash_nocell": ("trésorerie : {cash} k€ (pas de salarié)", "cash: {cash} k€ (no staff)"),
    "card_income": ("recettes cumulées", "income to date"),
    "card_grant": ("subvention d'appel : encore {months} mois", "call grant: {months} more months"),
    "card_la": ("soutien de la collectivité en cours", "local authority subsidy running"),
    "src_dues": ("cotisations", "dues"),
    "src_la_subsidy": ("collectivité", "local authority"),
    "src_call_grant": ("appel à projets", "call for projects"),
    "src_structural": ("financement structurel", "structural funding"),
    "src_matching": ("abondement", "matching funds"),
    "src_revenue_share": ("part des gains", "revenue share"),
    # kinds of organisation and of cooperation
    "kind_0": ("association", "association"),
    "kind_1": ("coopérative", "cooperative"),
    "kind_2": ("entreprise d'insertion", "insertion enterprise"),
    "kind_3": ("entreprise", "firm"),
    "kind_4": ("collectivité", "local authority"),
    "kind_5": ("centre de recherche ou de formation", "research or training centre"),
    "pkind_commercial": ("commerciale", "commercial"),
    "pkind_pooling": ("mutualisation", "pooling"),
    "pkind_strategic": ("stratégique", "strategic"),
    "pkind_rnd": ("R&D", "R&D"),
    "poles_informal": ("informels", "informal"),
    "poles_formal": ("formalisés", "formal"),
    "poles_vegetating": ("en sommeil", "vegetating"),
    "mean_person_trust": ("entre personnes", "between persons"),
    "mean_org_trust": ("entre organisations", "between organisations"),
    "member_trust": ("entre membres d'un pôle formel", "between members of a formal pole"),
    "persons_departed": ("départs", "departures"),
    "months_axis": ("mois", "months"),
    "month_prefix": ("mois", "month"),
    "years_axis": ("années après formalisation", "years after formalisation"),
    # compare mode
    "compare_intro": (
        "Deux politiques, les mêmes graines : chaque réplique rejoue le même territoire et "
        "les mêmes hasards, seule la politique change. Les bandes sont des intervalles de "
        "confiance à 95 %.",
        "Two policies, the same seeds: each replicate replays the same territory and the "
        "same dice; only the policy differs. Bands are 95 % confidence intervals.",
    ),
    "policy_a": ("Politique A", "Policy A"),
    "policy_b": ("Politique B", "Policy B"),
    "replicates": ("Répliques", "Replicates"),
    "run_compare": ("Lancer la comparaison", "Run the comparison"),
    "cancel": ("Annuler", "Cancel"),
    "progress": ("{done} simulations sur {total}", "{done} runs of {total}"),
    "survival": ("Survie des pôles formalisés", "Survival of formal poles"),
    "per_pole_year": (
        "Argent public par année de pôle survivant",
        "Public money per surviving pole-year",
    ),
    "k_eur_pole_year": ("k€ par année de pôle", "k€ per pole-year"),
    "formal_poles_n": ("{n} pôles formalisés", "{n} formal poles"),
    "alive_end": ("pôles vivants à la fin", "poles alive at the end"),
    "public_spent": ("argent public dépensé (k€)", "public money spent (k€)"),
    "same_policy": ("Choisissez deux politiques différentes.", "Pick two different policies."),
    "compare_failed": ("La comparaison a échoué : {error}", "The comparison failed: {error}"),
}


def tr(lang: Lang, key: str, **values: object) -> str:
    """The text ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    fr, en = TEXT[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text


def reason(lang: Lang, message: str) -> str:
    """Why an intervention was refused, from the model's (English) message."""
    key = f"why_{message}"
    return tr(lang, "refused", reason=tr(lang, key) if key in TEXT else message)


def number(lang: Lang, x: float, digits: int = 1) -> str:
    """A number as people of that language write it (French: decimal comma)."""
    text = f"{x:,.{digits}f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text
