"""Linking council papers to a revision, measure or report, and loosening the link.

The subject is read through its model's `restrict(user, "view")` (not readable → 404);
only FB 15 links (403 otherwise). Errors of the council information system come back as a
German message on the subject's page; nothing is written then.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fb15 import council
from fb15.models import CouncilPaperLink


def _subject_url(subject) -> str:
    url = subject.get_absolute_url()
    return url + ("#drucksachen" if "#" not in url else "")


@login_required
@require_POST
def council_paper_link(request, key: str, object_id: int):
    entry = council.linkable_by_key(key)
    if entry is None:
        raise Http404
    subject = get_object_or_404(entry.model.objects.restrict(request.user, "view"), pk=object_id)
    if not council.may_link(request.user):
        raise PermissionDenied
    try:
        link = council.link_paper(
            actor=request.user, subject=subject, text=request.POST.get("paper", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Die Drucksache %(paper)s ist verknüpft.") % {"paper": link.paper}
        )
    return HttpResponseRedirect(_subject_url(subject))


@login_required
@require_POST
def council_paper_unlink(request, pk: int):
    link = get_object_or_404(CouncilPaperLink.objects.select_related("paper"), pk=pk)
    entry = council.linkable_for(link.content_type.model_class())
    subject = get_object_or_404(
        entry.model.objects.restrict(request.user, "view"), pk=link.object_id
    )
    council.unlink_paper(actor=request.user, link=link)
    messages.success(
        request, _("Die Verknüpfung mit %(paper)s ist gelöst.") % {"paper": link.paper}
    )
    return HttpResponseRedirect(_subject_url(subject))
