"""`{% comment_section object as section %}`: what a subject page's „Kommentare“ shows.

Used by templates/inc/comments.html, so the detail views of measures, projects and
exemptions need nothing of their own. A constant number of queries: the newest comments
(with authors and mentions), their count, whether the reader follows the subject and may
write.
"""

from django import template
from django.urls import reverse

from fb15 import comments
from fb15.forms import CommentForm

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, subject) -> dict:
    user = context["request"].user
    entry = comments.commentable_for(type(subject))
    visible = comments.visible_comments(user, subject)
    total = visible.count()
    newest = list(visible.reverse()[: comments.SHOWN_ON_SUBJECT_PAGE]) if total else []
    newest.reverse()
    list_url = reverse("comment_list", args=[entry.key, subject.pk])
    return {
        "rows": comments.comment_rows(user, newest),
        "total": total,
        "older": total - len(newest),
        "list_url": list_url,
        "post_url": list_url,
        "form": CommentForm(),
        # The page shows `subject`, so its view read it through restrict(user, "view").
        "may_comment": comments.may_comment(user, subject, is_readable=True),
        "is_following": comments.is_following(user, subject),
        "follow_url": reverse("follow_toggle", args=[entry.key, subject.pk]),
    }
