"""Traffic-light badges: inc/traffic_light.html rendered once per value and language.

Long lists (the strategy tree, the measure list) show a badge per row; including the
template per row costs more than the rest of the row.
"""

from django import template
from django.template.loader import get_template
from django.utils.translation import get_language

register = template.Library()

_badges: dict[tuple[str, str, str], str] = {}


@register.filter
def light_badge(value, label="") -> str:
    """`{{ item.traffic_light|light_badge:item.get_traffic_light_display }}`"""
    key = (value or "", str(label), get_language() or "")
    badge = _badges.get(key)
    if badge is None:
        badge = get_template("inc/traffic_light.html").render({"value": value, "label": label})
        _badges[key] = badge
    return badge
