"""The Papierkorb: deleted objects of all registered models, and restoring them (fb15/trash.py).

Only for holders of a model's global delete right (the Strategieteam); others get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fb15 import trash
from fb15.views.generic import PAGE_SIZE


@login_required
@require_GET
def trash_list(request):
    """Deleted objects, newest first: kind, name, who deleted them and when."""
    if not trash.may_use_trash(request.user):
        raise PermissionDenied
    rows = trash.deleted_records(request.user)
    page = Paginator(rows if rows is not None else [], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trash/trash_list.html",
        {"page_obj": page, "items": trash.trash_items(list(page.object_list))},
    )


@login_required
@require_POST
def trash_restore(request, model_key: str, history_id: int):
    """Restore one deleted object; on success go to it, else back with the German reason."""
    if not trash.may_use_trash(request.user):
        raise PermissionDenied
    entry = trash.trash_model(request.user, model_key)
    if entry is None:
        raise Http404
    try:
        restored = trash.restore(actor=request.user, entry=entry, history_id=history_id)
    except trash.RestoreError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("trash"))
    obj = restored.obj
    messages.success(
        request, _("„%(obj)s“ wurde aus dem Papierkorb wiederhergestellt.") % {"obj": obj}
    )
    for note in restored.notes:
        messages.warning(request, note)
    if entry.model.objects.can(request.user, "view", obj):
        return HttpResponseRedirect(obj.get_absolute_url())
    return HttpResponseRedirect(reverse("trash"))
