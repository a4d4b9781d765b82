"""What the strategy puts into 'Ihre Aufgaben' (fb15/inbox.py): for whoever publishes
revisions, the draft's changes not yet adopted by the council."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from fb15.inbox import Task

from .models import FieldOfAction, Goal, Revision
from .services import current_strategy


def draft_tasks(request) -> list[Task]:
    user = request.user
    if not user.has_perm("strategy.add_revision"):
        return []
    strategy = current_strategy()
    if strategy is None:
        return []
    latest = Revision.objects.filter(strategy=strategy).order_by("-number").first()
    if latest is None:
        return []
    # Fields of action and goals changed since the latest revision was published (each
    # counted once, however often it was edited).
    changed = sum(
        model.history.filter(history_date__gt=latest.published_at).values("id").distinct().count()
        for model in (FieldOfAction, Goal)
    )
    if not changed:
        return []
    return [
        Task(
            ngettext(
                "Entwurf: %(count)s Handlungsfeld oder Ziel seit Fortschreibung %(number)s "
                "geändert, noch nicht beschlossen",
                "Entwurf: %(count)s Handlungsfelder und Ziele seit Fortschreibung %(number)s "
                "geändert, noch nicht beschlossen",
                changed,
            )
            % {"count": changed, "number": latest.number},
            reverse("strategy_compare"),
            count=changed,
            position=80,
        )
    ]
