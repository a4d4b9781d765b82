"""Council papers (Drucksachen) linked to fb15's objects, read over OParl (fb15/oparl.py).

Apps register what may be linked (revisions, measures, reports) in their AppConfig.ready(),
as they register commentables: fb15 names no later app. Only FB 15 links
(`fb15.add_councilpaperlink`); whoever may read the object reads its papers — the paper
itself is public council information. The network is asked when a paper is linked and by
the beat job (`refresh_linked_papers`), never while a page renders: a page shows the last
known state and, if the last refresh failed, says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import oparl
from .history import save_with_history, stamp_history
from .models import CouncilPaper, CouncilPaperLink, city_settings


@dataclass(frozen=True)
class Linkable:
    """A model whose page shows linked council papers; `key` names it in URLs."""

    model: type[models.Model]
    key: str


_linkables: dict[str, Linkable] = {}


def register_council_linkable(model: type[models.Model], key: str) -> Linkable:
    entry = Linkable(model, key)
    _linkables[key] = entry
    return entry


def linkable_by_key(key: str) -> Linkable | None:
    return _linkables.get(key)


def linkable_for(model: type[models.Model]) -> Linkable:
    for entry in _linkables.values():
        if entry.model is model:
            return entry
    raise LookupError(f"{model.__name__} cannot be linked to council papers")


def may_link(user) -> bool:
    return user.has_perm("fb15.add_councilpaperlink")


def links_of(subject: models.Model):
    """The subject's links with their papers (the caller read `subject` through restrict)."""
    return CouncilPaperLink.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
    ).select_related("paper")


def _store(url: str, response: oparl.Response, fields: dict) -> CouncilPaper:
    now = timezone.now()
    paper, _created = CouncilPaper.objects.update_or_create(
        url=url,
        defaults={
            **fields,
            "etag": response.etag[:200],
            "last_modified": response.last_modified[:100],
            "fetched_at": now,
            "checked_at": now,
            "error": "",
        },
    )
    return paper


def link_paper(*, actor, subject: models.Model, text: str) -> CouncilPaperLink:
    """Link the paper `text` names (reference or OParl URL) to `subject`, reading it from
    the council information system first. ValidationError (German) if it cannot be found or
    read, or is linked already; then nothing is written."""
    if not may_link(actor):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(
            _("Bitte geben Sie das Aktenzeichen oder die Adresse der Drucksache an.")
        )
    try:
        url, response = oparl.find_paper(city_settings().oparl_system_url, text)
        response = response or oparl.get(url)
        fields = oparl.paper_fields(response.data)
    except oparl.OparlError as error:
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        paper = _store(url, response, fields)
        content_type = ContentType.objects.get_for_model(type(subject))
        if CouncilPaperLink.objects.filter(
            paper=paper, content_type=content_type, object_id=subject.pk
        ).exists():
            raise ValidationError(
                _("Die Drucksache %(paper)s ist hier bereits verknüpft.") % {"paper": paper}
            )
        link = CouncilPaperLink(
            paper=paper, content_type=content_type, object_id=subject.pk, linked_by=actor
        )
        return save_with_history(link, actor=actor, reason=_("Drucksache verknüpft"))


@transaction.atomic
def unlink_paper(*, actor, link: CouncilPaperLink) -> None:
    if not actor.has_perm("fb15.delete_councilpaperlink"):
        raise PermissionDenied
    stamp_history(link, actor=actor, reason=_("Verknüpfung gelöst"))
    link.delete()


def refresh_paper(paper: CouncilPaper) -> str:
    """Ask the council information system again; "changed", "unchanged" or "failed". A
    failure keeps the last known state and records the German error.

    The request is conditional (ETag / Last-Modified) once every consultation has its
    result: a result is recorded on the meeting's agenda item, which need not change the
    paper itself, so a paper still under consultation is read in full each time.
    """
    now = timezone.now()
    is_settled = all(consultation["result"] for consultation in paper.consultations)
    try:
        response = oparl.get(
            paper.url,
            etag=paper.etag if is_settled else "",
            last_modified=paper.last_modified if is_settled else "",
        )
        if response.not_modified:
            paper.checked_at, paper.error = now, ""
            paper.save(update_fields=["checked_at", "error"])
            return "unchanged"
        fields = oparl.paper_fields(response.data)
    except oparl.OparlError as error:
        paper.checked_at, paper.error = now, str(error)
        paper.save(update_fields=["checked_at", "error"])
        return "failed"
    _store(paper.url, response, fields)
    return "changed"


def refresh_linked_papers() -> dict[str, int]:
    """The beat job's body: every linked paper once; counts per outcome."""
    counts = {"changed": 0, "unchanged": 0, "failed": 0}
    for paper in CouncilPaper.objects.filter(links__isnull=False).distinct().order_by("pk"):
        counts[refresh_paper(paper)] += 1
    return counts
