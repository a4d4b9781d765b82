"""What measures put into 'Ihre Aufgaben' on the start page (fb15/inbox.py).

Leads: status updates due in the open period, questions of FB 15 to answer, overdue
milestones, KPIs without a value this period. FB 15: status updates to review.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fb15.inbox import Task

from .models import (
    Indicator,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    ReviewState,
    StatusUpdate,
)

DEADLINE_SOON = datetime.timedelta(days=14)


def _deadline_urgency(period: ReportingPeriod, today: datetime.date) -> str:
    if today > period.reporting_date:
        return "danger"
    return "warning" if period.reporting_date - today <= DEADLINE_SOON else "todo"


def current_period(request) -> ReportingPeriod | None:
    """The reporting period open today, read once per request: the start page's providers
    (these tasks, reporting's and its Lagebild) all ask for it."""
    if not hasattr(request, "_current_reporting_period"):
        request._current_reporting_period = ReportingPeriod.objects.current(timezone.localdate())
    return request._current_reporting_period


def measure_tasks(request) -> list[Task]:
    user, today = request.user, timezone.localdate()
    period = current_period(request)
    tasks = []
    if StatusUpdate.objects.holds(user, "review") and period is not None:
        to_review = (
            StatusUpdate.objects.restrict(user, "review")
            .filter(period=period, review_state=ReviewState.SUBMITTED)
            .count()
        )
        if to_review:
            tasks.append(
                Task(
                    ngettext(
                        "%(count)s Statusmeldung zu prüfen",
                        "%(count)s Statusmeldungen zu prüfen",
                        to_review,
                    )
                    % {"count": to_review},
                    reverse("status_review_list"),
                    count=to_review,
                    detail=str(period),
                    position=10,
                )
            )
    if Measure.objects.holds(user, "change_structure"):
        return tasks  # the strategy team maintains every measure: the leads' duties are not theirs
    own = {model: model.objects.restrict(user, "change").active() for model in (Measure, Project)}
    if period is not None:
        due = sum(queryset.needing_update(period).count() for queryset in own.values())
        if due:
            tasks.append(
                Task(
                    ngettext(
                        "%(count)s Statusmeldung für %(period)s fällig",
                        "%(count)s Statusmeldungen für %(period)s fällig",
                        due,
                    )
                    % {"count": due, "period": period},
                    reverse("my_unit"),
                    count=due,
                    detail=_("Stichtag %(date)s")
                    % {"date": period.reporting_date.strftime("%d.%m.%Y")},
                    urgency=_deadline_urgency(period, today),
                    position=10,
                )
            )
    returned = StatusUpdate.objects.restrict(user, "change").filter(
        review_state=ReviewState.RETURNED
    )
    first = returned.select_related("measure", "project").order_by("reviewed_at").first()
    if first is not None:
        count = returned.count()
        url = (
            reverse(f"{first.subject.kind}_status", args=[first.subject.pk])
            + f"?period={first.period_id}"
            if count == 1
            else reverse("my_unit") + "#returned-heading"
        )
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Rückfrage von FB 15 beantworten",
                    "%(count)s Rückfragen von FB 15 beantworten",
                    count,
                )
                % {"count": count},
                url,
                count=count,
                detail=f"{first.subject.code}: {first.review_question[:120]}",
                position=5,
            )
        )
    overdue = (
        Milestone.objects.restrict(user, "change")
        .filter(reached_on__isnull=True, due_on__lt=today)
        .count()
    )
    if overdue:
        tasks.append(
            Task(
                ngettext(
                    "%(count)s Meilenstein überfällig",
                    "%(count)s Meilensteine überfällig",
                    overdue,
                )
                % {"count": overdue},
                reverse("my_unit") + "#overdue-heading",
                count=overdue,
                urgency="danger",
                position=20,
            )
        )
    if period is not None:
        without_value = indicators_without_value(user, period).count()
        if without_value:
            tasks.append(
                Task(
                    ngettext(
                        "%(count)s Kennzahl ohne Messwert für %(period)s",
                        "%(count)s Kennzahlen ohne Messwert für %(period)s",
                        without_value,
                    )
                    % {"count": without_value, "period": period},
                    reverse("my_unit") + "#indicators-heading",
                    count=without_value,
                    position=30,
                )
            )
    return tasks


def indicators_without_value(user, period: ReportingPeriod):
    """KPIs of the user's active measures with no value measured in `period` yet."""
    return (
        Indicator.objects.filter(measure__in=Measure.objects.restrict(user, "change").active())
        .exclude(values__measured_on__gte=period.starts_on)
        .distinct()
    )
