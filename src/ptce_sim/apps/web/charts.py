"""Small SVG charts: lines over months, and step curves with confidence bands.

Why hand-made: the page must redraw within the step budget (150 ms at 80 organisations)
and work offline with Solara's own assets. A chart of a few series over at most a few
hundred months is a polyline each, a few axes and a legend: a millisecond to build, no
JavaScript library, readable by a browser test (``polyline`` elements with a
``data-series`` attribute, band ``path`` elements with ``class="band"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from numpy.typing import ArrayLike

PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
W, H = 420.0, 190.0  # user units of the SVG viewBox
LEFT, RIGHT, TOP, BOTTOM = 46.0, 10.0, 38.0, 30.0


@dataclass(frozen=True)
class Series:
    """One line: its name in the legend, its x and y values (NaN breaks nothing: skipped)."""

    name: str
    x: ArrayLike
    y: ArrayLike
    lower: ArrayLike | None = None  # a band around the line (step charts)
    upper: ArrayLike | None = None


def _nice_max(v: float) -> float:
    if not math.isfinite(v) or v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp  # pragma: no cover


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}".replace(",", "\u202f")
    return f"{v:.3g}"


def line_chart(
    title: str,
    series: Sequence[Series],
    x_label: str,
    *,
    x_max: float | None = None,
    y_max: float | None = None,
    step: bool = False,
    css_class: str = "chart",
) -> str:
    """An SVG chart of ``series`` (lines, or steps with bands when ``step``)."""
    xs = [np.asarray(s.x, dtype=float) for s in series]
    ys = [np.asarray(s.y, dtype=float) for s in series]
    tops = [np.asarray(s.upper, dtype=float) for s in series if s.upper is not None]
    finite = [a[np.isfinite(a)] for a in ys + tops]
    data_max = max((float(a.max()) for a in finite if a.size), default=1.0)
    ymax = y_max if y_max is not None else _nice_max(data_max)
    xmax = x_max if x_max is not None else max((float(x.max()) for x in xs if x.size), default=1.0)
    xmax = max(xmax, 1.0)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x: np.ndarray) -> np.ndarray:
        return LEFT + x / xmax * pw

    def py(y: np.ndarray) -> np.ndarray:
        return TOP + ph - np.clip(y / ymax, 0.0, 1.05) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W:g} {H:g}" class="{css_class}" '
        'style="width:100%;max-width:560px;font-family:sans-serif" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
    ]
    for k in range(5):
        v = ymax * k / 4
        y = float(py(np.array(v)))
        out.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" '
            'stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="8" text-anchor="end">{_fmt(v)}</text>'
        )
    for k in range(6):
        v = xmax * k / 5
        x = float(px(np.array(v)))
        out.append(
            f'<text x="{x:.1f}" y="{H - BOTTOM + 11}" font-size="8" text-anchor="middle">'
            f"{_fmt(round(v, 1))}</text>"
        )
    out.append(
        f'<text x="{LEFT + pw / 2}" y="{H - 4}" font-size="8.5" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    for n, (s, x, y) in enumerate(zip(series, xs, ys, strict=True)):
        colour = PALETTE[n % len(PALETTE)]
        ok = np.isfinite(y)
        if step and x.size:
            x, y = _steps(x, y)
            ok = np.isfinite(y)
        if s.lower is not None and s.upper is not None and x.size:
            lo, hi = np.asarray(s.lower, dtype=float), np.asarray(s.upper, dtype=float)
            bx = np.asarray(s.x, dtype=float)
            if step:
                bx, lo = _steps(np.asarray(s.x, dtype=float), lo)
                _, hi = _steps(np.asarray(s.x, dtype=float), hi)
            good = np.isfinite(lo) & np.isfinite(hi)
            if good.any():
                top = " ".join(
                    f"{a:.1f},{b:.1f}" for a, b in zip(px(bx[good]), py(hi[good]), strict=True)
                )
                bot = " ".join(
                    f"{a:.1f},{b:.1f}"
                    for a, b in zip(px(bx[good])[::-1], py(lo[good])[::-1], strict=True)
                )
                out.append(
                    f'<path class="band" data-series="{escape(s.name)}" d="M{top} L{bot} Z" '
                    f'fill="{colour}" fill-opacity="0.18" stroke="none"/>'
                )
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(x[ok]), py(y[ok]), strict=True))
        out.append(
            f'<polyline data-series="{escape(s.name)}" points="{pts}" fill="none" '
            f'stroke="{colour}" stroke-width="1.6"/>'
        )
        lx = LEFT + 6 + (n % 3) * (pw / 3)
        ly = 24 + (n // 3) * 9
        out.append(
            f'<rect x="{lx:.1f}" y="{ly - 6:.1f}" width="8" height="3" fill="{colour}"/>'
            f'<text x="{lx + 11:.1f}" y="{ly - 3:.1f}" font-size="8">{escape(s.name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of a right-continuous step function through (x, y)."""
    if x.size < 2:
        return x, y
    sx = np.repeat(x, 2)[1:]
    sy = np.repeat(y, 2)[:-1]
    return sx, sy
