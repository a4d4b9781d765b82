"""What needs put into 'Ihre Aufgaben' on the start page (fb15/inbox.py).

FB 15: new needs to triage, open priority rounds with statements still missing.
Units: FB 15's proposals in an open round that wait for the unit's statement.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fb15.inbox import Task

from .models import Need, NeedState, PriorityProposal, PriorityRound, Statement, units_of


def needs_tasks(request) -> list[Task]:
    user = request.user
    if Need.objects.holds(user, "triage"):
        return _office_tasks(user)
    return _unit_tasks(user)


def _office_tasks(user) -> list[Task]:
    tasks = []
    new = Need.objects.restrict(user, "triage").filter(state=NeedState.SUBMITTED).count()
    if new:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s neue Bedarfsmeldung zu prüfen",
                    "%(count)s neue Bedarfsmeldungen zu prüfen",
                    new,
                )
                % {"count": new},
                reverse("need_triage_list"),
                count=new,
                position=45,
            )
        )
    open_rounds = (
        PriorityRound.objects.restrict(user, "close")
        .filter(closed_at__isnull=True)
        .annotate(pending=Count("proposals", filter=Q(proposals__statement=Statement.PENDING)))
    )
    for round in open_rounds:
        pending = round.pending
        tasks.append(
            Task(
                _("Prioritätenrunde %(label)s ist offen") % {"label": round.label},
                round.get_absolute_url(),
                count=pending,
                detail=ngettext(
                    "%(count)s Stellungnahme fehlt noch; FB 15 schließt die Runde ab.",
                    "%(count)s Stellungnahmen fehlen noch; FB 15 schließt die Runde ab.",
                    pending,
                )
                % {"count": pending},
                position=46,
            )
        )
    return tasks


def _unit_tasks(user) -> list[Task]:
    pending = (
        PriorityProposal.objects.restrict(user, "view")
        .filter(
            unit__in=units_of(user),
            statement=Statement.PENDING,
            round__closed_at__isnull=True,
        )
        .select_related("round")
        .order_by("round__starts_on")
    )
    first = pending.first()
    if first is None:
        return []
    count = pending.count()
    return [
        Task(
            ngettext(
                "%(count)s Prioritätsvorschlag des FB 15 wartet auf Ihre Stellungnahme",
                "%(count)s Prioritätsvorschläge des FB 15 warten auf Ihre Stellungnahme",
                count,
            )
            % {"count": count},
            first.round.get_absolute_url(),
            count=count,
            detail=_("Runde %(label)s bis %(until)s")
            % {"label": first.round.label, "until": date_format(first.round.ends_on)},
            urgency="todo",
            position=46,
        )
    ]
