"""The levers of the web view, generated from the parameter declarations.

Why generated: each parameter is declared once (``base/params.py``: default, range, unit,
meaning, role); the sliders read that declaration, so a recalibrated default or a
widened range reaches the page without an edit here. What this module adds is only what
a declaration cannot say: which ten levers a policy maker sees first, a short label in
French and English, and the French meaning (the declaration's ``doc`` is the English).

A lever's value reaches the model as a keyword of ``TerritoryModel`` (``world/keywords.py``),
so the web view builds models exactly as Mesa's ``SolaraViz`` and notebooks do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ptce_sim.apps.web.i18n import Lang
from ptce_sim.base.params import ParamSpec, spec_index
from ptce_sim.world.keywords import identifier
from ptce_sim.world.parameters import Parameters

#: The levers in view, in this order (the rest go under "advanced").
FEATURED: tuple[str, ...] = (
    "funding.la_subsidy",
    "funding.la_renewal",
    "calls.open",
    "calls.grant",
    "structural.amount",
    "funding.matching_rate",
    "funding.dues_flat",
    "cell.fte_cap",
    "turnover.rate",
    "turnover.handover",
    "poles.succession_support",
)

#: Parameters that are not levers but that a teacher may want to vary (under "advanced").
EXTRA: tuple[str, ...] = ("territory.n_orgs", "territory.focus_sector")

#: key -> (French label, English label, French meaning). English meaning: the declaration.
WORDS: dict[str, tuple[str, str, str]] = {
    "funding.la_subsidy": (
        "Subvention annuelle de la collectivité",
        "Local authority's yearly subsidy",
        "subvention annuelle de la collectivité à la cellule d'un pôle formalisé, en salaires "
        "(5 = 25 k€)",
    ),
    "funding.la_renewal": (
        "Chance de renouvellement de la subvention locale",
        "Chance the local subsidy is renewed",
        "probabilité que la subvention locale soit renouvelée chaque année",
    ),
    "calls.open": (
        "Appel à projets national ouvert",
        "National call for projects open",
        "un appel à projets national est ouvert dès le début",
    ),
    "calls.grant": (
        "Montant d'une subvention d'appel",
        "Grant of a call laureate",
        "subvention par lauréat sur toute sa durée, en salaires (appel 2014 : 3 M€ / 23 = 26)",
    ),
    "structural.amount": (
        "Financement structurel annuel par pôle",
        "Yearly structural funding per pole",
        "financement continu annuel de chaque pôle formalisé, en salaires (12 = un ETP)",
    ),
    "funding.matching_rate": (
        "Abondement public des cotisations",
        "Public matching of dues",
        "euros publics ajoutés pour chaque euro de cotisation collecté",
    ),
    "funding.dues_flat": (
        "Cotisation annuelle par membre",
        "Yearly dues per member",
        "cotisation annuelle forfaitaire par membre, en salaires (0,12 = 600 €)",
    ),
    "cell.fte_cap": (
        "Taille maximale de la cellule d'animation",
        "Largest animation cell",
        "plus grande cellule qu'un pôle peut embaucher (terrain : 1 à 2 ETP)",
    ),
    "turnover.rate": (
        "Rotation des personnes",
        "Staff turnover",
        "probabilité mensuelle qu'une personne quitte son poste (0,015 = 17 % par an)",
    ),
    "turnover.handover": (
        "Passation de la confiance",
        "Handover of trust",
        "part de la confiance de l'organisation dont hérite un nouvel arrivant",
    ),
    "turnover.handover_animation": (
        "Passation grâce à l'animation",
        "Handover through animation",
        "passation supplémentaire quand la cellule présente les nouveaux venus",
    ),
    "poles.succession_support": (
        "Programme de succession des leaders",
        "Leader succession programme",
        "probabilité mensuelle supplémentaire qu'un nouveau leader émerge",
    ),
    "poles.volunteer_animation": (
        "Animation bénévole",
        "Volunteer animation",
        "intensité d'animation d'un membre bénévole (0 = aucune animation bénévole)",
    ),
    "cell.grace_months": (
        "Mois de garantie de la cellule",
        "Months the cell is protected",
        "mois après la formalisation pendant lesquels la cellule n'est jamais réduite",
    ),
    "funding.dues_mode": (
        "Mode de cotisation",
        "How dues are set",
        "forfait par membre (flat) ou part du chiffre d'affaires (revenue)",
    ),
    "funding.dues_rate": (
        "Cotisation en part du chiffre d'affaires",
        "Dues as a share of revenue",
        "cotisation annuelle en part du chiffre d'affaires d'un membre marchand",
    ),
    "funding.dues_exclusion": (
        "Exclure les membres qui ne paient pas",
        "Exclude members who do not pay",
        "exclure les membres qui n'ont pas payé depuis le nombre de mois ci-dessous",
    ),
    "funding.exclusion_months": (
        "Mois d'impayés avant exclusion",
        "Unpaid months before exclusion",
        "mois d'impayés après lesquels un membre est exclu",
    ),
    "funding.revenue_share": (
        "Part des gains reversée à la cellule",
        "Share of gains paid to the cell",
        "part des gains des projets communs reversée à la cellule",
    ),
    "calls.duration": (
        "Durée d'une subvention d'appel",
        "Duration of a call grant",
        "mois pendant lesquels la subvention est versée",
    ),
    "calls.informal_apply": (
        "Les groupes informels peuvent candidater",
        "Informal groups may apply",
        "un groupe informel peut répondre à l'appel ; lauréat, il se formalise",
    ),
    "structural.performance_share": (
        "Part liée à la performance",
        "Share tied to performance",
        "part du financement structurel versée seulement aux pôles qui atteignent l'objectif",
    ),
    "structural.performance_target": (
        "Objectif de coopérations",
        "Cooperation target",
        "coopérations par membre et par an qu'un pôle doit lancer pour la part de performance",
    ),
    "events.crisis": (
        "Crise de l'industrie locale",
        "Crisis of the local industry",
        "une crise de l'industrie locale pousse chaque organisation à coopérer",
    ),
    "events.site": (
        "Un lieu mis à disposition",
        "A site made available",
        "une collectivité met un lieu à disposition (catalyseur)",
    ),
    "territory.n_orgs": (
        "Nombre d'organisations",
        "Number of organisations",
        "organisations sur le territoire",
    ),
    "territory.focus_sector": (
        "Secteur dominant",
        "Dominant sector",
        "le secteur dominant du territoire, s'il y en a un",
    ),
}

UNITS_FR: dict[str, str] = {
    "1/month": "par mois",
    "1/year": "par an",
    "wages/year": "salaires par an",
    "wages": "salaires",
    "months": "mois",
    "FTE": "ETP",
    "€/€": "€ par €",
    "share of revenue": "part du CA",
    "organisations": "organisations",
    "cooperations/member/year": "coopérations par membre et par an",
    "-": "",
}


@dataclass(frozen=True)
class Lever:
    """One input of the page: a declared parameter with its words and its slider."""

    spec: ParamSpec
    featured: bool

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def keyword(self) -> str:
        """The ``TerritoryModel`` keyword (``funding_la_subsidy``)."""
        return identifier(self.spec.key)

    @property
    def widget(self) -> str:
        """``checkbox``, ``select``, ``int`` or ``float`` (the control that fits the type)."""
        t = self.spec.type
        if t is bool:
            return "checkbox"
        if t is str:
            return "select"
        return "int" if t is int else "float"

    @property
    def lo(self) -> float:
        return float(self.spec.lo if self.spec.lo is not None else 0.0)

    @property
    def hi(self) -> float:
        return float(self.spec.hi if self.spec.hi is not None else 1.0)

    @property
    def step(self) -> float:
        """About a hundred slider positions, rounded to 1, 2 or 5 times a power of ten."""
        if self.widget == "int":
            return 1
        raw = (self.hi - self.lo) / 100 or 0.01
        exp = math.floor(math.log10(raw))
        for m in (1, 2, 5, 10):
            if m * 10**exp >= raw:
                return float(m * 10**exp)
        return float(10 ** (exp + 1))  # pragma: no cover

    def label(self, lang: Lang) -> str:
        fr, en, _ = WORDS.get(self.key, (self.key, self.key, self.spec.doc))
        text = fr if lang == "fr" else en
        unit = self.unit(lang)
        if self.widget in ("int", "float") or not unit:
            return text  # a number shows its unit beside its value (:meth:`format`)
        return f"{text} ({unit})"

    def unit(self, lang: Lang) -> str:
        u = self.spec.unit
        if lang == "fr":
            return UNITS_FR.get(u, u)
        return "" if u == "-" else u

    def help(self, lang: Lang) -> str:
        """The one-line meaning and the allowed range."""
        meaning = WORDS[self.key][2] if lang == "fr" and self.key in WORDS else self.spec.doc
        if self.widget in ("int", "float"):
            lo, hi = _fmt(self.lo, lang), _fmt(self.hi, lang)
            span = f" — de {lo} à {hi}" if lang == "fr" else f" — from {lo} to {hi}"
            return meaning + span
        return meaning

    def format(self, value: Any, lang: Lang) -> str:
        """The value as shown beside its label, with its unit."""
        if self.widget == "int":
            text = str(int(value))
        else:
            digits = max(0, -math.floor(math.log10(self.step)))
            text = f"{float(value):.{digits}f}"
            if lang == "fr":
                text = text.replace(".", ",")
        unit = self.unit(lang)
        return f"{text} {unit}".strip()

    def same(self, a: Any, b: Any) -> bool:
        """Equal values, or numbers within half a slider step (a slider snaps a value
        that is off its grid, e.g. a calibrated 4.8 on a grid of 1: not a change)."""
        if self.widget in ("int", "float"):
            return abs(float(a) - float(b)) < self.step / 2 + 1e-12
        return bool(a == b)

    def clean(self, value: Any) -> Any:
        """``value`` made valid for this parameter: typed, and clamped into its range
        (an input the page sends can never reach the model out of range)."""
        t = self.spec.type
        if t is bool:
            return bool(value)
        if t is str:
            choices = self.spec.choices or ()
            return value if value in choices else self.spec.default
        try:
            x = float(value)
        except (TypeError, ValueError):
            return self.spec.default
        if not math.isfinite(x):
            return self.spec.default
        x = min(max(x, self.lo), self.hi)
        return round(x) if t is int else x


def _fmt(x: float, lang: Lang) -> str:
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "fr" else text


def levers() -> list[Lever]:
    """Featured levers first (in :data:`FEATURED` order), then the other levers and
    :data:`EXTRA` parameters, in declaration order."""
    index = spec_index(Parameters)
    out = [Lever(index[k], True) for k in FEATURED]
    for key, spec in index.items():
        if key in FEATURED:
            continue
        if spec.role == "lever" or key in EXTRA:
            out.append(Lever(spec, False))
    return out


def defaults(scenario_params: Any) -> dict[str, Any]:
    """Each lever's value in a resolved parameter tree (a scenario's month 0)."""
    from ptce_sim.base.params import get_value

    return {lv.key: get_value(scenario_params, lv.key) for lv in levers()}


def mesa_model_params(values: dict[str, Any], lang: Lang = "en") -> dict[str, Any]:
    """The ``model_params`` of Mesa's ``SolaraViz`` for the featured levers: sliders,
    checkboxes and selects by keyword, starting at ``values`` (dotted key -> value)."""
    out: dict[str, Any] = {}
    for lv in levers():
        if not lv.featured:
            continue
        value = values[lv.key]
        if lv.widget == "checkbox":
            out[lv.keyword] = {"type": "Checkbox", "value": value, "label": lv.label(lang)}
        elif lv.widget == "select":
            out[lv.keyword] = {
                "type": "Select",
                "value": value,
                "values": list(lv.spec.choices or ()),
                "label": lv.label(lang),
            }
        else:
            out[lv.keyword] = {
                "type": "SliderInt" if lv.widget == "int" else "SliderFloat",
                "value": value,
                "label": lv.label(lang),
                "min": lv.lo,
                "max": lv.hi,
                "step": lv.step,
            }
    return out
