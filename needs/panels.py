"""Boxes needs adds to other apps' pages (fb15/panels.py): the needs a measure or project
came from, and similar items of other units."""

from __future__ import annotations

from fb15.panels import Panel

from .models import Need


def need_link_panel(request, obj) -> Panel | None:
    """ "Hervorgegangen aus": the needs adopted as this measure or project that the reader
    may read (the other half of the link the need shows)."""
    field = obj._meta.model_name  # "measure" or "project"
    needs = list(
        Need.objects.restrict(request.user, "view")
        .filter(**{field: obj})
        .select_related("owner")
        .order_by("title")
    )
    if not needs:
        return None
    return Panel("needs/inc/panel_origin.html", {"origin_needs": needs})
