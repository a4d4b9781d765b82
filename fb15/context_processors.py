"""Navigation of the base template: each entry shown only to users who may open it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed or None for every logged-in user)
NAVIGATION = [
    (_("Start"), "home", None),
    (_("Digitale Strategie"), "strategy_detail", "strategy.view_strategy"),
    (_("Fachbereiche"), "orgunit_list", "fb15.view_orgunit"),
    (_("Standards"), "standard_list", "standards.view_standard"),
    (_("Einhaltung"), "compliance_matrix", "standards.view_compliance"),
    (_("Ausnahmen"), "exemption_list", "standards.view_exemption"),
    (_("Technologieradar"), "trend_radar", "standards.view_trend"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"navigation": []}
    current = request.path
    entries = []
    for label, url_name, permission in NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        url = reverse(url_name)
        entries.append({"label": label, "url": url, "is_current": False})
    # The longest matching entry is current ("/standards/einhaltung/" beats "/standards/").
    matches = [
        e
        for e in entries
        if current == e["url"] or (e["url"] != "/" and current.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["is_current"] = True
    return {"navigation": entries}
