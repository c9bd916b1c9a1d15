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


def _month_lines(month: int, evs: list[Event], model: TerritoryModel, lang: Lang) -> list[FeedItem]:
    out: list[FeedItem] = []
    fr = lang == "fr"
    departures = [e for e in evs if e.kind == "departure"]
    leaders_lost = {(e.org, e.person) for e in evs if e.kind == "leader_lost"}
    shown = 0
    for e in sorted(departures, key=lambda e: -e.value):
        if shown >= MAX_DEPARTURE_LINES or (
            e.value < NOTABLE_TIES and (e.org, e.person) not in leaders_lost
        ):
            continue
        who = org_name(model, e.org, lang)
        ties = int(e.value)
        if fr:
            text = (
                f"La personne chargée de coopération de {who} est partie ; "
                f"{ties} liens de confiance affaiblis."
            )
        else:
            text = f"The cooperation officer of {who} left; {ties} trust ties weakened."
        out.append(FeedItem(month, text, "bad"))
        shown += 1
    if len(departures) > shown:
        rest = len(departures) - shown
        arrivals = sum(e.kind == "arrival" for e in evs)
        if fr:
            text = (
                f"{rest} autre(s) départ(s) et {arrivals} arrivée(s) "
                "dans les organisations ce mois-ci."
            )
        else:
            text = (
                f"{rest} other departure(s) and {arrivals} arrival(s) "
                "in the organisations this month."
            )
        out.append(FeedItem(month, text, "info"))
    out.extend(_membership_lines(month, evs, model, lang))
    started = sum(e.kind == "project_started" for e in evs)
    done = [e for e in evs if e.kind == "project_completed"]
    if started or done:
        ok = sum(e.value > 0.5 for e in done)
        if fr:
            text = (
                f"{started} coopération(s) lancée(s) ; {len(done)} terminée(s), "
                f"dont {ok} réussie(s)."
            )
        else:
            text = f"{started} cooperation(s) started; {len(done)} completed, {ok} successful."
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
    fr = lang == "fr"
    out = []
    left = [e for e in evs if e.kind == "pole_left"]
    for e in left[:MAX_DEPARTURE_LINES]:
        who, pole = org_name(model, e.org, lang), _pole(lang, e.pole)
        if e.code == 1:
            why = " (cotisations impayées)" if fr else " (unpaid dues)"
        else:
            why = " (plus assez d'intérêt)" if fr else " (no longer worth it)"
        text = f"{who} quitte {pole}{why}." if fr else f"{who} leaves {pole}{why}."
        out.append(FeedItem(month, _cap(text), "bad"))
    if len(left) > MAX_DEPARTURE_LINES:
        n = len(left) - MAX_DEPARTURE_LINES
        text = f"{n} autre(s) départ(s) de pôles." if fr else f"{n} other(s) left a pole."
        out.append(FeedItem(month, text, "bad"))
    joined = sum(e.kind == "pole_joined" for e in evs)
    if joined:
        text = (
            f"{joined} organisation(s) rejoignent un pôle."
            if fr
            else f"{joined} organisation(s) join a pole."
        )
        out.append(FeedItem(month, text, "good"))
    return out


def _notable(e: Event, model: TerritoryModel, lang: Lang) -> tuple[str, str] | None:
    """The sentence and tone of one notable event, or None for the routine ones."""
    fr = lang == "fr"
    p = _pole(lang, e.pole) if e.pole >= 0 else ""
    k = e.kind
    if k == "pole_formed":
        n = int(e.value)
        return (
            _cap(f"{p} est né autour de {org_name(model, e.org, lang)} ({n} membres).")
            if fr
            else _cap(f"{p} formed around {org_name(model, e.org, lang)} ({n} members)."),
            "good",
        )
    if k == "pole_formalised":
        n = int(e.value)
        return (
            _cap(f"{p} s'est formalisé avec {n} membres.")
            if fr
            else _cap(f"{p} formalised with {n} members."),
            "good",
        )
    if k == "pole_vegetating":
        return (
            _cap(f"{p} est en sommeil : sa cellule n'a plus de salarié.")
            if fr
            else _cap(f"{p} is vegetating: its cell has no staff left."),
            "bad",
        )
    if k == "pole_reanimated":
        return (
            _cap(f"{p} repart : sa cellule embauche à nouveau.")
            if fr
            else _cap(f"{p} is revived: its cell hires again."),
            "good",
        )
    if k == "pole_died":
        cause = CAUSES[e.code] if 0 <= e.code < len(CAUSES) else ""
        causes_fr = {
            "funding": "faute d'argent",
            "trust_collapse": "la confiance s'est effondrée",
            "leader_loss": "plus personne pour le porter",
            "membership_erosion": "trop peu de membres",
        }
        causes_en = {
            "funding": "out of money",
            "trust_collapse": "trust collapsed",
            "leader_loss": "nobody left to lead it",
            "membership_erosion": "too few members",
        }
        return (
            _cap(f"{p} a disparu ({causes_fr.get(cause, cause)}).")
            if fr
            else _cap(f"{p} died ({causes_en.get(cause, cause)})."),
            "bad",
        )
    if k == "leader_lost":
        who = org_name(model, e.org, lang)
        return (
            _cap(f"{p} a perdu son leader, de {who}.")
            if fr
            else _cap(f"{p} lost its leader, from {who}."),
            "bad",
        )
    if k == "leader_found":
        who = org_name(model, e.org, lang)
        return (
            _cap(f"{p} a un nouveau leader, de {who}.")
            if fr
            else _cap(f"{p} has a new leader, from {who}."),
            "good",
        )
    if k == "grant_won":
        amount = number(lang, e.value, 1)
        return (
            _cap(f"{p} est lauréat d'un appel à projets ({amount} k€ par mois, {e.code} mois).")
            if fr
            else _cap(f"{p} won a call for projects ({amount} k€ a month, {e.code} months)."),
            "good",
        )
    if k == "grant_ended":
        return (
            _cap(f"Fin de la subvention d'appel pour {p}.")
            if fr
            else _cap(f"The call grant of {p} ended."),
            "bad",
        )
    if k in ("cell_hired", "cell_cut"):
        fte = number(lang, e.value, 1)
        if k == "cell_hired":
            return (
                _cap(f"{p} embauche : la cellule passe à {fte} ETP.")
                if fr
                else _cap(f"{p} hires: its cell grows to {fte} FTE."),
                "good",
            )
        return (
            _cap(f"{p} réduit sa cellule à {fte} ETP.")
            if fr
            else _cap(f"{p} cuts its cell to {fte} FTE."),
            "bad",
        )
    if k == "subsidy_started":
        return (
            _cap(f"La collectivité subventionne {p}.")
            if fr
            else _cap(f"The local authority subsidises {p}."),
            "good",
        )
    if k == "subsidy_stopped":
        return (
            _cap(f"La collectivité arrête de subventionner {p}.")
            if fr
            else _cap(f"The local authority stops subsidising {p}."),
            "bad",
        )
    if k == "intervention":
        return _intervention(e, lang), "action"
    return None


def _intervention(e: Event, lang: Lang) -> str:
    from ptce_sim.world.interventions import KINDS

    kind = KINDS[e.code] if 0 <= e.code < len(KINDS) else "?"
    target = _pole(lang, e.pole) if e.pole >= 0 else ""
    fr = lang == "fr"
    if kind == "leader_leaves":
        return (
            f"Intervention : le leader de {target} s'en va."
            if fr
            else f"Intervention: the leader of {target} leaves."
        )
    if kind == "end_grant":
        return (
            f"Intervention : la subvention de {target} s'arrête."
            if fr
            else f"Intervention: the grant of {target} ends."
        )
    if kind == "stop_subsidy":
        if e.pole >= 0:
            return (
                f"Intervention : la collectivité arrête de soutenir {target}."
                if fr
                else f"Intervention: the local authority stops supporting {target}."
            )
        return (
            "Intervention : la collectivité arrête toute subvention aux pôles."
            if fr
            else "Intervention: the local authority stops every subsidy to poles."
        )
    if kind == "open_call":
        months = int(e.value)
        return (
            f"Intervention : un appel à projets s'ouvre pour {months} mois."
            if fr
            else f"Intervention: a call for projects opens for {months} months."
        )
    return "Intervention."
