"""The territory as an SVG picture: organisations, cooperation ties, poles, leaders.

Why SVG built here rather than matplotlib or a chart library: a step plus its redraw
must take under 150 ms at 80 organisations, and a matplotlib figure alone takes about
that; an SVG string of about a hundred elements takes a few milliseconds to build, needs
no JavaScript library (the page works offline with Solara's own assets) and a browser
test can read it (each organisation is a ``circle`` with a ``data-org`` attribute).

What is drawn, from the model's public views only (``model.ties()``,
``model.pole_views()``, the organisations' arrays through ``model.orgs`` and the posts):
organisations at their positions, coloured by kind and sized by staff (area ∝ FTE); a
line per pair whose persons in post worked together, its width and opacity growing
with their effective trust; each living pole outlined (the hull of its members) and
labelled with its name
and status; a star on the organisation of each pole's leader, a hollow ring on an
organisation with a vacant post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ptce_sim.apps.web.feed import pole_name
from ptce_sim.apps.web.i18n import Lang, tr
from ptce_sim.rules.poles import Status

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

#: Colour of each kind of organisation (``OrgKind`` order), readable by colour-blind eyes
#: (Okabe–Ito palette).
KIND_COLOURS: tuple[str, ...] = ("#E69F00", "#009E73", "#56B4E9", "#7f7f7f", "#CC79A7", "#0072B2")
STATUS_STYLE: dict[Status, tuple[str, str]] = {  # stroke colour, dash pattern
    Status.INFORMAL: ("#8c8c8c", "1.2 1"),
    Status.FORMAL: ("#1b7837", ""),
    Status.VEGETATING: ("#d95f02", "0.6 0.8"),
}
TIE_LEVELS = 40  # steps of trust between the thinnest and the thickest tie line
SIZE = 100.0  # the SVG's user units: positions in [0, 1] become [MARGIN, SIZE - MARGIN]
MARGIN = 6.0


def _xy(pos: NDArray[np.float64]) -> NDArray[np.float64]:
    return MARGIN + pos * (SIZE - 2 * MARGIN)


def hull(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """The convex hull of 2-D points, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted({(float(x), float(y)) for x, y in points})
    if len(pts) <= 2:
        return np.array(pts)

    def half(seq: list[tuple[float, float]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for p in seq:
            while len(out) >= 2:
                (ax, ay), (bx, by) = out[-2], out[-1]
                if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) > 0:
                    break
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _outline(points: NDArray[np.float64], pad: float) -> str:
    """An SVG path around ``points``: their hull pushed out by ``pad`` (a blob)."""
    h = hull(points)
    centre = h.mean(axis=0)
    if len(h) == 1:
        x, y = h[0]
        arc = f"a{pad:.1f},{pad:.1f} 0 1,0"
        return f"M{x - pad:.1f},{y:.1f}{arc} {2 * pad:.1f},0{arc} {-2 * pad:.1f},0Z"
    d = h - centre
    norm = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)
    out = h + d / norm[:, None] * pad
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in out) + "Z"


def svg(model: TerritoryModel, lang: Lang, width: int = 560) -> str:
    """The territory now, as an SVG element ``width`` pixels wide."""
    xy = _xy(model.orgs.position)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE:g} {SIZE:g}" '
        f'width="{width}" height="{width}" role="img" class="ptce-territory" '
        f'aria-label="{tr(lang, "territory")}" style="background:#fbfbf8;font-family:sans-serif">'
    ]
    cards = model.pole_views()
    for card in cards:
        if not card.members:
            continue
        stroke, dash = STATUS_STYLE.get(card.status, ("#444", ""))
        path = _outline(xy[card.members], pad=3.2)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path class="pole" data-pole="{card.pole_id}" '
            f'data-status="{card.status.name.lower()}" '
            f'd="{path}" fill="{stroke}" fill-opacity="0.06" stroke="{stroke}" '
            f'stroke-width="0.5"{dash_attr}/>'
        )
    parts.append(_ties(model, xy))
    fte = model.orgs.fte
    radius = 0.6 + 0.6 * np.log1p(np.maximum(fte, 0.0))  # from 1 to 300 FTE: 1 to 4 units
    kinds = model.orgs.kind
    vacant = (model.vacancy > 0).any(axis=1)
    # The strokes once per group, not per disc: the picture is sent at every month.
    orgs = ['<g stroke="#222" stroke-width="0.15">']
    rings = ['<g fill="none" stroke="#c00" stroke-width="0.25" stroke-dasharray="0.5 0.5">']
    for i in range(len(xy)):
        x, y = xy[i]
        orgs.append(
            f'<circle class="org" data-org="{i}" cx="{x:.1f}" cy="{y:.1f}" r="{radius[i]:.2f}" '
            f'fill="{KIND_COLOURS[int(kinds[i])]}"/>'
        )
        if vacant[i]:
            rings.append(
                f'<circle class="vacant" cx="{x:.1f}" cy="{y:.1f}" r="{radius[i] + 0.8:.2f}"/>'
            )
    parts.append("".join(orgs) + "</g>" + "".join(rings) + "</g>")
    placed: list[tuple[float, float]] = []  # label positions, kept apart
    for card in cards:
        if card.leader is not None:
            x, y = xy[card.leader[0]]
            parts.append(
                f'<text class="leader" x="{x:.2f}" y="{y + 1.3:.2f}" font-size="3.6" '
                f'text-anchor="middle" fill="#000">★</text>'
            )
        if card.members:
            top = xy[card.members]
            cx, cy = _free_spot(placed, top[:, 0].mean(), max(top[:, 1].min() - 4.0, 3.0))
            status = tr(lang, f"status_{int(card.status)}")
            stroke = STATUS_STYLE.get(card.status, ("#444", ""))[0]
            parts.append(
                f'<text class="pole-label" x="{cx:.1f}" y="{cy:.1f}" font-size="2.6" '
                f'text-anchor="middle" fill="{stroke}" font-weight="bold" '
                'paint-order="stroke" stroke="#fff" stroke-width="0.7">'
                f"{pole_name(card.pole_id)} · {status}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _free_spot(placed: list[tuple[float, float]], x: float, y: float) -> tuple[float, float]:
    """(x, y) moved down until no label placed before sits on it; remembered."""
    while any(abs(x - px) < 30 and abs(y - py) < 3.2 for px, py in placed):
        y += 3.4
    placed.append((x, y))
    return x, y


def _ties(model: TerritoryModel, xy: NDArray[np.float64]) -> str:
    """A line per pair of organisations whose persons in post worked together (a
    departure cuts them: the class sees it); width and opacity grow with their trust.

    Pairs of about the same trust (to 1/40 of the visible span, a quarter of a pixel of
    width) share one path: a few dozen elements for the browser to redraw each month,
    not hundreds."""
    ties = model.ties()
    ties = ties[ties["ties"] > 0]
    if ties.empty:
        return ""
    i, j = ties["i"].to_numpy(), ties["j"].to_numpy()
    # Trust lives mostly in [0.3, 0.8]: stretch that span over the visible widths.
    level = np.clip((ties["trust"].to_numpy(dtype=float) - 0.3) / 0.5, 0.0, 1.0)
    step = np.rint(level * TIE_LEVELS).astype(int)
    paths = []
    for s in np.unique(step).tolist():
        pick = step == s
        d = "".join(
            f"M{xy[a, 0]:.1f} {xy[a, 1]:.1f}L{xy[b, 0]:.1f} {xy[b, 1]:.1f}"
            for a, b in zip(i[pick].tolist(), j[pick].tolist(), strict=True)
        )
        lv = s / TIE_LEVELS
        paths.append(
            f'<path stroke-width="{0.12 + 0.9 * lv:.2f}" stroke-opacity="{0.15 + 0.65 * lv:.2f}" '
            f'd="{d}"/>'
        )
    return f'<g class="ties" stroke="#3b4a6b" fill="none">{"".join(paths)}</g>'


def legend(lang: Lang) -> list[tuple[str, str]]:
    """(colour, name) of each kind of organisation, for a legend beside the picture."""
    return [(c, tr(lang, f"kind_{k}")) for k, c in enumerate(KIND_COLOURS)]
