"""FB 15's review of status updates: the review page and its actions, and the exchange
(filed, questioned, answered, acknowledged) every timeline shows, read from history."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fb15.htmx import htmx_partial
from fb15.models import OrgUnit
from fb15.redirects import safe_next

from . import services
from .models import ReportingPeriod, ReviewState, StatusUpdate

REVIEW_PAGE_SIZE = 20
# The review page's filter by state: URL word → state.
STATE_FILTERS = {
    "offen": ReviewState.SUBMITTED,
    "rueckfrage": ReviewState.RETURNED,
    "bestaetigt": ReviewState.ACKNOWLEDGED,
}
STATE_LABELS = {
    "offen": gettext_lazy("zu prüfen"),
    "rueckfrage": gettext_lazy("mit Rückfrage"),
    "bestaetigt": gettext_lazy("bestätigt"),
}


@dataclass(frozen=True)
class ExchangeEvent:
    kind: str  # "filed", "refiled", "question", "answer", "acknowledged"
    who: object
    when: object
    text: str = ""


def attach_exchange(updates: list[StatusUpdate]) -> list[StatusUpdate]:
    """Give each update `.exchange`, its review events in order, from its history rows
    (one query for all)."""
    by_update: dict[int, list] = {update.pk: [] for update in updates}
    records = (
        StatusUpdate.history.filter(id__in=by_update)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in records:
        by_update[record.id].append(record)
    for update in updates:
        update.exchange = _events(by_update[update.pk])
    return updates


def _events(records: list) -> list[ExchangeEvent]:
    events, before = [], None
    for record in records:
        who, when, state = record.history_user, record.history_date, record.review_state
        if before is None:
            events.append(ExchangeEvent("filed", who, when))
        elif state == ReviewState.RETURNED and (
            before.review_state != ReviewState.RETURNED
            or record.review_question != before.review_question
        ):
            events.append(ExchangeEvent("question", who, when, record.review_question))
        elif state == ReviewState.ACKNOWLEDGED and before.review_state != state:
            events.append(ExchangeEvent("acknowledged", who, when))
        elif state == ReviewState.SUBMITTED:
            if before.review_state == ReviewState.RETURNED and record.review_answer:
                events.append(ExchangeEvent("answer", who, when, record.review_answer))
            elif record.reported_at != before.reported_at:
                events.append(ExchangeEvent("refiled", who, when))
        before = record
    return events


class ReturnForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Rückfrage an den Fachbereich"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "kern-form-input__input"}),
        max_length=services.QUESTION_MAX_LENGTH,
        required=False,  # the service says what is missing, in the same words everywhere
    )
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)


def _review_queryset(user):
    return StatusUpdate.objects.restrict(user, "review").select_related(
        "period", "author", "reviewed_by", "measure__owner", "project__owner"
    )


@login_required
@require_GET
def review_list(request):
    """FB 15's queue: the period's status updates by review state, oldest filed first."""
    if not StatusUpdate.objects.holds(request.user, "review"):
        raise PermissionDenied
    periods = list(ReportingPeriod.objects.all())
    period = next(
        (p for p in periods if str(p.pk) == request.GET.get("zeitraum")),
        ReportingPeriod.objects.current(timezone.localdate()),
    )
    state_key = request.GET.get("zustand", "offen")
    state = STATE_FILTERS.get(state_key, ReviewState.SUBMITTED)
    updates = _review_queryset(request.user).filter(period=period, review_state=state)
    unit_id = request.GET.get("fachbereich", "")
    if unit_id.isdigit():
        # "__pk" (not "_id"): an id beyond the integer range finds nothing instead of failing
        updates = updates.filter(Q(measure__owner__pk=unit_id) | Q(project__owner__pk=unit_id))
    page = Paginator(updates.order_by("reported_at", "pk"), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = attach_exchange(list(page.object_list))
    counts = {
        key: _review_queryset(request.user).filter(period=period, review_state=value).count()
        for key, value in STATE_FILTERS.items()
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "measures/review_list.html",
        {
            "period": period,
            "periods": periods,
            "state_key": state_key,
            "state_filters": [(key, STATE_LABELS[key], counts[key]) for key in STATE_FILTERS],
            "units": OrgUnit.objects.order_by("code"),
            "unit_id": unit_id,
            "page_obj": page,
            "updates": [(update, ReturnForm(prefix=f"u{update.pk}")) for update in shown],
            "query_string": query.urlencode(),
            "now": timezone.now(),
        },
    )


def _answer(request, update, form=None, *, status=200, done=""):
    """After an action: the row again (htmx) or back to the page it came from."""
    if htmx_partial(request):
        update = attach_exchange([_review_queryset(request.user).get(pk=update.pk)])[0]
        return render(
            request,
            "measures/inc/review_row.html",
            {
                "update": update,
                "return_form": form or ReturnForm(prefix=f"u{update.pk}"),
                "done": done,
                "now": timezone.now(),
            },
            status=status,
        )
    if status == 200:
        messages.success(request, done)
    else:
        messages.error(request, " ".join(form.errors.get("question", []) + form.non_field_errors()))
    return HttpResponseRedirect(safe_next(request, reverse("status_review_list")))


@login_required
@require_POST
def acknowledge(request, pk):
    update = get_object_or_404(StatusUpdate.objects.restrict(request.user, "view"), pk=pk)
    form = ReturnForm(request.POST, prefix=f"u{pk}")
    form.is_valid()
    try:
        update = services.acknowledge_status_update(
            actor=request.user, update=update, seen_at=form.cleaned_data.get("seen_at")
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _answer(request, update, form, status=422)
    return _answer(
        request, update, done=_("Statusmeldung %(update)s bestätigt.") % {"update": update}
    )


@login_required
@require_POST
def acknowledge_many(request):
    """ "Markierte bestätigen": every chosen update the user may review, in one transaction."""
    if not StatusUpdate.objects.holds(request.user, "review"):
        raise PermissionDenied
    ids = [value for value in request.POST.getlist("update") if value.isdigit()]
    updates = list(StatusUpdate.objects.restrict(request.user, "review").filter(pk__in=ids))
    with transaction.atomic():
        for update in updates:
            services.acknowledge_status_update(actor=request.user, update=update)
    if updates:
        messages.success(
            request,
            _("%(count)s Statusmeldungen bestätigt.") % {"count": len(updates)},
        )
    else:
        messages.error(request, _("Bitte wählen Sie mindestens eine Statusmeldung aus."))
    url = safe_next(request, reverse("status_review_list"))
    if htmx_partial(request):  # the whole page again, with the message
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


@login_required
@require_POST
def send_back(request, pk):
    update = get_object_or_404(StatusUpdate.objects.restrict(request.user, "view"), pk=pk)
    form = ReturnForm(request.POST, prefix=f"u{pk}")
    if form.is_valid():
        try:
            update = services.return_status_update(
                actor=request.user,
                update=update,
                question=form.cleaned_data["question"],
                seen_at=form.cleaned_data.get("seen_at"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _answer(
                request,
                update,
                done=_("Rückfrage zu %(update)s gesendet.") % {"update": update},
            )
    return _answer(request, update, form, status=422)
