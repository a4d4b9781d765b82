"""Context of the base template: the city's settings and the navigation.

`city` is the city's settings row (name, office, logo, contact of header and footer).
The navigation holds the registered entries the user may open (navigation.py):

`navigation` is the top navigation (one item per visible section), `subnavigation` the
entries of the current section when it has more than one, `breadcrumbs` the trail to the
current entry (Start, its section, the entry) that detail pages extend with themselves
(templates/inc/breadcrumbs.html).
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .models import city_settings
from .navigation import manages_any_unit, navigation_tree

__all__ = ["city", "manages_any_unit", "navigation"]


def city(request):
    """`city`: the city's settings (header, footer), queried once and only when used."""
    return {"city": SimpleLazyObject(city_settings)}


def _matches(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"navigation": [], "subnavigation": None, "breadcrumbs": []}
    path = request.path
    sections = []
    for section, entries in navigation_tree(user):
        items = [
            {"label": entry.label, "url": reverse(entry.url_name), "is_current": False}
            for entry in entries
        ]
        sections.append(
            {
                "label": section.label,
                "url": items[0]["url"],
                "entries": items,
                "is_current": False,
            }
        )
    # The longest matching entry is current ("/standards/einhaltung/" beats "/standards/"),
    # and with it its section.
    matches = [
        (section, item)
        for section in sections
        for item in section["entries"]
        if _matches(path, item["url"])
    ]
    subnavigation = None
    home = reverse("home")
    breadcrumbs = [{"label": _("Start"), "url": home}]
    if matches:
        section, item = max(matches, key=lambda match: len(match[1]["url"]))
        section["is_current"] = item["is_current"] = True
        if len(section["entries"]) > 1:
            subnavigation = section
        # The section's own link opens its first entry: name that page once, by the entry.
        crumbs = [item] if section["url"] == item["url"] else [section, item]
        breadcrumbs += [
            {"label": crumb["label"], "url": crumb["url"]}
            for crumb in crumbs
            if crumb["url"] != home
        ]
    return {"navigation": sections, "subnavigation": subnavigation, "breadcrumbs": breadcrumbs}
