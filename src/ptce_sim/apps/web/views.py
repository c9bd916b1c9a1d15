"""What the panels show, as plain data and SVG: the time series and the pole cards.

Why apart from the components: these read the model (its ``datacollector`` and
``pole_views()``, nothing private) and cost the redraw's time, so the benchmark measures
them and the tests check them without Solara.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ptce_sim.apps.web.charts import Series, line_chart
from ptce_sim.apps.web.feed import org_name, pole_name
from ptce_sim.apps.web.i18n import Lang, number, tr
from ptce_sim.base.domain import OrgKind
from ptce_sim.world.metrics import KIND_NAMES

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

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
