"""Shared links between needs, measures and projects: the same Verwaltungsleistung, the same
trend, the same standard (the standards of their trends). Items of different units that
share a link are about the same thing even when their titles differ; the similar-items
lists (needs/synergies.py) name these reasons in German next to similar words.

Items are keyed as the synergy marks key them: "need:12", "measure:4", "project:7".
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from measures.models import Measure
from standards.models import Trend

from .models import Need

KINDS = ("service", "trend", "standard")
# The models that carry trends themselves; a project is linked by its services only.
WITH_TRENDS = (Need, Measure)


def item_key(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def link_names(items) -> dict[str, dict[str, set[str]]]:
    """For every item, the names it links to by kind ({"service": {…}, "trend": {…},
    "standard": {…}}), in at most two queries per model and one for the standards.

    Services, trends and standards are catalogues every role reads: no restriction here;
    who may see the items themselves is the caller's business."""
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: {kind: set() for kind in KINDS})
    by_model: dict[type, list[int]] = defaultdict(list)
    for item in items:
        by_model[type(item)].append(item.pk)
    trend_owners: dict[int, list[str]] = defaultdict(list)
    for model, ids in by_model.items():
        prefix = model._meta.model_name
        column = f"{prefix}_id"
        through = model.services.through.objects.filter(**{f"{column}__in": ids})
        for pk, name in through.values_list(column, "service__name"):
            names[f"{prefix}:{pk}"]["service"].add(name)
        if model in WITH_TRENDS:
            through = model.trends.through.objects.filter(**{f"{column}__in": ids})
            for pk, trend_id, title in through.values_list(column, "trend_id", "trend__title"):
                names[f"{prefix}:{pk}"]["trend"].add(title)
                trend_owners[trend_id].append(f"{prefix}:{pk}")
    if trend_owners:
        standards = Trend.standards.through.objects.filter(trend_id__in=trend_owners)
        for trend_id, code, title in standards.values_list(
            "trend_id", "standard__code", "standard__title"
        ):
            for key in trend_owners[trend_id]:
                names[key]["standard"].add(f"{code} {title}")
    return names


def shared_links(a, b, names: dict | None = None) -> list[str]:
    """Why `a` and `b` belong together apart from their words, in German, e.g.
    ["gleiche Verwaltungsleistung: Wohnsitz anmelden", "gleicher Trend: E-Akte"]; empty if
    they share nothing. Pass `names` from `link_names(all items)` to compare many pairs
    without further queries."""
    if names is None:
        names = link_names([a, b])
    first, second = names.get(item_key(a)), names.get(item_key(b))
    if not first or not second:
        return []
    labels = {
        "service": _("gleiche Verwaltungsleistung: %(name)s"),
        "trend": _("gleicher Trend: %(name)s"),
        "standard": _("gleicher Standard: %(name)s"),
    }
    return [
        labels[kind] % {"name": name}
        for kind in KINDS
        for name in sorted(first[kind] & second[kind])
    ]
