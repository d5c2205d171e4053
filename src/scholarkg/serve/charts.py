"""Inline SVG line charts of metric histories (one small chart per metric, no script)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape

from scholarkg.serve.bidi import isolated_plain

WIDTH, HEIGHT, PAD = 320, 120, 28


def _when(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text[:10]).timestamp()
        except ValueError:
            return 0.0


def line_chart(metric: str, points: Sequence[tuple[str, float]]) -> str:
    """One metric's history: x is time, y the value; each point has a tooltip (its date from the
    store isolated: :func:`.bidi.isolated_plain`; the axis labels are one date each)."""
    xs = [_when(at) for at, _ in points]
    ys = [v for _, v in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    span_x = (x1 - x0) or 1.0
    span_y = (y1 - y0) or 1.0

    def place(x: float, y: float) -> tuple[float, float]:
        px = PAD + (x - x0) / span_x * (WIDTH - 2 * PAD) if x1 > x0 else WIDTH / 2
        py = HEIGHT - PAD - (y - y0) / span_y * (HEIGHT - 2 * PAD) if y1 > y0 else HEIGHT / 2
        return round(px, 1), round(py, 1)

    coords = [place(x, y) for x, y in zip(xs, ys, strict=True)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="3"><title>{escape(isolated_plain(at[:10]))}: {v:g}</title>'
        "</circle>"
        for (x, y), (at, v) in zip(coords, points, strict=True)
    )
    first, last = escape(points[0][0][:10]), escape(points[-1][0][:10])
    return (
        f'<figure class="chart"><svg class="metric-chart" data-metric="{escape(metric)}" '
        f'role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(metric)} over time</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#999"/>'
        f'<polyline fill="none" stroke="#0645ad" stroke-width="2" points="{line}"/>'
        f'<g fill="#0645ad">{dots}</g>'
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">{last}</text>'
        f'<text x="4" y="{PAD - 8}" font-size="10">{y1:g}</text>'
        f'<text x="4" y="{HEIGHT - PAD + 4}" font-size="10">{y0:g}</text>'
        f"</svg><figcaption>{escape(metric)}</figcaption></figure>"
    )


def metric_charts(series: Mapping[str, Sequence[tuple[str, float]]]) -> str:
    """A chart per metric, in name order."""
    charts = "".join(line_chart(m, pts) for m, pts in sorted(series.items()) if pts)
    return f'<div class="charts">{charts}</div>'
