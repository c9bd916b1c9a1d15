"""What the panels show, as plain data, SVG and HTML: the time series, the pole cards,
the feed, and the blocks of HTML the page puts in its widgets.

Why apart from the components: these read the model (its ``datacollector`` and
``pole_views()``, nothing private) and cost the redraw's time, so the benchmark measures
them and the tests check them without Solara. Each ``*_html`` function is what one
widget of the page shows (``draw(session, lang)``): the page redraws a month as these
few blocks, not as hundreds of widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as _escape
from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.apps.web import territory
from ptce_sim.apps.web.charts import Series, line_chart
from ptce_sim.apps.web.feed import org_name, pole_name
from ptce_sim.apps.web.i18n import Lang, number, tr
from ptce_sim.base.domain import OrgKind
from ptce_sim.world.metrics import KIND_NAMES

if TYPE_CHECKING:
    from ptce_sim.apps.web.session import Session
    from ptce_sim.world.model import TerritoryModel

TONE_COLOURS = {"good": "#1b7837", "bad": "#b2182b", "info": "#555", "action": "#5e3c99"}


def escape(text: str) -> str:
    """Text for HTML content (apostrophes kept: French is full of them)."""
    return _escape(text, quote=False)


#: The charts of the "month by month" panel: title key -> metrics (each a legend key).
CHARTS: dict[str, tuple[str, ...]] = {
    "poles_by_status": ("poles_informal", "poles_formal", "poles_vegetating"),
    "coops_by_kind": tuple(f"started_{k}" for k in KIND_NAMES),
    "trust": ("mean_person_trust", "mean_org_trust", "member_trust"),
    "departed": ("persons_departed",),
    "cell_cash": ("cell_cash",),
    "cell_fte": ("cell_fte",),
}


def _legend(lang: Lang, metric: str) -> str:
    if metric.startswith("started_"):
        return tr(lang, f"pkind_{metric.removeprefix('started_')}")
    return tr(lang, metric)


def series_svgs(model: TerritoryModel, lang: Lang) -> dict[str, str]:
    """Chart key -> SVG, from the model's ``datacollector`` (one point per month)."""
    data = model.datacollector.model_vars
    total = float(model.params.run.steps)
    out: dict[str, str] = {}
    for key, metrics in CHARTS.items():
        series = []
        for metric in metrics:
            y = np.asarray(data.get(metric, []), dtype=float)
            series.append(Series(_legend(lang, metric), np.arange(1, len(y) + 1), y))
        title = tr(lang, key)
        y_max = 1.0 if key == "trust" else None
        out[key] = line_chart(
            title,
            series,
            tr(lang, "months_axis"),
            x_max=total,
            y_max=y_max,
            css_class=f"chart chart-{key}",
        )
    return out


@dataclass(frozen=True)
class CardText:
    """A pole card in words: its title, its status, and lines to print."""

    pole_id: int
    title: str
    status: str
    lines: list[str]
    income: list[tuple[str, str]]  # (source, k€ to date)


def pole_cards(model: TerritoryModel, lang: Lang) -> list[CardText]:
    """The living poles as cards: members by kind, governance, cash in months of cell
    cost, income by source, status and age."""
    cards = []
    kinds = model.orgs.kind
    for c in model.pole_views():
        counts: dict[int, int] = {}
        for m in c.members:
            counts[int(kinds[m])] = counts.get(int(kinds[m]), 0) + 1
        by_kind = ", ".join(f"{n} {tr(lang, f'kind_{k}')}" for k, n in sorted(counts.items()))
        years, months = divmod(max(c.age, 0), 12)
        lines = [
            tr(lang, "card_members", n=len(c.members)) + f" ({by_kind})",
            tr(lang, f"gov_{int(c.governance)}"),
            tr(lang, "card_age", years=years, months=months),
            tr(lang, "card_leader", name=org_name(model, c.leader[0], lang))
            if c.leader is not None
            else tr(lang, "card_no_leader"),
        ]
        if c.formalised is not None:
            lines.append(tr(lang, "card_cell", fte=number(lang, c.cell_fte, 1)))
            cash = number(lang, c.cash, 0)
            if c.cell_cost > 0:
                lines.append(
                    tr(lang, "card_cash", cash=cash, months=number(lang, c.cash_months, 1))
                )
            else:
                lines.append(tr(lang, "card_cash_nocell", cash=cash))
            if c.grant_months_left > 0:
                lines.append(tr(lang, "card_grant", months=c.grant_months_left))
            if c.la_active:
                lines.append(tr(lang, "card_la"))
        income = [(tr(lang, f"src_{k}"), number(lang, v, 0)) for k, v in c.ledger.items() if v > 0]
        cards.append(
            CardText(
                c.pole_id, pole_name(c.pole_id), tr(lang, f"status_{int(c.status)}"), lines, income
            )
        )
    return cards


def kind_names(lang: Lang) -> list[str]:
    """Names of the kinds of organisation, in ``OrgKind`` order."""
    return [tr(lang, f"kind_{int(k)}") for k in OrgKind]


# -- the blocks of HTML of the page (``draw(session, lang)``; the caller holds the lock) ---
def territory_html(session: Session, lang: Lang) -> str:
    """The territory picture."""
    assert session.model is not None
    return territory.svg(session.model, lang)


def series_html(session: Session, lang: Lang) -> str:
    """The six charts, two a row on a wide screen, one on a narrow one (a CSS grid in one
    block: a month sends one widget update, not six)."""
    assert session.model is not None
    charts = "".join(
        f'<div class="ptce-chart-{key}">{picture}</div>'
        for key, picture in series_svgs(session.model, lang).items()
    )
    return (
        '<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));'
        f'gap:8px">{charts}</div>'
    )


def cards_html(session: Session, lang: Lang) -> str:
    """A card per living pole, or a line saying there is none."""
    assert session.model is not None
    sep = " : " if lang == "fr" else ": "
    blocks = []
    for c in pole_cards(session.model, lang):
        lines = "".join(f"<div>{escape(line)}</div>" for line in c.lines)
        if c.income:
            income = ", ".join(f"{escape(src)} {v} k€" for src, v in c.income)
            lines += f"<div><b>{escape(tr(lang, 'card_income'))}</b>{sep}{income}</div>"
        blocks.append(
            f'<div class="ptce-pole-card" data-pole="{c.pole_id}" style="border:1px solid #ccc;'
            "border-radius:6px;padding:8px 10px;margin:4px;min-width:240px;flex:1 1 260px;"
            f'font-size:0.9em"><div style="font-weight:bold;font-size:1.1em">'
            f"{escape(c.title)} · {escape(c.status)}</div>{lines}</div>"
        )
    return "".join(blocks) or f"<div>{escape(tr(lang, 'no_pole'))}</div>"


def feed_html(session: Session, lang: Lang) -> str:
    """The newest feed lines, newest first, coloured by tone."""
    lines = [
        f'<div class="ptce-feed-line ptce-{it.tone}" style="color:{TONE_COLOURS[it.tone]};'
        f'margin-bottom:3px">{escape(tr(lang, "month_prefix"))} {it.month + 1} · '
        f"{escape(it.text)}</div>"
        for it in session.feed(lang)
    ]
    return "".join(lines) or escape(tr(lang, "feed_empty"))
