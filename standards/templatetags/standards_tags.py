"""Badges of the standards app: a state is always shown as icon + word, never colour alone."""

from django import template

register = template.Library()

# value → (KERN badge variant or our neutral one, KERN icon)
BADGES = {
    "fulfilled": ("success", "success"),
    "partial": ("warning", "warning"),
    "not_fulfilled": ("danger", "danger"),
    "exempt": ("info", "info"),
    "unchecked": ("neutral", "question-mark"),
    # standard status
    "draft": ("neutral", "draft"),
    "binding": ("success", "check"),
    "expiring": ("warning", "warning"),
    "repealed": ("neutral", "close"),
    # exemption status
    "requested": ("info", "info"),
    "approved": ("success", "success"),
    "rejected": ("danger", "danger"),
    "expired": ("neutral", "calendar-today"),
}


@register.inclusion_tag("standards/inc/badge.html")
def badge(value, label, small=True):
    variant, icon = BADGES.get(str(value), ("neutral", "info"))
    return {"variant": variant, "icon": icon, "label": label, "small": small}
