"""One line per goal item (measure) in the strategy tree and a goal's list: link, traffic
light, progress. Rendered in Python with the link pattern and the traffic-light labels
worked out once per kind of item and language, not once per row (a strategy page lists
hundreds of them)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from fb15.templatetags.lights import light_badge
from strategy.tree import GOAL_ITEMS

register = template.Library()

_PROBE = 987654321  # a pk no row has: its place in a reversed URL is where each pk goes
_links: dict[type, tuple[str, str]] = {}
_labels: dict[tuple[type, str], dict[str, str]] = {}


def _link(item) -> str:
    model = type(item)
    spec = next((s for s in GOAL_ITEMS.values() if s.model is model), None)
    if spec is None or not spec.url_name:
        return item.get_absolute_url()
    if model not in _links:
        prefix, suffix = reverse(spec.url_name, args=[_PROBE]).split(str(_PROBE))
        _links[model] = (prefix, suffix)
    prefix, suffix = _links[model]
    return f"{prefix}{item.pk}{suffix}"


def _light_label(item) -> str:
    key = (type(item), get_language() or "")
    if key not in _labels:
        choices = type(item)._meta.get_field("traffic_light").flatchoices
        _labels[key] = {value: str(label) for value, label in choices}
    return _labels[key].get(item.traffic_light, item.traffic_light)


@register.filter
def goal_item_line(item) -> str:
    """`<a>` to the item, its traffic light as a badge and its progress, as the tree shows them."""
    # escape() as format_html() applies it (the title and pk are plain values), without its
    # overhead: a strategy page has hundreds of these lines.
    parts = [
        f'<a class="kern-link kern-link--no-visited-state" href="{escape(_link(item))}">'
        f"{escape(str(item))}</a>"
    ]
    light = getattr(item, "traffic_light", None)
    if light is not None:
        parts.append(light_badge(light, _light_label(item)))
    progress = getattr(item, "progress", None)
    if progress is not None:
        parts.append(f'<span class="kern-body kern-body--small">{escape(str(progress))} %</span>')
    return SafeString(" ".join(parts))  # each part escaped or built by light_badge
