"""Bar charts drawn on the server as inline SVG: no script, no external library, works offline.

Each chart is a figure whose caption names the image (`role="img"`, `aria-labelledby`); the page
puts the same numbers in a table next to it, which is what screen readers and printouts use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 56
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH
BAR_HEIGHT = 12
BAR_GAP = 2
GROUP_GAP = 10
LABEL_CHARS = 30


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _bar(y: int, value: Decimal | None, series: Series) -> SafeString:
    """One bar of 0–100 %; an empty value draws no bar and says "—"."""
    width = 0 if value is None else round(float(value) / 100 * BAR_AREA, 1)
    shown = "—" if value is None else f"{value}%"
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" text-anchor="end" class="chart-value">{}</text>',
        LABEL_WIDTH,
        y,
        width,
        BAR_HEIGHT,
        series.css_class,
        series.name,
        shown,
        WIDTH - 2,
        y + BAR_HEIGHT - 2,
        shown,
    )


def percent_bars(
    chart_id: str,
    title: str,
    groups: Sequence[tuple[str, Sequence[Decimal | None]]],
    series: Sequence[Series],
) -> SafeString:
    """Horizontal bars on a 0–100 % scale: one group per category, one bar per series."""
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = max(len(groups), 1) * group_height + 24
    parts = []
    for index, (label, values) in enumerate(groups):
        top = index * group_height
        bars = format_html_join(
            "",
            "{}",
            (
                (_bar(top + n * (BAR_HEIGHT + BAR_GAP), value, s),)
                for n, (value, s) in enumerate(zip(values, series, strict=True))
            ),
        )
        parts.append(
            format_html(
                '<g><text x="0" y="{}" class="chart-label">{}<title>{}</title></text>{}</g>',
                top + BAR_HEIGHT - 2,
                _label(label),
                label,
                bars,
            )
        )
    legend_y = height - 8
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" class="{}"></rect>'
        '<text x="{}" y="{}" class="chart-label">{}</text>',
        (
            (
                LABEL_WIDTH + n * 150,
                legend_y - 9,
                s.css_class,
                LABEL_WIDTH + n * 150 + 14,
                legend_y,
                s.name,
            )
            for n, s in enumerate(series)
        ),
    )
    return format_html(
        '<figure class="analytics-figure"><figcaption id="{}">{}</figcaption>'
        '<svg role="img" aria-labelledby="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" class="analytics-chart">'
        "<title>{}</title>{}{}</svg></figure>",
        chart_id,
        title,
        chart_id,
        WIDTH,
        height,
        title,
        SafeString("".join(parts)),
        legend,
    )
