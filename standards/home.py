"""What standards put into 'Ihre Aufgaben' on the start page (fb15/inbox.py).

FB 15: exemption requests to decide, self-assessments to confirm, standards due for review.
Leads: their own requests and self-assessments still waiting for FB 15.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fb15.inbox import Task

from .models import Compliance, ComplianceState, Exemption, ExemptionStatus, Standard


def _self_assessed(cells):
    """Cells a unit has assessed that FB 15 has not confirmed yet."""
    return cells.exclude(state=ComplianceState.UNCHECKED).filter(confirmed_at__isnull=True)


def standards_tasks(request) -> list[Task]:
    user = request.user
    if Exemption.objects.holds(user, "decide"):
        return _office_tasks(user)
    return _lead_tasks(user)


def _office_tasks(user) -> list[Task]:
    tasks = []
    requested = Exemption.objects.restrict(user, "decide").filter(status=ExemptionStatus.REQUESTED)
    count = requested.count()
    if count:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Ausnahmeantrag zu entscheiden",
                    "%(count)s Ausnahmeanträge zu entscheiden",
                    count,
                )
                % {"count": count},
                reverse("exemption_list") + f"?status={ExemptionStatus.REQUESTED}",
                count=count,
                position=30,
            )
        )
    count = _self_assessed(Compliance.objects.restrict(user, "confirm")).count()
    if count:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Selbsteinschätzung zu bestätigen",
                    "%(count)s Selbsteinschätzungen zu bestätigen",
                    count,
                )
                % {"count": count},
                reverse("compliance_matrix"),
                count=count,
                position=40,
            )
        )
    due = (
        Standard.objects.restrict(user, "change")
        .filter(next_review__lte=timezone.localdate())
        .count()
    )
    if due:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Standard zur Überprüfung fällig",
                    "%(count)s Standards zur Überprüfung fällig",
                    due,
                )
                % {"count": due},
                reverse("standard_list") + "?pruefung=faellig",
                count=due,
                position=50,
            )
        )
    return tasks


def _lead_tasks(user) -> list[Task]:
    tasks = []
    own_requests = (
        Exemption.objects.restrict(user, "change").filter(status=ExemptionStatus.REQUESTED).count()
    )
    if own_requests:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Ausnahmeantrag wartet auf FB 15",
                    "%(count)s Ausnahmeanträge warten auf FB 15",
                    own_requests,
                )
                % {"count": own_requests},
                reverse("exemption_list") + f"?status={ExemptionStatus.REQUESTED}",
                count=own_requests,
                detail=_("Sie müssen nichts tun; FB 15 entscheidet."),
                urgency="info",
                position=60,
            )
        )
    waiting = _self_assessed(Compliance.objects.restrict(user, "change")).count()
    if waiting:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Selbsteinschätzung wartet auf Bestätigung durch FB 15",
                    "%(count)s Selbsteinschätzungen warten auf Bestätigung durch FB 15",
                    waiting,
                )
                % {"count": waiting},
                reverse("compliance_matrix"),
                count=waiting,
                detail=_("Sie müssen nichts tun; FB 15 prüft."),
                urgency="info",
                position=70,
            )
        )
    return tasks
