"""Writes of needs: filing and editing a need, attachments, triage, scoring, priority rounds
and synergy marks. Every function runs in one transaction and leaves history behind."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.history import record_event, save_with_history, stamp_history
from fb15.mail import absolute_url, queue_mail

from .models import (
    MERGEABLE_STATES,
    TRANSITIONS,
    Need,
    NeedAttachment,
    NeedScore,
    NeedState,
    PriorityProposal,
    PriorityRound,
    ScoringCriterion,
    Statement,
    SynergyCandidate,
    quarter_of,
    units_of,
)


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


@transaction.atomic
def adopt_as_new(*, actor, need: Need, item, m2m: dict | None = None, reason: str = "") -> Need:
    """FB 15 adopts a need as a new measure or project (`item`, unsaved, filled from the
    need and completed by FB 15): the item is created as the measures app creates it, the
    need goes to "übernommen" linked to it, and the unit gets the usual e-mail.

    One transaction: a refused step (PermissionDenied, TriageError) writes nothing.
    """
    from measures import services as measure_services
    from measures.models import Measure

    model = type(item)
    if not (Need.objects.can(actor, "triage", need) and model.objects.may_add(actor)):
        raise PermissionDenied
    if NeedState.ADOPTED not in TRANSITIONS[need.state]:
        raise TriageError(
            _("Aus dem Stand „%(old)s“ kann der Bedarf nicht übernommen werden.")
            % {"old": need.get_state_display()}
        )
    save = measure_services.save_measure if model is Measure else measure_services.save_project
    origin = f"Aus Bedarfsmeldung „{need.title}“ ({need.owner.code})"
    save(item, actor=actor, reason=origin, m2m=m2m)
    if not model.objects.can(actor, "add", item):
        raise PermissionDenied  # rolls the new item back
    link = {"measure": item} if model is Measure else {"project": item}
    return change_state(actor=actor, need=need, state=NeedState.ADOPTED, reason=reason, **link)


@transaction.atomic
def merge_needs(*, actor, target: Need, source: Need, reason: str = "") -> Need:
    """FB 15 merges need `source` into need `target` (also of another unit): the target
    keeps its data and scores and gains the source's attachments and trends; the source
    becomes "zusammengeführt" (final), points at the target and keeps its own history.
    Both histories note the merge; the source's unit gets an e-mail. Returns the source.
    """
    locked = {
        need.pk: need
        for need in Need.objects.restrict(actor, "triage")
        .select_for_update(of=("self",))
        .filter(pk__in=[target.pk, source.pk])
        .select_related("owner__lead", "submitted_by", "contact")
        .order_by("pk")
    }
    if target.pk not in locked or source.pk not in locked:
        raise PermissionDenied
    target, source = locked[target.pk], locked[source.pk]
    if target.pk == source.pk:
        raise TriageError(
            _("Eine Bedarfsmeldung kann nicht mit sich selbst zusammengeführt werden.")
        )
    if source.state not in MERGEABLE_STATES:
        raise TriageError(
            _("Eine Bedarfsmeldung im Stand „%(state)s“ kann nicht mehr zusammengeführt werden.")
            % {"state": source.get_state_display()}
        )
    if target.state == NeedState.MERGED:
        raise TriageError(
            _(
                "„%(title)s“ ist selbst schon zusammengeführt; bitte wählen Sie die Meldung, in "
                "die sie aufging."
            )
            % {"title": target.title}
        )
    taken = f"Bedarfsmeldung „{source.title}“ ({source.owner.code}) übernommen"
    for attachment in source.attachments.all():
        attachment.need = target
        save_with_history(attachment, actor=actor, reason=taken)
    _move_open_proposals(actor=actor, source=source, target=target, reason=taken)
    trends = set(target.trends.values_list("pk", flat=True))
    source_trends = set(source.trends.values_list("pk", flat=True))
    if source_trends - trends:
        save_with_history(target, actor=actor, reason=taken, m2m={"trends": trends | source_trends})
    else:
        record_event(target, actor=actor, reason=taken)

    old_label = source.get_state_display()
    source.state, source.merged_into = NeedState.MERGED, target
    note = f"zusammengeführt mit „{target.title}“ ({target.owner.code})"
    reason = reason.strip()
    source.state_reason = f"{note}. {reason}" if reason else f"{note}."
    save_with_history(source, actor=actor, reason=f"Stand: {old_label} → {note}")
    body = (
        f"Guten Tag,\n\nFB 15 hat Ihre Bedarfsmeldung „{source.title}“ ({source.owner.code}) "
        f"mit der Bedarfsmeldung „{target.title}“ ({target.owner.code}) zusammengeführt: "
        "Beide beschreiben denselben Bedarf, er wird dort gemeinsam weiterverfolgt. Ihre "
        "Anhänge gehören jetzt zu dieser Meldung."
    )
    if reason:
        body += f"\n\nBegründung:\n{reason}"
    body += f"\n\nEinzelheiten:\n{absolute_url(source.get_absolute_url())}"
    queue_mail(
        unit_addresses(source), f"Bedarfsmeldung zusammengeführt: {source.title}", body + SIGNATURE
    )
    return source


def _move_open_proposals(*, actor, source: Need, target: Need, reason: str) -> None:
    """The source's priority proposals in rounds still open go to the target, whose unit
    answers them anew; where the target already has one in that round, the source's is
    withdrawn (its history keeps it). Closed rounds stay as they were decided."""
    held = set(
        PriorityProposal.objects.filter(need=target, round__closed_at__isnull=True).values_list(
            "round_id", flat=True
        )
    )
    moving = PriorityProposal.objects.select_for_update().filter(
        need=source, round__closed_at__isnull=True
    )
    for proposal in moving:
        if proposal.round_id in held:
            stamp_history(proposal, actor=actor, reason=f"zurückgezogen: {reason}")
            proposal.delete()
            continue
        proposal.need, proposal.unit = target, target.owner
        if proposal.unit_id != source.owner_id:
            proposal.statement = Statement.PENDING
            proposal.statement_comment, proposal.stated_by, proposal.stated_at = "", None, None
        save_with_history(proposal, actor=actor, reason=reason)


@transaction.atomic
def score_need(*, actor, need: Need, scores: dict[int, int]) -> int:
    """FB 15 scores a need on the active criteria ({criterion id: 0–3}); returns the new
    total. Each changed score has its history; the need's history notes the new total."""
    need = Need.objects.restrict(actor, "triage").filter(pk=need.pk).first()
    if need is None:
        raise PermissionDenied
    existing = {score.criterion_id: score for score in need.scores.all()}
    for criterion in ScoringCriterion.objects.filter(is_active=True, pk__in=scores):
        value = scores[criterion.pk]
        score = existing.get(criterion.pk) or NeedScore(need=need, criterion=criterion)
        if score.pk and score.score == value:
            continue
        score.score = value
        save_with_history(score, actor=actor)
    total = Need.objects.filter(pk=need.pk).with_score().get().score
    record_event(need, actor=actor, reason=f"Bewertung: {total} Punkte")
    return total


@transaction.atomic
def override_rank(*, actor, need: Need, rank: int | None, reason: str) -> Need:
    """FB 15 puts a need at a fixed place of the ranked list (None: back to its score)."""
    need = Need.objects.restrict(actor, "triage").select_for_update().filter(pk=need.pk).first()
    if need is None:
        raise PermissionDenied
    reason = reason.strip()
    if rank is not None and not reason:
        raise TriageError(_("Bitte begründen Sie, warum der Rang festgelegt wird."))
    need.rank_override = rank
    need.rank_override_reason = reason if rank is not None else ""
    note = f"Rang festgelegt: {rank}" if rank is not None else "Rang wieder nach Bewertung"
    save_with_history(need, actor=actor, reason=note)
    return need


# --- priority rounds ----------------------------------------------------------------------


def default_round_values(today=None) -> dict:
    """The quarterly default: the quarter of `today` (label "2026-Q3", first and last day)."""
    label, starts_on, ends_on = quarter_of(today or timezone.localdate())
    return {"label": label, "starts_on": starts_on, "ends_on": ends_on}


@transaction.atomic
def propose_priority(
    *, actor, round: PriorityRound, priority: int, note: str = "", need=None, measure=None
) -> PriorityProposal:
    """FB 15 proposes (or changes) the priority of a need or measure in an open round.

    A changed priority asks the unit again: its earlier statement is reset to "noch offen".
    """
    if not PriorityProposal.objects.may_add(actor):
        raise PermissionDenied
    round = PriorityRound.objects.restrict(actor, "change").select_for_update().get(pk=round.pk)
    if not round.is_open:
        raise TriageError(_("Die Runde ist abgeschlossen."))
    item = need or measure
    proposal = PriorityProposal.objects.filter(round=round, need=need, measure=measure).first()
    if proposal is None:
        proposal = PriorityProposal(round=round, need=need, measure=measure, unit=item.owner)
    elif proposal.priority == priority and proposal.note == note:
        return proposal
    changed = proposal.pk is not None and proposal.priority != priority
    proposal.priority, proposal.note = priority, note
    if changed:
        proposal.statement = Statement.PENDING
        proposal.statement_comment, proposal.stated_by, proposal.stated_at = "", None, None
    verb = "geändert" if proposal.pk else "vorgeschlagen"
    save_with_history(proposal, actor=actor, reason=f"Priorität {priority} {verb}")
    return proposal


@transaction.atomic
def respond_to_proposal(
    *, actor, proposal: PriorityProposal, agree: bool, comment: str
) -> PriorityProposal:
    """The owning unit agrees with or objects to FB 15's proposal (an objection needs a
    comment). Only members of the proposal's unit answer; the round must be open."""
    proposal = (
        PriorityProposal.objects.restrict(actor, "view")
        .filter(pk=proposal.pk, unit__in=units_of(actor))
        .select_for_update(of=("self",))
        .select_related("round")
        .first()
    )
    if proposal is None:
        raise PermissionDenied
    if not proposal.round.is_open:
        raise TriageError(_("Die Runde ist abgeschlossen."))
    comment = comment.strip()
    if not agree and not comment:
        raise TriageError(_("Bitte begründen Sie Ihren Einwand."))
    proposal.statement = Statement.AGREED if agree else Statement.OBJECTED
    proposal.statement_comment = comment
    proposal.stated_by, proposal.stated_at = actor, timezone.now()
    save_with_history(
        proposal, actor=actor, reason=f"Stellungnahme: {proposal.get_statement_display()}"
    )
    return proposal


@transaction.atomic
def close_round(*, actor, round: PriorityRound) -> PriorityRound:
    """FB 15 closes a round: its proposals and statements are final from now on."""
    round = (
        PriorityRound.objects.restrict(actor, "close")
        .select_for_update()
        .filter(pk=round.pk)
        .first()
    )
    if round is None:
        raise PermissionDenied
    if not round.is_open:
        raise TriageError(_("Die Runde ist bereits abgeschlossen."))
    round.closed_at, round.closed_by = timezone.now(), actor
    save_with_history(round, actor=actor, reason="Runde abgeschlossen")
    return round


# --- stored synergy candidates (needs/tasks.py runs these) --------------------------------


def refresh_synergy_candidates(needs=None) -> int:
    """Compute and store the similar items of other units for `needs` (a queryset; every
    need when None): open needs get their best items (synergies.similar_items over all
    items, restricted when read), the rows of the others go. Returns the rows written.

    The comparing happens outside the transaction; only the swap of rows is atomic, so the
    Synergien page always shows a complete earlier or later state.
    """
    from .synergies import similar_items

    needs = Need.objects.all() if needs is None else needs
    now = timezone.now()
    rows = [
        SynergyCandidate(
            need=need,
            item_key=item.key,
            unit_id=item.unit_id,
            score=item.score,
            reasons=item.reason_codes,
            computed_at=now,
        )
        for need in needs.open().order_by("pk")
        for item in similar_items(None, need)
    ]
    with transaction.atomic():
        SynergyCandidate.objects.filter(need__in=needs).delete()
        # A need deleted meanwhile has nothing to keep; a refresh of the same need running
        # alongside may have written the same pairs first.
        existing = set(
            Need.objects.filter(pk__in={row.need_id for row in rows}).values_list("pk", flat=True)
        )
        SynergyCandidate.objects.bulk_create(
            (row for row in rows if row.need_id in existing), ignore_conflicts=True
        )
    return len(rows)


def refresh_synergies_of_item(key: str) -> int:
    """After an item's text, owner or state changed (or it was deleted): recompute the needs
    it concerns, namely itself if it is a need, the needs that list it and the needs it is
    now most similar to. The nightly refresh catches the rest."""
    from .synergies import item_by_key, similar_items

    affected = set(SynergyCandidate.objects.filter(item_key=key).values_list("need_id", flat=True))
    item = item_by_key(key)
    if item is not None:
        if isinstance(item, Need):
            affected.add(item.pk)
        affected.update(
            int(found.key.split(":")[1])
            for found in similar_items(None, item)
            if found.key.startswith("need:")
        )
    return refresh_synergy_candidates(Need.objects.filter(pk__in=affected))
