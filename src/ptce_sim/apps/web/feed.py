"""The event feed: the model's event record told in plain French or English.

Why: a curve says *that* trust fell; a class needs to read *why* — "the project officer
of the association Les Jardins left; 3 trust ties weakened". This module turns the
events of a month (``world/events.py``) into sentences. The many small events
(arrivals, projects) are summed up in one line per month; the rare ones a class should
notice (a pole forms or dies, a leader leaves, a grant ends, an intervention) get a line
each. Organisations and poles get names (the model numbers them) so that a class can
follow them: the same index always gets the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ptce_sim.apps.web.i18n import Lang, number, tr
from ptce_sim.rules.poles import CAUSES

if TYPE_CHECKING:
    from ptce_sim.world.events import Event
    from ptce_sim.world.model import TerritoryModel

ORG_NAMES: tuple[str, ...] = (
    "Les Jardins",
    "La Ressourcerie",
    "Bois d'Ici",
    "L'Atelier",
    "Terre Vive",
    "Le Relais",
    "Les Compagnons",
    "Solid'Aire",
    "La Fabrique",
    "Le Chantier",
    "Les Pousses",
    "Mobil'Idée",
    "La Navette",
    "Les Toits",
    "La Forge",
    "L'Échoppe",
    "Le Moulin",
    "Les Sentiers",
    "La Clé",
    "Le Fil",
    "Les Granges",
    "La Source",
    "L'Envol",
    "Le Marché",
    "Les Ruches",
    "La Passerelle",
    "L'Escale",
    "Le Verger",
    "La Boussole",
    "Les Semeurs",
    "L'Abri",
    "Le Pressoir",
    "La Halle",
    "Les Tisserands",
    "Le Phare",
    "La Cordée",
)
POLE_NAMES: tuple[str, ...] = (
    "Vallée",
    "Plateau",
    "Rivière",
    "Bocage",
    "Coteaux",
    "Forêt",
    "Estuaire",
    "Causse",
    "Marais",
    "Piémont",
    "Lisière",
    "Confluence",
)
#: The French article of each kind of organisation (``OrgKind`` order).
FR_ARTICLES: tuple[str, ...] = ("l'", "la ", "l'", "l'", "la ", "le ")
#: Departures that cost at least this many trust ties get a line of their own.
NOTABLE_TIES = 3
#: At most this many lines for departures in one month (the rest are counted).
MAX_DEPARTURE_LINES = 3


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed: the month it happened and the sentence."""

    month: int
    text: str
    tone: str  # "good", "bad", "info" or "action": the colour of the line


def org_name(model: TerritoryModel, org: int, lang: Lang) -> str:
    """``l'association Les Jardins`` / ``the association Les Jardins`` (stable per index)."""
    kind = int(model.orgs.kind[org])
    base = ORG_NAMES[org % len(ORG_NAMES)]
    if org >= len(ORG_NAMES):
        base = f"{base} {org // len(ORG_NAMES) + 1}"
    word = tr(lang, f"kind_{kind}")
    if lang == "fr":
        return f"{FR_ARTICLES[kind]}{word} {base}"
    return f"the {word} {base}"


def pole_name(pole: int) -> str:
    """A place name for pole ``pole`` (stable per id)."""
    base = POLE_NAMES[pole % len(POLE_NAMES)]
    return base if pole < len(POLE_NAMES) else f"{base} {pole // len(POLE_NAMES) + 1}"


def _pole(lang: Lang, pole: int) -> str:
    return f"le pôle {pole_name(pole)}" if lang == "fr" else f"the {pole_name(pole)} pole"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(events: list[Event], model: TerritoryModel, lang: Lang) -> list[FeedItem]:
    """The feed lines of ``events`` (in order), notable events first within a month."""
    items: list[FeedItem] = []
    by_month: dict[int, list[Event]] = {}
    for e in events:
        by_month.setdefault(e.month, []).append(e)
    for month, evs in by_month.items():
        items.extend(_month_lines(month, evs, model, lang))
    return items


#: The month's summary lines (French, English).
SUMMARY: dict[str, tuple[str, str]] = {
    "departure": (
        "La personne chargée de coopération de {who} est partie ; "
        "{ties} liens de confiance affaiblis.",
        "The cooperation officer of {who} left; {ties} trust ties weakened.",
    ),
    "other_departures": (
        "{rest} autre(s) départ(s) et {arrivals} arrivée(s) dans les organisations ce mois-ci.",
        "{rest} other departure(s) and {arrivals} arrival(s) in the organisations this month.",
    ),
    "cooperations": (
        "{started} coopération(s) lancée(s) ; {done} terminée(s), dont {ok} réussie(s).",
        "{started} cooperation(s) started; {done} completed, {ok} successful.",
    ),
    "pole_left": ("{who} quitte {pole} ({why}).", "{who} leaves {pole} ({why})."),
    "unpaid_dues": ("cotisations impayées", "unpaid dues"),
    "not_worth_it": ("plus assez d'intérêt", "no longer worth it"),
    "others_left_poles": ("{n} autre(s) départ(s) de pôles.", "{n} other(s) left a pole."),
    "joined": ("{n} organisation(s) rejoignent un pôle.", "{n} organisation(s) join a pole."),
}


def _say(lang: Lang, key: str, **fields: object) -> str:
    """A summary line in ``lang`` with its fields filled in."""
    return _in(lang, SUMMARY[key]).format(**fields)


def _month_lines(month: int, evs: list[Event], model: TerritoryModel, lang: Lang) -> list[FeedItem]:
    out: list[FeedItem] = []
    departures = [e for e in evs if e.kind == "departure"]
    leaders_lost = {(e.org, e.person) for e in evs if e.kind == "leader_lost"}
    shown = 0
    for e in sorted(departures, key=lambda e: -e.value):
        if shown >= MAX_DEPARTURE_LINES or (
            e.value < NOTABLE_TIES and (e.org, e.person) not in leaders_lost
        ):
            continue
        text = _say(lang, "departure", who=org_name(model, e.org, lang), ties=int(e.value))
        out.append(FeedItem(month, text, "bad"))
        shown += 1
    if len(departures) > shown:
        arrivals = sum(e.kind == "arrival" for e in evs)
        text = _say(lang, "other_departures", rest=len(departures) - shown, arrivals=arrivals)
        out.append(FeedItem(month, text, "info"))
    out.extend(_membership_lines(month, evs, model, lang))
    started = sum(e.kind == "project_started" for e in evs)
    done = [e for e in evs if e.kind == "project_completed"]
    if started or done:
        ok = sum(e.value > 0.5 for e in done)
        text = _say(lang, "cooperations", started=started, done=len(done), ok=ok)
        out.append(FeedItem(month, text, "info"))
    for e in evs:
        line = _notable(e, model, lang)
        if line is not None:
            out.append(FeedItem(month, *line))
    return out


def _membership_lines(
    month: int, evs: list[Event], model: TerritoryModel, lang: Lang
) -> list[FeedItem]:
    """Organisations leaving a pole (a line each, a few a month), joins summed up."""
    out = []
    left = [e for e in evs if e.kind == "pole_left"]
    for e in left[:MAX_DEPARTURE_LINES]:
        why = _say(lang, "unpaid_dues" if e.code == 1 else "not_worth_it")
        text = _say(
            lang, "pole_left", who=org_name(model, e.org, lang), pole=_pole(lang, e.pole), why=why
        )
        out.append(FeedItem(month, _cap(text), "bad"))
    if len(left) > MAX_DEPARTURE_LINES:
        n = len(left) - MAX_DEPARTURE_LINES
        out.append(FeedItem(month, _say(lang, "others_left_poles", n=n), "bad"))
    joined = sum(e.kind == "pole_joined" for e in evs)
    if joined:
        out.append(FeedItem(month, _say(lang, "joined", n=joined), "good"))
    return out


#: The sentence of each notable event (French, English) and its tone. Fields: {pole}
#: the pole ("le pôle Vallée"), {who} the organisation of ``org``, {n} the value as a
#: whole number, {value} the value with one decimal (k€ a month, FTE), {months} the
#: code (a grant's length), {cause} why a pole died.
NOTABLE: dict[str, tuple[str, str, str]] = {
    "pole_formed": (
        "{pole} est né autour de {who} ({n} membres).",
        "{pole} formed around {who} ({n} members).",
        "good",
    ),
    "pole_formalised": (
        "{pole} s'est formalisé avec {n} membres.",
        "{pole} formalised with {n} members.",
        "good",
    ),
    "pole_vegetating": (
        "{pole} est en sommeil : sa cellule n'a plus de salarié.",
        "{pole} is vegetating: its cell has no staff left.",
        "bad",
    ),
    "pole_reanimated": (
        "{pole} repart : sa cellule embauche à nouveau.",
        "{pole} is revived: its cell hires again.",
        "good",
    ),
    "pole_died": ("{pole} a disparu ({cause}).", "{pole} died ({cause}).", "bad"),
    "leader_lost": (
        "{pole} a perdu son leader, de {who}.",
        "{pole} lost its leader, from {who}.",
        "bad",
    ),
    "leader_found": (
        "{pole} a un nouveau leader, de {who}.",
        "{pole} has a new leader, from {who}.",
        "good",
    ),
    "grant_won": (
        "{pole} est lauréat d'un appel à projets ({value} k€ par mois, {months} mois).",
        "{pole} won a call for projects ({value} k€ a month, {months} months).",
        "good",
    ),
    "grant_ended": (
        "Fin de la subvention d'appel pour {pole}.",
        "The call grant of {pole} ended.",
        "bad",
    ),
    "cell_hired": (
        "{pole} embauche : la cellule passe à {value} ETP.",
        "{pole} hires: its cell grows to {value} FTE.",
        "good",
    ),
    "cell_cut": (
        "{pole} réduit sa cellule à {value} ETP.",
        "{pole} cuts its cell to {value} FTE.",
        "bad",
    ),
    "subsidy_started": (
        "La collectivité subventionne {pole}.",
        "The local authority subsidises {pole}.",
        "good",
    ),
    "subsidy_stopped": (
        "La collectivité arrête de subventionner {pole}.",
        "The local authority stops subsidising {pole}.",
        "bad",
    ),
}
#: Why a pole died, in words (French, English), by its cause in ``rules.poles.CAUSES``.
CAUSE_WORDS: dict[str, tuple[str, str]] = {
    "funding": ("faute d'argent", "out of money"),
    "trust_collapse": ("la confiance s'est effondrée", "trust collapsed"),
    "leader_loss": ("plus personne pour le porter", "nobody left to lead it"),
    "membership_erosion": ("trop peu de membres", "too few members"),
}
#: The line of each intervention (French, English); ``stop_subsidy_all`` is the local
#: authority's stop for every pole (no target). {pole} the target, {n} the months.
INTERVENTIONS: dict[str, tuple[str, str]] = {
    "leader_leaves": (
        "Intervention : le leader de {pole} s'en va.",
        "Intervention: the leader of {pole} leaves.",
    ),
    "end_grant": (
        "Intervention : la subvention de {pole} s'arrête.",
        "Intervention: the grant of {pole} ends.",
    ),
    "stop_subsidy": (
        "Intervention : la collectivité arrête de soutenir {pole}.",
        "Intervention: the local authority stops supporting {pole}.",
    ),
    "stop_subsidy_all": (
        "Intervention : la collectivité arrête toute subvention aux pôles.",
        "Intervention: the local authority stops every subsidy to poles.",
    ),
    "open_call": (
        "Intervention : un appel à projets s'ouvre pour {n} mois.",
        "Intervention: a call for projects opens for {n} months.",
    ),
}


def _in(lang: Lang, words: tuple[str, ...]) -> str:
    """The French or the English of a (French, English, ...) entry."""
    return words[0] if lang == "fr" else words[1]


def _notable(e: Event, model: TerritoryModel, lang: Lang) -> tuple[str, str] | None:
    """The sentence and tone of one notable event, or None for the routine ones."""
    if e.kind == "intervention":
        return _intervention(e, lang), "action"
    entry = NOTABLE.get(e.kind)
    if entry is None:
        return None
    template = _in(lang, entry)
    cause = CAUSES[e.code] if 0 <= e.code < len(CAUSES) else ""
    text = template.format(
        pole=_pole(lang, e.pole) if e.pole >= 0 else "",
        who=org_name(model, e.org, lang) if "{who}" in template else "",
        n=int(e.value),
        value=number(lang, e.value, 1),
        months=e.code,
        cause=_in(lang, CAUSE_WORDS[cause]) if cause in CAUSE_WORDS else cause,
    )
    return _cap(text), entry[2]


def _intervention(e: Event, lang: Lang) -> str:
    from ptce_sim.world.interventions import KINDS

    kind = KINDS[e.code] if 0 <= e.code < len(KINDS) else "?"
    if kind == "stop_subsidy" and e.pole < 0:
        kind = "stop_subsidy_all"
    if kind not in INTERVENTIONS:
        return "Intervention."
    target = _pole(lang, e.pole) if e.pole >= 0 else ""
    return _in(lang, INTERVENTIONS[kind]).format(pole=target, n=int(e.value))
