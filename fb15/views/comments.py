"""Comments on a subject's page, editing and deleting one's own, following a subject.

The subject (a measure, project or exemption) is read through its model's
`restrict(user, "view")`: not readable → 404, readable but not allowed → 403. The writes are
the services of fb15/comments.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fb15 import comments
from fb15.forms import CommentForm
from fb15.models import Comment
from fb15.views.generic import PAGE_SIZE


def _subject_or_404(request, key: str, object_id: int):
    entry = comments.commentable_by_key(key)
    if entry is None:
        raise Http404
    readable = entry.model.objects.restrict(request.user, "view")
    return get_object_or_404(readable, pk=object_id)


def _comment_or_404(request, pk: int, action: str) -> Comment:
    """A comment the user may read (else 404) and take `action` on (else 403)."""
    comment = get_object_or_404(
        Comment.objects.restrict(request.user, "view").select_related("author"), pk=pk
    )
    if not Comment.objects.can(request.user, action, comment):
        raise PermissionDenied
    return comment


def _form_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error("comment", message)


@login_required
@require_http_methods(["GET", "POST"])
def comment_list(request, key: str, object_id: int):
    """All comments of a subject, paginated (GET); writing a new one (POST).

    A valid comment leads back to it on the subject's page; an invalid one shows this page
    with the German error (422).
    """
    subject = _subject_or_404(request, key, object_id)
    may_write = comments.may_comment(request.user, subject, is_readable=True)
    status = 200
    form = CommentForm()
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment = comments.post_comment(
                    actor=request.user, subject=subject, text=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Ihr Kommentar wurde gespeichert."))
                return HttpResponseRedirect(comment.get_absolute_url())
        status = 422
    page = Paginator(comments.visible_comments(request.user, subject), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    return render(
        request,
        "fb15/comment_list.html",
        {
            "subject": subject,
            "subject_label": comments.subject_label(subject),
            "page_obj": page,
            "comment_rows": comments.comment_rows(request.user, shown),
            "form": form,
            "may_comment": may_write,
            "post_url": request.path,
            "is_following": comments.is_following(request.user, subject),
            "follow_url": _follow_url(key, subject),
        },
        status=status,
    )


def _follow_url(key: str, subject) -> str:
    return reverse("follow_toggle", args=[key, subject.pk])


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    """Change one's own comment: a small page with „Speichern“ and „Abbrechen“."""
    comment = _comment_or_404(request, pk, "change")
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comments.edit_comment(
                    actor=request.user, comment=comment, text=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Der Kommentar wurde gespeichert."))
                return HttpResponseRedirect(comment.get_absolute_url())
        status = 422
    else:
        form = CommentForm(initial={"comment": comment.text})
        status = 200
    subject = comment.subject
    return render(
        request,
        "fb15/comment_edit.html",
        {
            "comment": comment,
            "subject": subject,
            "subject_label": comments.subject_label(subject),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk: int):
    """Confirm (GET) and delete (POST) a comment: one's own, or any for FB 15."""
    comment = _comment_or_404(request, pk, "delete")
    subject = comment.subject
    if request.method == "POST":
        comments.delete_comment(actor=request.user, comment=comment)
        messages.success(request, _("Der Kommentar wurde gelöscht."))
        return HttpResponseRedirect(f"{subject.get_absolute_url()}#kommentare")
    return render(
        request,
        "fb15/comment_delete.html",
        {
            "comment": comment,
            "html": comments.render_comment(comment),
            "subject": subject,
            "subject_label": comments.subject_label(subject),
        },
    )


@login_required
@require_POST
def follow_toggle(request, key: str, object_id: int):
    """„Beobachten“ / „Nicht mehr beobachten“: `beobachten=1` or `0`; without it, toggle."""
    subject = _subject_or_404(request, key, object_id)
    wanted = request.POST.get("beobachten")
    if wanted not in ("0", "1"):
        wanted = "0" if comments.is_following(request.user, subject) else "1"
    label = comments.subject_label(subject)
    if wanted == "1":
        comments.follow(user=request.user, subject=subject)
        messages.success(
            request,
            _(
                "Sie beobachten „%(label)s“ jetzt und erhalten eine E-Mail bei neuen "
                "Statusmeldungen und Kommentaren."
            )
            % {"label": label},
        )
    else:
        comments.unfollow(user=request.user, subject=subject)
        messages.success(request, _("Sie beobachten „%(label)s“ nicht mehr.") % {"label": label})
    return HttpResponseRedirect(f"{subject.get_absolute_url()}#kommentare")
