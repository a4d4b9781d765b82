"""Boxes measures adds to other apps' pages (fb15/panels.py): the measures and projects about
a Verwaltungsleistung."""

from __future__ import annotations

from fb15.panels import Panel

from .models import Measure, Project

SHOWN = 50  # items per kind on the page; the count says how many there are in all


def service_items_panel(request, service) -> Panel:
    """ "Maßnahmen und Projekte zu dieser Leistung", as far as the reader may see them."""
    lists = []
    for model in (Measure, Project):
        rows = (
            model.objects.restrict(request.user, "view")
            .filter(services=service)
            .select_related("owner")
            .order_by("code", "pk")
        )
        lists.append((model._meta.verbose_name_plural, rows.count(), list(rows[:SHOWN])))
    return Panel("measures/inc/panel_service_items.html", {"service_item_lists": lists})
