"""Server-rendered SVG of an indicator: measured values against the path to the target.

The same markup serves the page and (later) the PDF report; the page also shows the values
as a table, so the chart is never the only way to read them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


def indicator_chart(indicator, values: list) -> SafeString:
    """An SVG line chart: baseline → target (dashed) and the measured values (solid)."""
    points = [(v.measured_on, v.value) for v in values]
    start = min([p[0] for p in points], default=indicator.target_date)
    end = max(indicator.target_date, *(p[0] for p in points)) if points else indicator.target_date
    if start >= end:
        start = end - datetime.timedelta(days=365)
    numbers = [indicator.baseline, indicator.target_value, *(p[1] for p in points)]
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.1")
    low, high = low - pad, high + pad

    def x(day: datetime.date) -> float:
        return LEFT + (day - start).days / (end - start).days * (WIDTH - LEFT - RIGHT)

    def y(value: Decimal) -> float:
        return TOP + float((high - value) / (high - low)) * (HEIGHT - TOP - BOTTOM)

    title_id = f"indicator-{indicator.pk}-title"
    desc = _(
        "Zielpfad von %(baseline)s auf %(target)s %(unit)s bis %(date)s; %(count)s Messwerte."
    ) % {
        "baseline": number_format(indicator.baseline),
        "target": number_format(indicator.target_value),
        "unit": indicator.unit,
        "date": date_format(indicator.target_date, "SHORT_DATE_FORMAT"),
        "count": len(points),
    }
    parts = [
        f'<svg class="fb15-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(indicator.name)}: {escape(desc)}</title>',
    ]
    for value in (low + pad, high - pad):
        parts.append(
            f'<line class="fb15-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="fb15-chart__label" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{escape(number_format(value, 0))}</text>'
        )
    for day, anchor in ((start, "start"), (end, "end")):
        parts.append(
            f'<text class="fb15-chart__label" x="{x(day):.1f}" y="{HEIGHT - 12}" '
            f'text-anchor="{anchor}">{escape(date_format(day, "m/Y"))}</text>'
        )
    parts.append(
        f'<line class="fb15-chart__target" x1="{x(start):.1f}" y1="{y(indicator.baseline):.1f}" '
        f'x2="{x(indicator.target_date):.1f}" y2="{y(indicator.target_value):.1f}"/>'
    )
    if points:
        path = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points)
        parts.append(f'<polyline class="fb15-chart__actual" points="{path}"/>')
        parts.extend(
            f'<circle class="fb15-chart__point" cx="{x(day):.1f}" cy="{y(value):.1f}" r="3.5"/>'
            for day, value in points
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def on_track(indicator, values: list) -> bool | None:
    """Whether the latest value is at or beyond the straight path to the target."""
    if not values:
        return None
    latest = values[-1]
    first_day = values[0].measured_on
    span = (indicator.target_date - first_day).days or 1
    share = min(max((latest.measured_on - first_day).days / span, 0), 1)
    expected = indicator.baseline + (indicator.target_value - indicator.baseline) * Decimal(
        str(share)
    )
    if indicator.higher_is_better:
        return latest.value >= expected
    return latest.value <= expected
