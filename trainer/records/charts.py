"""Small SVG charts drawn on the server: no script, no library, nothing to download.

A chart is decoration for sighted readers; the page puts the same numbers
in a table beside it, and the SVG says what it shows in its <title>.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# The projector's palette, one colour per series.
COLOURS = ("#f2c94c", "#56ccf2", "#6fcf97", "#f2994a", "#bb6bd9")


def line_chart(
    title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
    width: int = 640, height: int = 240,
) -> Markup:
    """Lines over sessions (x), one per series, on a shared scale from zero."""
    left, right, top, bottom = 36, 12, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1, *(v for _, values in series for v in values)])
    count = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i / (count - 1)) if count > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" class="axis"/>',
    ]
    for tick in sorted({0, peak // 2, peak}):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">{tick}</text>')
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" class="grid"/>')
    step = max(1, count // 8)  # at most about eight dates under the axis
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == count - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 14}" text-anchor="middle" class="tick">'
                         f"{escape(label)}</text>")
    for n, (name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3" '
                     f'stroke-linejoin="round"><title>{escape(name)}</title></polyline>')
        parts += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"/>' for i, v in enumerate(values)]
    parts.append("</svg>")
    return Markup("".join(parts))
