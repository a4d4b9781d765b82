"""Start page: a compact Lagebild (FB 15 and the council), and what reporting puts into
'Ihre Aufgaben' (fb15/inbox.py): the newest report for its readers, failed reports and units
still missing status updates (with "Erinnerung senden") for FB 15.

The leads' status-update duties belong to measures (measures/home.py), which owns status
updates; registering them here as well showed "Statusmeldungen" twice on the start page.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fb15.home import HomeSection
from fb15.inbox import Task, TaskAction
from fb15.models import Notification, OrgUnit, Role
from measures.home import current_period
from measures.models import Measure, Project, ReportingPeriod

from .dashboard import dashboard_version
from .models import Report, ReportStatus
from .notifications import reminder_key

HOME_CHANGES = 5  # rows of "changed since the last report" on the council's start page
REMINDER_UNITS = 5  # units offered "Erinnerung senden" on the start page
OPEN_UPDATES_CACHE_SECONDS = 60 * 60  # bounds an unused key only; the version keeps it exact


def _data_version(request) -> str:
    """The data's version (reporting.dashboard.dashboard_version), read once per request:
    the Lagebild section and the open status updates are both cached under it."""
    if not hasattr(request, "_reporting_data_version"):
        request._reporting_data_version = dashboard_version()
    return request._reporting_data_version


def _reads_lagebild(user) -> bool:
    return user.has_perm("reporting.view_report") and (
        user.is_superuser
        or user.groups.filter(name__in=[Role.STRATEGY_TEAM, Role.COUNCIL]).exists()
    )


def lagebild_section(request) -> HomeSection | None:
    """For the strategy team and the council: the traffic lights at a glance; the council
    also sees the first changes since the last report."""
    user = request.user
    if not _reads_lagebild(user):
        return None
    from .views import dashboard_data

    is_council = not user.has_perm("reporting.change_report")
    # Only what the section shows: the figures, and for the council the changes.
    data = dashboard_data(
        lists=False,
        changes=is_council,
        version=_data_version(request),
        reporting_period=current_period(request),
    )
    if data is None:
        return None
    return HomeSection(
        template="reporting/home_lagebild.html",
        title=gettext_lazy("Lagebild Digitalstrategie"),
        context={
            "data": data,
            "show_changes": is_council,
            "changes": data.changes[:HOME_CHANGES] if is_council else [],
        },
    )


def report_tasks(request) -> list[Task]:
    user = request.user
    if not user.has_perm("reporting.view_report"):
        return []
    if not user.has_perm("reporting.change_report"):
        return _newest_report(user)
    return _drafts_to_release() + _failed_reports() + _missing_updates(request)


def _drafts_to_release() -> list[Task]:
    drafts = Report.objects.filter(
        status=ReportStatus.DONE, released_at__isnull=True, release_requested=False
    )
    count = drafts.count()
    if not count:
        return []
    url = drafts.first().get_absolute_url() if count == 1 else reverse("report_list")
    return [
        Task(
            ngettext(
                "%(count)s Berichtsentwurf einschätzen und freigeben",
                "%(count)s Berichtsentwürfe einschätzen und freigeben",
                count,
            )
            % {"count": count},
            url,
            count=count,
            detail=_("Rat und Verwaltung sehen einen Bericht erst nach der Freigabe."),
            position=12,
        )
    ]


def _newest_report(user) -> list[Task]:
    report = (
        Report.objects.visible_to(user)
        .released()
        .select_related("field_of_action", "unit")
        .order_by("-released_at", "-pk")
        .first()
    )
    if report is None:
        return []
    return [
        Task(
            _("Neuester Statusbericht: %(report)s (PDF)") % {"report": report},
            reverse("report_download", args=[report.pk]),
            detail=_("freigegeben am %(date)s")
            % {"date": timezone.localtime(report.released_at).strftime("%d.%m.%Y")},
            urgency="info",
            position=10,
        )
    ]


def _failed_reports() -> list[Task]:
    # A failed report counts until a later one of the same period and scope is done.
    done_later = Report.objects.filter(
        status=ReportStatus.DONE,
        period_label=OuterRef("period_label"),
        scope_kind=OuterRef("scope_kind"),
        created_at__gt=OuterRef("created_at"),
    )
    failed = Report.objects.filter(status=ReportStatus.FAILED).filter(~Exists(done_later)).count()
    if not failed:
        return []
    return [
        Task(
            ngettext(
                "%(count)s Bericht fehlgeschlagen", "%(count)s Berichte fehlgeschlagen", failed
            )
            % {"count": failed},
            reverse("report_list") + f"?status={ReportStatus.FAILED}",
            count=failed,
            urgency="danger",
            position=15,
        )
    ]


def open_updates_by_unit(version: str, period: ReportingPeriod) -> dict[int, int]:
    """Per unit, its active measures and projects without a status update for `period`.

    The same for every reader of it (the strategy team): cached under the data's `version`
    (reporting.dashboard.dashboard_version, which covers measures, projects and periods),
    so any change of them asks the database again."""
    key = f"open-updates:{version}:{period.pk}"
    by_unit = cache.get(key)
    if by_unit is None:
        by_unit = {}
        for model in (Measure, Project):
            rows = model.objects.needing_update(period).values("owner").annotate(n=Count("pk"))
            for row in rows:
                by_unit[row["owner"]] = by_unit.get(row["owner"], 0) + row["n"]
        cache.set(key, by_unit, OPEN_UPDATES_CACHE_SECONDS)
    return by_unit


def _missing_updates(request) -> list[Task]:
    user = request.user
    if not user.has_perm("reporting.change_reportschedule"):
        return []
    period = current_period(request)
    if period is None:
        return []
    by_unit = open_updates_by_unit(_data_version(request), period)
    if not by_unit:
        return []
    today = timezone.localdate()
    keys = {reminder_key(period, unit_id, today): unit_id for unit_id in by_unit}
    reminded = {  # units reminded today are not offered the button again
        keys[key] for key in Notification.objects.filter(key__in=keys).values_list("key", flat=True)
    }
    worst = sorted(set(by_unit) - reminded, key=lambda unit_id: -by_unit[unit_id])
    units = OrgUnit.objects.in_bulk(worst[:REMINDER_UNITS])
    actions = tuple(
        TaskAction(
            _("Erinnerung an %(unit)s senden (%(count)s offen)")
            % {"unit": units[unit_id].code, "count": by_unit[unit_id]},
            reverse("reminder_send", args=[unit_id]),
        )
        for unit_id in worst[:REMINDER_UNITS]
        if unit_id in units and units[unit_id].lead_id
    )
    return [
        Task(
            ngettext(
                "%(count)s Fachbereich mit fehlenden Statusmeldungen",
                "%(count)s Fachbereiche mit fehlenden Statusmeldungen",
                len(by_unit),
            )
            % {"count": len(by_unit)},
            reverse("report_dashboard") + "#open-heading",
            count=len(by_unit),
            detail=" · ".join(
                [
                    _("%(period)s, Stichtag %(date)s")
                    % {"period": period, "date": period.reporting_date.strftime("%d.%m.%Y")},
                    *(
                        [_("heute erinnert: %(count)s") % {"count": len(reminded)}]
                        if reminded
                        else []
                    ),
                ]
            ),
            urgency="warning" if today > period.reporting_date else "todo",
            actions=actions,
            position=20,
        )
    ]
