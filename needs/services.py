"""Writes of needs: filing and editing a need, attachments, triage, scoring, priority rounds
and synergy marks. Every function runs in one transaction and leaves history behind."""

from __future__ import annotations

from django.db import transaction

from fb15.history import save_with_history, stamp_history

from .models import Need, NeedAttachment


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
