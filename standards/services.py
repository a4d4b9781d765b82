"""Writes of the standards app that touch several objects, and the emails they cause.

Views, tasks, commands and tests call these. Emails are plain German text, queued in the
outbox of fb15.mail: sent only after the transaction has committed (nothing is announced that
was rolled back) and retried until the mail server accepted them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history

from fb15.history import save_with_history
from fb15.mail import absolute_url, queue_mail
from fb15.models import OrgUnit, Role

from .models import (
    Compliance,
    ComplianceState,
    Exemption,
    ExemptionStatus,
    NewsSeen,
    Ring,
    Standard,
    StandardStatus,
    Trend,
)

SIGNATURE = "\n\n-- \nFB 15 – Digitale Verwaltung und IT-Steuerung\n(automatische Nachricht)"


def _send_after_commit(messages: list[tuple[str, str, list[str]]]) -> None:
    """Queue German plain-text emails (subject, body, recipients) in the outbox.

    Each is sent after the commit and retried until the mail server takes it (fb15.mail).
    """
    for subject, body, recipients in messages:
        queue_mail(recipients, subject, body + SIGNATURE)


def _lead_addresses(units) -> dict[int, list[str]]:
    """{unit id: [lead's address]} for the given units (leads without address are skipped)."""
    rows = OrgUnit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "lead__email")
    return {pk: [email] for pk, email in rows if email}


def ensure_compliance_rows(standards=None, *, actor=None) -> int:
    """Create the missing "ungeprüft" cells of standards in force × all units; returns count."""
    if standards is None:
        standards = Standard.objects.in_force()
    standard_ids = [s.pk for s in standards]
    existing = set(
        Compliance.objects.filter(standard_id__in=standard_ids).values_list(
            "unit_id", "standard_id"
        )
    )
    missing = [
        Compliance(unit_id=unit_id, standard_id=standard_id)
        for unit_id in OrgUnit.objects.values_list("pk", flat=True)
        for standard_id in standard_ids
        if (unit_id, standard_id) not in existing
    ]
    if missing:
        bulk_create_with_history(missing, Compliance, default_user=actor)
    return len(missing)


@transaction.atomic
def save_standard(
    standard: Standard, *, actor, reason: str = "", m2m: dict | None = None
) -> Standard:
    """Save a standard; when it becomes binding, create its matrix cells and tell every
    unit lead."""
    previous_status = (
        Standard.objects.filter(pk=standard.pk).values_list("status", flat=True).first()
        if standard.pk
        else None
    )
    save_with_history(standard, actor=actor, reason=reason, m2m=m2m)
    if standard.is_in_force:
        ensure_compliance_rows([standard], actor=actor)
    if standard.status == StandardStatus.BINDING and previous_status != StandardStatus.BINDING:
        _announce_binding_standard(standard)
    return standard


def _announce_binding_standard(standard: Standard) -> None:
    addresses = sorted(
        set(
            OrgUnit.objects.exclude(lead__email="")
            .filter(lead__isnull=False)
            .values_list("lead__email", flat=True)
        )
    )
    valid_from = date_format(standard.valid_from, "DATE_FORMAT") if standard.valid_from else "—"
    body = (
        f"Guten Tag,\n\nder Standard „{standard.code} {standard.title}“ "
        f"({standard.get_obligation_display()}, Kategorie {standard.get_category_display()}) "
        f"ist ab dem {valid_from} verbindlich für alle Fachbereiche.\n\n"
        "Bitte schätzen Sie in der Einhaltungsmatrix ein, ob Ihr Fachbereich ihn erfüllt:\n"
        f"{absolute_url(reverse('compliance_matrix'))}\n\n"
        f"Der Standard im Einzelnen:\n{absolute_url(standard.get_absolute_url())}"
    )
    subject = f"Neuer verbindlicher Standard: {standard.code} {standard.title}"
    _send_after_commit([(subject, body, [address]) for address in addresses])


@transaction.atomic
def save_trend(trend: Trend, *, actor, reason: str = "", m2m: dict | None = None) -> Trend:
    """Save a trend (its units in `m2m`) and tell the leads of the units concerned when the
    trend is new to them or moved to another ring."""
    old_ring = Trend.objects.filter(pk=trend.pk).values_list("ring", flat=True).first()
    old_unit_ids = set(trend.units.values_list("pk", flat=True)) if trend.pk else set()
    save_with_history(trend, actor=actor, reason=reason, m2m=m2m)
    units = list(trend.units.all())
    addresses = _lead_addresses(units)
    trend_url = absolute_url(trend.get_absolute_url())
    messages = []
    for unit in units:
        if unit.pk not in old_unit_ids:
            subject = f"Neuer Trend für {unit.code}: {trend.title}"
            body = (
                f"Guten Tag,\n\nFB 15 hat den Trend „{trend.title}“ in das Technologieradar "
                f"aufgenommen bzw. Ihrem Fachbereich {unit.code} zugeordnet.\n\n"
                f"Quadrant: {trend.get_quadrant_display()}\nRing: {trend.get_ring_display()}\n\n"
                f"Warum er Ihren Fachbereich betrifft und wie FB 15 ihn einschätzt:\n{trend_url}"
            )
        elif old_ring and old_ring != trend.ring:
            subject = f"Trend „{trend.title}“ jetzt im Ring {trend.get_ring_display()}"
            body = (
                f"Guten Tag,\n\nFB 15 hat den Trend „{trend.title}“, der Ihren Fachbereich "
                f"{unit.code} betrifft, neu eingeordnet: von {Ring(old_ring).label} nach "
                f"{trend.get_ring_display()}.\n\nBegründung und Einzelheiten:\n{trend_url}"
            )
        else:
            continue
        messages.append((subject, body, addresses.get(unit.pk, [])))
    _send_after_commit(messages)
    return trend


@transaction.atomic
def request_exemption(exemption: Exemption, *, actor, reason: str = "") -> Exemption:
    """File (or amend) a lead's exemption request and tell the strategy team."""
    is_new = exemption.pk is None
    exemption.status = ExemptionStatus.REQUESTED
    if is_new:
        exemption.requested_by = actor
    save_with_history(exemption, actor=actor, reason="Ausnahme beantragt" if is_new else reason)
    if is_new:
        recipients = list(
            get_user_model()
            .objects.filter(groups__name=Role.STRATEGY_TEAM, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        body = (
            f"Guten Tag,\n\n{actor} beantragt für {exemption.unit} eine Ausnahme vom Standard "
            f"„{exemption.standard}“ bis zum {date_format(exemption.ends_on, 'DATE_FORMAT')}."
            f"\n\nBegründung:\n{exemption.justification}\n\n"
            f"Bitte entscheiden Sie hier:\n{absolute_url(exemption.get_absolute_url())}"
        )
        subject = f"Ausnahmeantrag {exemption.unit.code} zu {exemption.standard.code}"
        _send_after_commit([(subject, body, recipients)])
    return exemption


def _cell(unit_id: int, standard_id: int) -> Compliance:
    cell = (
        Compliance.objects.select_for_update()
        .filter(unit_id=unit_id, standard_id=standard_id)
        .first()
    )
    return cell or Compliance(unit_id=unit_id, standard_id=standard_id)


@transaction.atomic
def decide_exemption(*, actor, exemption: Exemption, approve: bool, reason: str) -> Exemption:
    """Approve or reject an open request; an approval turns the cell into "Ausnahme".

    Raises PermissionDenied unless `actor` may decide this exemption.
    """
    exemption = (
        Exemption.objects.restrict(actor, "decide")
        .select_for_update()
        .filter(pk=exemption.pk)
        .first()
    )
    if exemption is None:
        raise PermissionDenied
    if exemption.status != ExemptionStatus.REQUESTED:
        raise ValueError("exemption already decided")
    until = date_format(exemption.ends_on, "DATE_FORMAT")
    exemption.status = ExemptionStatus.APPROVED if approve else ExemptionStatus.REJECTED
    exemption.decided_by = actor
    exemption.decided_at = timezone.now()
    exemption.decision_reason = reason
    history_reason = "Ausnahme genehmigt" if approve else "Ausnahme abgelehnt"
    save_with_history(exemption, actor=actor, reason=history_reason)
    if approve:
        cell = _cell(exemption.unit_id, exemption.standard_id)
        cell.state = ComplianceState.EXEMPT
        cell.checked_on = timezone.localdate()
        cell.confirmed_by = actor
        cell.confirmed_at = timezone.now()
        save_with_history(cell, actor=actor, reason=f"Ausnahme genehmigt bis {until}")
    decision = "genehmigt" if approve else "abgelehnt"
    body = (
        f"Guten Tag,\n\nFB 15 hat Ihren Antrag auf eine Ausnahme vom Standard "
        f"„{exemption.standard}“ für {exemption.unit} {decision}."
    )
    if approve:
        body += f"\n\nDie Ausnahme gilt bis zum {until}."
    if reason:
        body += f"\n\nBegründung:\n{reason}"
    body += f"\n\nEinzelheiten:\n{absolute_url(exemption.get_absolute_url())}"
    subject = f"Ausnahme {decision}: {exemption.unit.code} zu {exemption.standard.code}"
    _send_after_commit(
        [(subject, body, _lead_addresses([exemption.unit]).get(exemption.unit_id, []))]
    )
    return exemption


@transaction.atomic
def expire_exemptions(today: datetime.date) -> int:
    """End approved exemptions whose last day lies before `today`: the cell turns back to
    "nicht erfüllt" and the unit's lead is told. Idempotent; returns how many expired."""
    expired = list(
        Exemption.objects.select_for_update()
        .select_related("unit", "standard")
        .filter(status=ExemptionStatus.APPROVED, ends_on__lt=today)
    )
    addresses = _lead_addresses([e.unit for e in expired])
    messages = []
    for exemption in expired:
        until = date_format(exemption.ends_on, "DATE_FORMAT")
        cell_url = reverse("compliance_edit", args=[exemption.unit_id, exemption.standard_id])
        exemption.status = ExemptionStatus.EXPIRED
        save_with_history(exemption, actor=None, reason="Ausnahme abgelaufen")
        cell = _cell(exemption.unit_id, exemption.standard_id)
        # A cell someone has since assessed differently keeps that assessment.
        if cell.pk is None or cell.state == ComplianceState.EXEMPT:
            cell.state = ComplianceState.NOT_FULFILLED
            cell.confirmed_by = None
            cell.confirmed_at = None
            save_with_history(cell, actor=None, reason=f"Ausnahme bis {until} abgelaufen")
        messages.append(
            (
                f"Ausnahme abgelaufen: {exemption.unit.code} zu {exemption.standard.code}",
                f"Guten Tag,\n\ndie Ausnahme Ihres Fachbereichs {exemption.unit} vom Standard "
                f"„{exemption.standard}“ galt bis zum {until} und ist abgelaufen. In der "
                "Einhaltungsmatrix steht Ihr Fachbereich für diesen Standard nun auf "
                "„nicht erfüllt“.\n\nBitte aktualisieren Sie die Einschätzung mit Nachweis "
                "oder beantragen Sie, falls nötig, eine neue Ausnahme:\n"
                f"{absolute_url(cell_url)}",
                addresses.get(exemption.unit_id, []),
            )
        )
    _send_after_commit(messages)
    return len(expired)


@transaction.atomic
def assess_compliance(cell: Compliance, *, actor, confirm: bool, reason: str = "") -> Compliance:
    """Save a cell. A lead's self-assessment clears an earlier
    confirmation; the strategy team's save (`confirm`) confirms it in the same step.

    Raises PermissionDenied (and saves nothing) unless `actor` may change the cell, and
    confirm it when `confirm` is set.
    """
    if not Compliance.objects.can(actor, "confirm" if confirm else "change", cell):
        raise PermissionDenied
    if confirm:
        cell.confirmed_by = actor
        cell.confirmed_at = timezone.now()
    else:
        cell.confirmed_by = None
        cell.confirmed_at = None
    default_reason = "Bestätigt bzw. korrigiert durch FB 15" if confirm else "Selbsteinschätzung"
    save_with_history(cell, actor=actor, reason=reason or default_reason)
    if not Compliance.objects.can(actor, "change", cell):
        raise PermissionDenied  # e.g. the unit was changed to another one: rolled back
    return cell


@transaction.atomic
def confirm_compliance(*, actor, cell: Compliance) -> Compliance:
    """The strategy team confirms a cell as it stands (one click); PermissionDenied for
    anyone who may not confirm it."""
    cell = Compliance.objects.restrict(actor, "confirm").select_for_update().filter(pk=cell.pk)
    cell = cell.first()
    if cell is None:
        raise PermissionDenied
    cell.confirmed_by = actor
    cell.confirmed_at = timezone.now()
    return save_with_history(cell, actor=actor, reason="Bestätigt durch FB 15")


def mark_news_seen(user, when: datetime.datetime | None = None) -> None:
    NewsSeen.objects.update_or_create(user=user, defaults={"seen_at": when or timezone.now()})
