"""`{% can "decide" exemption as may_decide %}`: which buttons a template shows.

The same rule as the server check, `Model.objects.can(user, action, obj)` built on
restrict(). In lists, the view marks the rows first (`mark_allowed(user, rows, "change")`,
one query per action for the whole list; `fb15.querysets.mark_allowed`) and the tag reads
the mark: no query per row.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    if obj is None:
        return False
    marked = getattr(obj, "_allowed_actions", {})
    if action in marked:
        return marked[action]
    request = context.get("request")
    user = getattr(request, "user", None)
    return type(obj).objects.can(user, action, obj)
