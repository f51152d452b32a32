"""An inline SVG bar chart of demand against capacity per year (no script, readable as a table)."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 260
LEFT, BOTTOM, TOP = 56, 36, 16


def demand_chart(
    years: list[tuple[int, float, int]], *, title: str, demand_label: str, capacity_label: str
) -> SafeString:
    """`years`: (year, demand, capacity). Two bars per year; the y axis starts at zero."""
    peak = max([1.0, *(max(d, c) for _y, d, c in years)])
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 10) / max(len(years), 1)
    bar = slot / 3

    def y_of(value: float) -> float:
        return TOP + plot_h - value / peak * plot_h

    def n(value: float) -> str:
        return f"{value:.1f}"

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="fc-title" class="forecast-chart" data-testid="forecast-chart">'
            '<title id="fc-title">{}</title>',
            WIDTH,
            HEIGHT,
            title,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor"/>',
            LEFT,
            TOP + plot_h,
            WIDTH - 10,
            TOP + plot_h,
        ),
    ]
    for tick in range(5):
        value = peak * tick / 4
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
                LEFT - 6,
                n(y_of(value) + 4),
                round(value),
            )
        )
    for index, (year, demand, capacity) in enumerate(years):
        x = LEFT + index * slot + bar / 2
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#2b6cb0">'
                "<title>{} {}: {}</title></rect>",
                n(x),
                n(y_of(demand)),
                n(bar),
                n(TOP + plot_h - y_of(demand)),
                demand_label,
                year,
                demand,
            )
        )
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#a0aec0">'
                "<title>{} {}: {}</title></rect>",
                n(x + bar),
                n(y_of(capacity)),
                n(bar),
                n(TOP + plot_h - y_of(capacity)),
                capacity_label,
                year,
                capacity,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>',
                n(x + bar),
                HEIGHT - BOTTOM + 18,
                year,
            )
        )
    legend_y = HEIGHT - 6
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="10" height="10" fill="#2b6cb0"/>'
            '<text x="{}" y="{}" font-size="11">{}</text>'
            '<rect x="{}" y="{}" width="10" height="10" fill="#a0aec0"/>'
            '<text x="{}" y="{}" font-size="11">{}</text>',
            LEFT,
            legend_y - 9,
            LEFT + 14,
            legend_y,
            escape(demand_label),
            LEFT + 200,
            legend_y - 9,
            LEFT + 214,
            legend_y,
            escape(capacity_label),
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant closing tag
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html
