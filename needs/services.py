"""Writes of needs: filing and editing a need, attachments, triage, scoring, priority rounds
and synergy marks. Every function runs in one transaction and leaves history behind."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fb15.history import save_with_history, stamp_history
from fb15.mail import absolute_url, queue_mail

from .models import TRANSITIONS, Need, NeedAttachment, NeedState


@transaction.atomic
def save_need(need: Need, *, actor, reason: str = "", m2m=None, attachment=None) -> Need:
    """File a new need or save an edited one, with its optional new attachment."""
    if need.pk is None:
        need.submitted_by = actor
    save_with_history(need, actor=actor, reason=reason, m2m=m2m)
    if attachment is not None:
        add_attachment(need, actor=actor, upload=attachment)
    return need


def add_attachment(need: Need, *, actor, upload) -> NeedAttachment:
    """Store an (already validated) upload under a name of our own."""
    attachment = NeedAttachment(
        need=need, name=upload.name[:200], size=upload.size, uploaded_by=actor
    )
    attachment.file.save(upload.name, upload, save=False)
    stamp_history(attachment, actor=actor)
    attachment.save()
    return attachment


SIGNATURE = "\n\n-- \nFB 15 – Digitale Verwaltung und IT-Steuerung\n(automatische Nachricht)"


class TriageError(ValueError):
    """A triage step that is not possible; str() is a German sentence for FB 15."""


def unit_addresses(need: Need) -> list[str]:
    """Who hears of a change of the need: the unit's mailbox, its lead, the submitter and
    the contact person."""
    people = [need.owner.lead, need.submitted_by, need.contact]
    return [need.owner.email, *(person.email for person in people if person is not None)]


@transaction.atomic
def change_state(
    *, actor, need: Need, state: str, reason: str = "", measure=None, project=None
) -> Need:
    """FB 15 moves a need on (eingereicht → in Prüfung → priorisiert → übernommen /
    zurückgestellt / abgelehnt); the unit gets an e-mail.

    Raises PermissionDenied unless `actor` may triage the need, TriageError for a step
    the need's state does not allow or that lacks what it needs.
    """
    need = (
        Need.objects.restrict(actor, "triage")
        .select_for_update(of=("self",))
        .filter(pk=need.pk)
        .select_related("owner__lead", "submitted_by", "contact")
        .first()
    )
    if need is None:
        raise PermissionDenied
    if state not in TRANSITIONS[need.state]:
        raise TriageError(
            _("Aus dem Stand „%(old)s“ geht es nicht nach „%(new)s“.")
            % {"old": need.get_state_display(), "new": NeedState(state).label}
        )
    reason = reason.strip()
    if state in (NeedState.REJECTED, NeedState.DEFERRED) and not reason:
        raise TriageError(_("Bitte begründen Sie die Entscheidung für den Fachbereich."))
    if state == NeedState.ADOPTED and measure is None and project is None:
        raise TriageError(
            _("Bitte wählen Sie die Maßnahme oder das Projekt, als das der Bedarf übernommen wird.")
        )
    old_label = need.get_state_display()
    need.state = state
    need.state_reason = reason
    if state == NeedState.ADOPTED:
        need.measure, need.project = measure, project
    new_label = need.get_state_display()
    save_with_history(need, actor=actor, reason=f"Stand: {old_label} → {new_label}")
    body = (
        f"Guten Tag,\n\nFB 15 hat den Stand Ihrer Bedarfsmeldung „{need.title}“ "
        f"({need.owner.code}) geändert: {old_label} → {new_label}."
    )
    if reason:
        body += f"\n\nBegründung:\n{reason}"
    for item in (need.measure, need.project):
        if state == NeedState.ADOPTED and item is not None:
            body += f"\n\nÜbernommen als {item._meta.verbose_name} „{item}“."
    body += f"\n\nEinzelheiten:\n{absolute_url(need.get_absolute_url())}"
    queue_mail(unit_addresses(need), f"Bedarfsmeldung {new_label}: {need.title}", body + SIGNATURE)
    return need
