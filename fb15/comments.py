"""Comments with @-mentions, and following ("Beobachten") measures, projects and exemptions.

fb15 names no other app: a model becomes commentable when its app registers it in
AppConfig.ready() (`register_commentable(Measure, "massnahmen")`), as home sections are
registered. Who may read a comment follows its subject (`Comment.objects.restrict`); who may
write one is `may_comment`. Every write is a service here taking `actor`, run in one
transaction; mails go through the outbox (`fb15.mail.queue_mail`), one per recipient, and
only to people who may read the subject.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .history import stamp_history
from .mail import absolute_url, queue_mail
from .models import COMMENT_MAX_LENGTH, Comment, Following, User

# Comments shown on a subject's page; older ones on the comment page ("ältere anzeigen").
SHOWN_ON_SUBJECT_PAGE = 10
# More mentions than this in one comment are not resolved (no mass mailing by comment).
MAX_MENTIONS = 20
# "@" + a username, not inside a word or an e-mail address ("name@stadt.example").
MENTION = re.compile(r"(?<![\w.+@-])@([\w][\w.+-]*)")
SIGNATURE = "\n\n-- \nFB 15 – Digitale Verwaltung und IT-Steuerung\n(automatische Nachricht)"


# ------------------------------------------------------------------ the registry


@dataclass(frozen=True)
class Commentable:
    """A model whose detail page has a comment section.

    key: the URL segment naming the model ("massnahmen" in /kommentare/massnahmen/12/).
    label: how mails and pages name one object (default: str(obj)).
    """

    model: type[models.Model]
    key: str
    label: Callable[[models.Model], str] = str


_commentables: dict[str, Commentable] = {}


def register_commentable(
    model: type[models.Model], key: str, label: Callable[[models.Model], str] = str
) -> Commentable:
    """Make `model` commentable and followable; registering it again replaces the entry."""
    entry = Commentable(model, key, label)
    _commentables[key] = entry
    return entry


def commentables() -> list[Commentable]:
    return list(_commentables.values())


def commentable_by_key(key: str) -> Commentable | None:
    return _commentables.get(key)


def commentable_for(model: type[models.Model]) -> Commentable:
    for entry in _commentables.values():
        if entry.model is model:
            return entry
    raise LookupError(f"{model.__name__} is not registered as commentable")


def subject_label(subject: models.Model) -> str:
    return commentable_for(type(subject)).label(subject)


def _content_type(subject: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(type(subject))


# ------------------------------------------------------------------ rights


def may_view_subject(user, subject: models.Model) -> bool:
    return type(subject).objects.restrict(user, "view").filter(pk=subject.pk).exists()


def may_comment(user, subject: models.Model, *, is_readable: bool = False) -> bool:
    """Who may read the subject and takes part in the work: the role right
    `fb15.add_comment` (strategy team, Mitarbeitende — not the council), or the right to
    change this very subject (a unit lead, a project lead from another unit).

    `is_readable`: the caller has just read `subject` through restrict(user, "view") (a
    page showing it), so that check is not repeated."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if not (is_readable or may_view_subject(user, subject)):
        return False
    manager = type(subject).objects
    return user.has_perm("fb15.add_comment") or manager.can(user, "change", subject)


def may_change_comment(user, comment: Comment) -> bool:
    """The button rule, the same as `Comment.objects.restrict(user, "change")` for a
    comment the user can read (no query)."""
    return not comment.is_deleted and comment.author_id == getattr(user, "pk", None)


def may_delete_comment(user, comment: Comment) -> bool:
    """As `restrict(user, "delete")` for a readable comment: the author, or FB 15."""
    if comment.is_deleted:
        return False
    return comment.author_id == getattr(user, "pk", None) or user.has_perm("fb15.delete_comment")


# ------------------------------------------------------------------ mentions and rendering


def mentioned_names(text: str) -> list[str]:
    """The usernames after an "@" in `text`, lower-cased, in order, without repeats
    (a full stop ending a sentence is not part of the name)."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_users(text: str) -> list[User]:
    """Active people named in `text` by their username (case-insensitive)."""
    names = mentioned_names(text)
    if not names:
        return []
    return list(
        User.objects.annotate(username_lower=Lower("username")).filter(
            username_lower__in=names, is_active=True
        )
    )


def render_comment(comment: Comment) -> SafeString:
    """The comment's text as HTML: escaped, line breaks kept, each mention of a known
    person highlighted with the person's name. Uses `comment.mentioned` (prefetch it)."""
    if comment.is_deleted:
        return format_html('<em class="fb15-muted">{}</em>', _("Kommentar gelöscht"))
    people = {user.username.lower(): user for user in comment.mentioned.all()}
    parts: list[str] = []
    position = 0
    text = comment.text
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        person = people.get(name.lower())
        if person is None:
            continue
        end = match.start(1) + len(name)
        parts.append(escape(text[position : match.start()]))
        parts.append(
            format_html(
                '<strong class="fb15-mention" title="{}">@{}</strong>',
                person.username,
                person.get_full_name() or person.username,
            )
        )
        position = end
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>\n")
    return mark_safe(html)  # every piece above is escaped


# ------------------------------------------------------------------ reading


def visible_comments(user, subject: models.Model) -> models.QuerySet:
    """The comments of `subject` that `user` may read, oldest first, ready to render."""
    return (
        Comment.objects.restrict(user, "view")
        .for_subject(subject)
        .select_related("author")
        .prefetch_related("mentioned")
        .order_by("created_at", "pk")
    )


def comment_rows(user, shown: Iterable[Comment]) -> list[dict]:
    """Each comment with its HTML and the buttons `user` may use (no query per row)."""
    return [
        {
            "comment": comment,
            "html": render_comment(comment),
            "can_change": may_change_comment(user, comment),
            "can_delete": may_delete_comment(user, comment),
        }
        for comment in shown
    ]


def is_following(user, subject: models.Model) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Following.objects.filter(
        user=user, content_type=_content_type(subject), object_id=subject.pk
    ).exists()


# ------------------------------------------------------------------ mail


def _mail(user: User, subject_line: str, body: str) -> None:
    queue_mail([user.email], subject_line, body + SIGNATURE)


def _readers(subject: models.Model, users: Iterable[User]) -> list[User]:
    """Of `users`, the active ones with an address who may read `subject` now."""
    return [
        user for user in users if user.is_active and user.email and may_view_subject(user, subject)
    ]


def notify_followers(
    subject: models.Model, subject_line: str, body: str, *, exclude: Iterable[User] | User = ()
) -> list[User]:
    """Mail everyone following `subject` who may still read it, except `exclude` (the
    person acting). Adds the link to the subject and why the mail came. Returns who was
    mailed. Services of other apps call this, e.g. after filing a status update."""
    excluded = {exclude.pk} if isinstance(exclude, User) else {user.pk for user in exclude}
    followers = User.objects.filter(
        followings__content_type=_content_type(subject),
        followings__object_id=subject.pk,
    ).exclude(pk__in=excluded)
    recipients = _readers(subject, followers)
    label = subject_label(subject)
    footer = _(
        "\n\nZur Seite:\n%(url)s\n\nSie erhalten diese Nachricht, weil Sie „%(label)s“ "
        "beobachten. Auf der Seite können Sie das Beobachten beenden."
    ) % {"url": absolute_url(subject.get_absolute_url()), "label": label}
    for user in recipients:
        _mail(user, subject_line, body + footer)
    return recipients


def _mail_mentioned(comment: Comment, subject: models.Model, people: Iterable[User]) -> set:
    """The mention mail to each of `people` who may read the subject; their ids."""
    label = subject_label(subject)
    author = comment.author or _("Jemand")
    mailed = set()
    for user in _readers(subject, people):
        if user.pk == comment.author_id:
            continue
        body = _(
            "Guten Tag,\n\n%(author)s hat Sie in einem Kommentar zu „%(label)s“ erwähnt:\n\n"
            "%(text)s\n\nZum Kommentar:\n%(url)s"
        ) % {
            "author": author,
            "label": label,
            "text": comment.text,
            "url": absolute_url(comment.get_absolute_url()),
        }
        _mail(user, _("Sie wurden erwähnt: %(label)s") % {"label": label}, body)
        mailed.add(user.pk)
    return mailed


# ------------------------------------------------------------------ writing


def clean_text(text: str) -> str:
    """The text as saved; the form gives the same messages for the same rules."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Bitte geben Sie einen Kommentar ein."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Ein Kommentar darf höchstens %(limit)s Zeichen lang sein (jetzt %(length)s).")
            % {"limit": COMMENT_MAX_LENGTH, "length": len(text)}
        )
    return text


@transaction.atomic
def follow(*, user: User, subject: models.Model) -> Following:
    """Follow `subject` (again: no change)."""
    if not may_view_subject(user, subject):
        raise PermissionDenied
    following, _created = Following.objects.get_or_create(
        user=user, content_type=_content_type(subject), object_id=subject.pk
    )
    return following


@transaction.atomic
def unfollow(*, user: User, subject: models.Model) -> bool:
    """Stop following `subject`; whether the user followed it."""
    deleted, _details = Following.objects.filter(
        user=user, content_type=_content_type(subject), object_id=subject.pk
    ).delete()
    return bool(deleted)


@transaction.atomic
def post_comment(
    *, actor: User, subject: models.Model, text: str, at: datetime.datetime | None = None
) -> Comment:
    """Write a comment on `subject`: the author then follows it; mentioned people who may
    read the subject get a mention mail, the other followers a "new comment" mail.
    `at` back-dates the comment (demo data)."""
    if not may_comment(actor, subject):
        raise PermissionDenied
    comment = Comment(content_type=_content_type(subject), object_id=subject.pk, author=actor)
    comment.text = clean_text(text)
    comment.created_at = at or timezone.now()
    stamp_history(comment, actor=actor, at=at)
    comment.save()
    people = mentioned_users(comment.text)
    comment.mentioned.set(people)
    Following.objects.get_or_create(
        user=actor, content_type=comment.content_type, object_id=subject.pk
    )
    mailed = _mail_mentioned(comment, subject, people)
    label = subject_label(subject)
    body = _("Guten Tag,\n\n%(author)s hat „%(label)s“ kommentiert:\n\n%(text)s") % {
        "author": actor,
        "label": label,
        "text": comment.text,
    }
    notify_followers(
        subject,
        _("Neuer Kommentar: %(label)s") % {"label": label},
        body,
        exclude=[actor, *(user for user in people if user.pk in mailed)],
    )
    return comment


def _own_comment(actor: User, comment: Comment, action: str) -> Comment:
    """The comment locked for writing, if `actor` may take `action` on it."""
    locked = (
        Comment.objects.restrict(actor, action).select_for_update().filter(pk=comment.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def edit_comment(*, actor: User, comment: Comment, text: str) -> Comment:
    """Change the text of one's own comment; people newly mentioned get the mention mail."""
    comment = _own_comment(actor, comment, "change")
    text = clean_text(text)
    if text == comment.text:
        return comment
    before = set(comment.mentioned.values_list("pk", flat=True))
    comment.text = text
    comment.edited_at = timezone.now()
    stamp_history(comment, actor=actor, reason=_("Kommentar bearbeitet"))
    comment.save()
    people = mentioned_users(text)
    comment.mentioned.set(people)
    _mail_mentioned(comment, comment.subject, [user for user in people if user.pk not in before])
    return comment


@transaction.atomic
def delete_comment(*, actor: User, comment: Comment) -> Comment:
    """Delete a comment: the row stays („Kommentar gelöscht“), its text only in history."""
    comment = _own_comment(actor, comment, "delete")
    comment.is_deleted = True
    comment.text = ""
    reason = _("Kommentar gelöscht")
    if comment.author_id != actor.pk:
        reason = _("Kommentar durch FB 15 gelöscht")
    stamp_history(comment, actor=actor, reason=reason)
    comment.save()
    comment.mentioned.clear()
    return comment
