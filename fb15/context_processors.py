"""Navigation of the base template: each entry shown only to users who may open it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import units_managed_by
from .trash import may_use_trash


def manages_any_unit(user) -> bool:
    return units_managed_by(user).exists()


# (label, url name, what is needed: None for every logged-in user, a permission, or a test)
NAVIGATION = [
    (_("Start"), "home", None),
    (_("Mein Fachbereich"), "my_unit", manages_any_unit),
    (_("Digitale Strategie"), "strategy_detail", "strategy.view_strategy"),
    (_("Maßnahmen"), "measure_list", "measures.view_measure"),
    (_("Projekte"), "project_list", "measures.view_project"),
    (_("Fachbereiche"), "orgunit_list", "fb15.view_orgunit"),
    (_("Standards"), "standard_list", "standards.view_standard"),
    (_("Einhaltung"), "compliance_matrix", "standards.view_compliance"),
    (_("Ausnahmen"), "exemption_list", "standards.view_exemption"),
    (_("Technologieradar"), "trend_radar", "standards.view_trend"),
    (_("Lagebild"), "report_dashboard", "reporting.view_report"),
    (_("Berichte"), "report_list", "reporting.view_report"),
    (_("Papierkorb"), "trash", may_use_trash),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"navigation": []}
    current = request.path
    entries = []
    for label, url_name, permission in NAVIGATION:
        if callable(permission):
            if not permission(user):
                continue
        elif permission and not user.has_perm(permission):
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
