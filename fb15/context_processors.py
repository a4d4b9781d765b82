"""Navigation of the base template: the registered entries the user may open (navigation.py)."""

from django.urls import reverse

from .navigation import manages_any_unit, navigation_entries

__all__ = ["manages_any_unit", "navigation"]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"navigation": []}
    current = request.path
    entries = [
        {"label": entry.label, "url": reverse(entry.url_name), "is_current": False}
        for entry in navigation_entries()
        if entry.is_shown_to(user)
    ]
    # The longest matching entry is current ("/standards/einhaltung/" beats "/standards/").
    matches = [
        e
        for e in entries
        if current == e["url"] or (e["url"] != "/" and current.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["is_current"] = True
    return {"navigation": entries}
