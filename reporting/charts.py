"""Server-rendered SVG charts of the status report, the same in the dashboard and the PDF.

Every chart carries <title>/<desc>, writes its numbers into the bars and is shown next to a
table with the same figures, so colour never carries the meaning alone. Colours are KERN
tokens with hex fallbacks (WeasyPrint knows no custom properties and uses the fallback).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# value → (fill, text colour, pattern id or "")
LIGHT_STYLE = {
    "green": ("#007155", "#ffffff", ""),
    "amber": ("#925400", "#ffffff", "fb15-hatch"),
    "red": ("#C31C13", "#ffffff", "fb15-cross"),
    "": ("#6E7597", "#ffffff", "fb15-dots"),
}
LIGHT_ORDER = ("green", "amber", "red", "")

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 26
GAP = 10
TOP = 8
LEGEND_HEIGHT = 34
LINE_HEIGHT = 15
LABEL_CHARS = 26  # characters of a label line at 13 px (about 7.3 px each) in LABEL_WIDTH
TOTAL_WIDTH = 44  # room for the total written after the longest bar

PATTERNS = (
    '<defs><pattern id="{p}-hatch" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<path d="M0,8 L8,0" stroke="#ffffff" stroke-opacity="0.45" stroke-width="2"/></pattern>'
    '<pattern id="{p}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-opacity="0.4" stroke-width="1.5"/>'
    '</pattern><pattern id="{p}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<circle cx="3" cy="3" r="1.2" fill="#ffffff" fill-opacity="0.5"/></pattern></defs>'
)


@dataclass
class LightBar:
    """One bar: a label and the number of items per traffic light ("" = no report yet)."""

    label: str
    counts: dict[str, int]

    @property
    def none(self) -> int:
        """Items without any status update yet."""
        return self.counts.get("", 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def light_labels() -> dict[str, str]:
    return {"green": _("grün"), "amber": _("gelb"), "red": _("rot"), "": _("keine Meldung")}


def _open(chart_id: str, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="fb15-report-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        PATTERNS.format(p=chart_id),
    ]


def _legend(y: int, entries: list[tuple[str, str, str]], chart_id: str) -> list[str]:
    """entries: (fill, pattern id or "", label)."""
    parts, x = [], LABEL_WIDTH
    for fill, pattern, label in entries:
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}"/>')
        if pattern:
            parts.append(
                f'<rect x="{x}" y="{y}" width="14" height="14" fill="url(#{chart_id}-{pattern})"/>'
            )
        parts.append(
            f'<text x="{x + 20}" y="{y + 12}" class="fb15-report-chart__label" '
            f'font-size="13" fill="#1b1f2e">{escape(label)}</text>'
        )
        x += 30 + 8 * len(label)
    return parts


def traffic_light_bars(chart_id: str, title: str, bars: list[LightBar]) -> SafeString:
    """Stacked horizontal bars of absolute counts (the longest bar is the largest total), the
    count written in each part and the total after the bar; labels wrap onto two lines."""
    labels = light_labels()
    # Many bars (e.g. 40 units) get thinner so the chart still fits on one page.
    bar_height, gap = (BAR_HEIGHT, GAP) if len(bars) <= 12 else (16, 4)
    lines = [_wrap(bar.label, LABEL_CHARS) for bar in bars]
    rows = [max(bar_height, LINE_HEIGHT * len(label) + 2) for label in lines]
    height = TOP + sum(rows) + gap * len(bars) + LEGEND_HEIGHT
    desc = "; ".join(
        f"{bar.label}: "
        + ", ".join(f"{bar.counts.get(v, 0)} {labels[v]}" for v in LIGHT_ORDER if bar.counts.get(v))
        for bar in bars
    )
    parts = _open(chart_id, height, title, desc or _("Keine Daten"))
    span = WIDTH - LABEL_WIDTH - TOTAL_WIDTH
    largest = max([bar.total for bar in bars] or [1]) or 1
    y = TOP
    for bar, label, row in zip(bars, lines, rows, strict=True):
        middle = y + row / 2
        parts.append(_label_text(label, middle))
        x = float(LABEL_WIDTH)
        top = middle - bar_height / 2
        for value in LIGHT_ORDER:
            count = bar.counts.get(value, 0)
            if not count:
                continue
            width = span * count / largest
            fill, ink, pattern = LIGHT_STYLE[value]
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{bar_height}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
            )
            if pattern:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{bar_height}" '
                    f'fill="url(#{chart_id}-{pattern.removeprefix("fb15-")})"/>'
                )
            if width >= 22 and bar_height >= 16:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{middle + 5:.0f}" '
                    f'text-anchor="middle" font-size="13" font-weight="600" fill="{ink}">'
                    f"{count}</text>"
                )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{middle + 5:.0f}" font-size="13" fill="#1b1f2e">'
            f"{bar.total}</text>"
        )
        y += row + gap
    parts += _legend(
        y + 6 - gap,
        [
            (LIGHT_STYLE[v][0], LIGHT_STYLE[v][2].removeprefix("fb15-"), labels[v])
            for v in LIGHT_ORDER
        ],
        chart_id,
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _label_text(lines: list[str], middle: float) -> str:
    """A right-aligned label of one or two lines, centred on `middle`."""
    first = middle + 5 - LINE_HEIGHT * (len(lines) - 1) / 2
    spans = "".join(
        f'<tspan x="{LABEL_WIDTH - 8}" y="{first + index * LINE_HEIGHT:.0f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text text-anchor="end" font-size="13" fill="#1b1f2e">{spans}</text>'


def _wrap(text: str, length: int) -> list[str]:
    """At most two lines of about `length` characters, broken between words."""
    if len(text) <= length:
        return [text]
    cut = text.rfind(" ", 0, length + 1)
    if cut <= 0:
        return [_short(text, length)]
    return [text[:cut], _short(text[cut + 1 :], length)]


def budget_bars(chart_id: str, title: str, rows: list[tuple[str, Decimal, Decimal]]) -> SafeString:
    """Per row two bars: budget planned (outline) and spent (filled), amounts written beside."""
    height = TOP + len(rows) * (2 * 16 + GAP + 4) + LEGEND_HEIGHT
    top_value = max([max(p, s) for _label, p, s in rows] or [Decimal(1)]) or Decimal(1)
    span = WIDTH - LABEL_WIDTH - 120
    desc = "; ".join(
        _("%(label)s: %(planned)s € geplant, %(spent)s € verausgabt")
        % {"label": label, "planned": _money(p), "spent": _money(s)}
        for label, p, s in rows
    )
    parts = _open(chart_id, height, title, desc or _("Keine Daten"))
    for index, (label, planned, spent) in enumerate(rows):
        y = TOP + index * (2 * 16 + GAP + 4)
        parts.append(_label_text(_wrap(label, LABEL_CHARS), y + 16))
        for offset, value, fill in ((0, planned, "#ffffff"), (18, spent, "#0b5ea8")):
            width = max(float(span * value / top_value), 1.0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width:.1f}" height="15" '
                f'fill="{fill}" stroke="#0b5ea8" stroke-width="1.5"/>'
                f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + offset + 12}" font-size="12" '
                f'fill="#1b1f2e">{escape(_money(value))} €</text>'
            )
    legend_y = TOP + len(rows) * (2 * 16 + GAP + 4) + 6
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="{legend_y}" width="14" height="14" fill="#ffffff" '
        f'stroke="#0b5ea8" stroke-width="1.5"/><text x="{LABEL_WIDTH + 20}" y="{legend_y + 12}" '
        f'font-size="13" fill="#1b1f2e">{escape(_("geplant"))}</text>'
        f'<rect x="{LABEL_WIDTH + 110}" y="{legend_y}" width="14" height="14" fill="#0b5ea8"/>'
        f'<text x="{LABEL_WIDTH + 130}" y="{legend_y + 12}" font-size="13" fill="#1b1f2e">'
        f"{escape(_('verausgabt'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _money(value: Decimal) -> str:
    return number_format(value, 0, force_grouping=True)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
