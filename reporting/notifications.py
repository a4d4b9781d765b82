"""Reminders, escalations and report notices: German e-mails queued in the outbox under a
unique key, so a rerun never sends twice."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.mail import absolute_url, queue_mail
from fb15.models import OrgUnit, Role, User, city_settings
from measures.models import (
    Measure,
    Project,
    ReportingPeriod,
)

from .models import (
    Report,
    ReportSchedule,
)
from .report_data import correction_text


def _link(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


def _strategy_team_emails() -> list[str]:
    return list(
        User.objects.filter(groups__name=Role.STRATEGY_TEAM, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def missing_updates(period: ReportingPeriod) -> dict[int, list]:
    """Active measures and projects without a status update for `period`, by owning unit."""
    result: dict[int, list] = defaultdict(list)
    for model in (Measure, Project):
        for item in model.objects.needing_update(period).order_by("code"):
            result[item.owner_id].append(item)
    return result


def reminder_days() -> int:
    days = ReportSchedule.objects.filter(is_active=True).values_list("reminder_days", flat=True)
    return max(days, default=14)


@transaction.atomic
def send_reminders(today: datetime.date) -> int:
    """Before the Stichtag: each lead gets the list of own items still missing an update."""
    period = ReportingPeriod.objects.current(today)
    if period is None or not (
        period.reporting_date - datetime.timedelta(days=reminder_days())
        <= today
        <= period.reporting_date
    ):
        return 0
    sent = 0
    missing = missing_updates(period)
    units = OrgUnit.objects.filter(pk__in=missing).select_related("lead")
    for unit in units:
        sent += _queue_reminder(
            period, unit, missing[unit.pk], key=f"reminder:{period.label}:{unit.pk}"
        )
    return sent


def send_unit_reminder(*, actor, unit: OrgUnit, today: datetime.date | None = None) -> bool:
    """ "Erinnerung senden" from FB 15's start page: the reminder of the current period to one
    unit's lead now; at most once a day per unit (False if sent already or nothing missing).
    """
    if not actor.has_perm("reporting.change_reportschedule"):
        raise PermissionDenied
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.current(today)
    if period is None or unit.lead is None:
        return False
    items = [
        item
        for model in (Measure, Project)
        for item in model.objects.needing_update(period).filter(owner=unit).order_by("code")
    ]
    if not items:
        return False
    return _queue_reminder(period, unit, items, key=reminder_key(period, unit.pk, today))


def reminder_key(period: ReportingPeriod, unit_id: int, today: datetime.date) -> str:
    """The outbox key of the day's "Erinnerung senden" mail to a unit (one a day)."""
    return f"reminder:{period.label}:{unit_id}:{today.isoformat()}"


def _queue_reminder(period: ReportingPeriod, unit: OrgUnit, items: list, *, key: str) -> bool:
    if unit.lead is None:
        return False
    lines = "\n".join(f"- {item.code} {item.title}" for item in items)
    body = _(
        "Guten Tag,\n\nfür den Berichtszeitraum %(period)s (Stichtag %(date)s) fehlen noch "
        "Statusmeldungen des %(unit)s zu:\n\n%(lines)s\n\nBitte melden Sie den Stand unter "
        "%(link)s.\n\nVielen Dank\n%(office)s"
    ) % {
        "office": city_settings().office_name,
        "period": period.label,
        "date": period.reporting_date.strftime("%d.%m.%Y"),
        "unit": unit.code,
        "lines": lines,
        "link": _link("my_unit"),
    }
    subject = _("Erinnerung: Statusmeldungen %(period)s für %(unit)s") % {
        "period": period.label,
        "unit": unit.code,
    }
    return queue_mail([unit.lead.email], subject, body, key=key)


@transaction.atomic
def send_escalations(today: datetime.date) -> int:
    """After the grace period: what is still missing goes to FB 15, by unit."""
    sent = 0
    for period in ReportingPeriod.objects.filter(reporting_date__lt=today).order_by("-starts_on")[
        :2
    ]:
        if period.closes_on >= today:
            continue
        missing = missing_updates(period)
        if not missing:
            continue
        units = OrgUnit.objects.in_bulk(list(missing))
        blocks = []
        for unit_id, items in sorted(missing.items(), key=lambda kv: units[kv[0]].code):
            lines = "\n".join(f"  - {item.code} {item.title}" for item in items)
            blocks.append(f"{units[unit_id].code} – {units[unit_id].name} ({len(items)}):\n{lines}")
        body = _(
            "Guten Tag,\n\ndie Nachfrist für den Berichtszeitraum %(period)s ist am %(date)s "
            "abgelaufen. Es fehlen noch folgende Statusmeldungen:\n\n%(blocks)s\n\n"
            "Übersicht: %(link)s\n"
        ) % {
            "period": period.label,
            "date": period.closes_on.strftime("%d.%m.%Y"),
            "blocks": "\n\n".join(blocks),
            "link": _link("report_dashboard"),
        }
        subject = _("Eskalation: fehlende Statusmeldungen %(period)s") % {"period": period.label}
        sent += queue_mail(_strategy_team_emails(), subject, body, key=f"escalation:{period.label}")
    return sent


def send_draft_notice(report: Report) -> bool:
    """After a draft is rendered: FB 15 reads it, writes its assessment and releases it."""
    subject = _("Entwurf zur Freigabe: %(period)s – %(scope)s") % {
        "period": report.period_label,
        "scope": report.scope_label,
    }
    body = _(
        "Guten Tag,\n\nder Entwurf des Statusberichts für %(period)s (%(scope)s) ist erzeugt. "
        "Bitte lesen Sie ihn, ergänzen Sie die Einschätzung des FB 15 und geben Sie ihn frei; "
        "erst dann sehen ihn Rat und Verwaltung:\n%(link)s\n\n%(office)s"
    ) % {
        "period": report.period_label,
        "scope": report.scope_label,
        "link": _link("report_detail", report.pk),
        "office": city_settings().office_name,
    }
    with transaction.atomic():
        return queue_mail(
            _strategy_team_emails(),
            subject,
            body,
            key=f"report-draft:{report.pk}",
        )


def send_report_notice(report: Report) -> bool:
    """After a report is released: FB 15, the council (if the schedule says so) and extra
    people."""
    recipients = _strategy_team_emails()
    schedule = report.schedule
    if schedule is None or schedule.notify_council:
        recipients += list(
            User.objects.filter(groups__name=Role.COUNCIL, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if schedule is not None:
        recipients += schedule.extra_recipient_list
    subject = _("Neuer Statusbericht: %(period)s – %(scope)s") % {
        "period": report.period_label,
        "scope": report.scope_label,
    }
    body = _(
        "Guten Tag,\n\nder Statusbericht zur Digitalstrategie für %(period)s (%(scope)s) liegt "
        "vor. Sie finden ihn im Berichtsarchiv:\n%(link)s\n\n%(correction)s%(office)s"
    ) % {
        "period": report.period_label,
        "scope": report.scope_label,
        "link": _link("report_list"),
        "correction": f"{correction_text(report)}\n\n" if report.replaces_id else "",
        "office": city_settings().office_name,
    }
    with transaction.atomic():
        return queue_mail(recipients, subject, body, key=f"report:{report.pk}")
