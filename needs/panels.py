"""Boxes needs adds to other apps' pages (fb15/panels.py): the needs a measure or project
came from, and similar items of other units."""

from __future__ import annotations

from django.urls import reverse

from fb15.panels import Panel

from .models import Need, PriorityProposal, SynergyKind, SynergyMark


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


def priority_history_panel(request, obj) -> Panel | None:
    """ "Prioritäten je Runde": FB 15's proposals for this need or measure in every round,
    with the unit's statements, as far as the reader may read them."""
    field = obj._meta.model_name  # "need" or "measure"
    proposals = list(
        PriorityProposal.objects.restrict(request.user, "view")
        .filter(**{field: obj})
        .select_related("round", "stated_by")
        .order_by("-round__starts_on")
    )
    if not proposals:
        return None
    return Panel("needs/inc/panel_priorities.html", {"priority_proposals": proposals})


def similar_items_panel(request, obj) -> Panel:
    """ "Ähnliche Vorhaben in anderen Fachbereichen": a heading and a link to the items of
    other units about the same thing; htmx swaps the list in when the box comes into view
    (needs/views.py `similar_items`), so the page itself does not wait for the search."""
    from .links import item_key

    return Panel(
        "needs/inc/panel_similar_link.html",
        {"similar_url": reverse("similar_items", args=item_key(obj).split(":"))},
    )


def similar_items_context(request, obj, next_url: str) -> dict:
    """What the similar-items box shows for `obj`, as far as the reader may see it (needs of
    other units by title only); FB 15's marks return to `next_url`."""
    from .links import item_key
    from .synergies import similar_items

    return {
        "object": obj,
        "similar_items": similar_items(request.user, obj),
        "source_key": item_key(obj),
        "may_mark": SynergyMark.objects.may_add(request.user),
        "mark_kinds": SynergyKind.choices,
        "next_url": next_url,
    }


SHOWN = 50  # needs on a Verwaltungsleistung's page; the count says how many in all


def service_needs_panel(request, service) -> Panel:
    """ "Bedarfsmeldungen zu dieser Leistung": the needs the reader may read, and other
    units' public ones by title."""
    rows = (
        Need.objects.titles_for(request.user, mark_readable=True)
        .filter(services=service)
        .select_related("owner")
        .order_by("-created_at", "pk")
    )
    return Panel(
        "needs/inc/panel_service_needs.html",
        {"service_needs": list(rows[:SHOWN]), "service_need_count": rows.count()},
    )
