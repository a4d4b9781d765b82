"""Pages of needs: the units' Bedarfsmeldungen, FB 15's triage and scoring, priority rounds
and the Synergien page. Every object comes through restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fb15.empty_state import EmptyAction, may_add
from fb15.views.generic import (
    Column,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)

from . import services
from .forms import NeedForm, TriageForm
from .models import Need, NeedAttachment

# --- Bedarfsmeldungen ----------------------------------------------------------------------


class NeedListView(ObjectListView):
    """The needs the user may read: their own unit's; FB 15 all of them."""

    model = Need
    template_name = "needs/need_list.html"
    preline = gettext_lazy("Bedarfe der Fachbereiche")
    add_label = gettext_lazy("Bedarf melden")
    columns = (
        Column(gettext_lazy("Titel"), "title", link=True),
        Column(gettext_lazy("Fachbereich"), "owner.code"),
        Column(gettext_lazy("Stand"), template="needs/inc/cell_state.html"),
        Column(gettext_lazy("Dringlichkeit"), "urgency"),
        Column(gettext_lazy("eingereicht am"), "created_at"),
    )
    empty_message = gettext_lazy("Noch keine Bedarfsmeldungen.")
    empty_actions = (EmptyAction(gettext_lazy("Bedarf melden"), "need_add", may_add(Need)),)

    def base_queryset(self):
        return Need.objects.select_related("owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        readable = Need.objects.restrict(self.request.user, "view").values("pk")
        # Other units' public needs: titles only, to find allies.
        context["other_titles"] = (
            Need.objects.titles_for(self.request.user)
            .exclude(pk__in=readable)
            .select_related("owner")
            .order_by("owner__code", "title")[:100]
        )
        return context


class NeedDetailView(ObjectDetailView):
    model = Need

    def base_queryset(self):
        return Need.objects.select_related(
            "owner", "contact", "submitted_by", "measure", "project"
        ).prefetch_related("trends", "attachments")

    def preline(self):
        return f"{Need._meta.verbose_name} · {self.object.owner.code}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need, user = self.object, self.request.user
        if need.next_states and Need.objects.can(user, "triage", need):
            context["triage_form"] = kwargs.get("triage_form") or TriageForm(need=need, user=user)
        return context


class NeedEditView(ObjectEditView):
    model = Need
    form_class = NeedForm
    service = staticmethod(services.save_need)

    def get_form(self, obj, data=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data=data, files=files, instance=obj, user=self.request.user)

    def service_arguments(self, form) -> dict:
        arguments = super().service_arguments(form)
        arguments["attachment"] = form.cleaned_data.get("attachment")
        return arguments

    def submit_label(self, obj) -> str:
        return gettext_lazy("Speichern") if obj.pk else gettext_lazy("Bedarf melden")


class NeedHistoryView(ObjectHistoryView):
    model = Need


@login_required
@require_GET
def need_attachment(request, pk: int):
    """An attachment, to readers of its need only, always as a download (never inline)."""
    attachment = get_object_or_404(
        NeedAttachment.objects.restrict(request.user, "view").select_related("need"), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def need_triage(request, pk: int):
    """FB 15 moves a need on; a unit's lead or member gets 403 and nothing is written."""
    need = get_object_or_404(Need.objects.restrict(request.user, "view"), pk=pk)
    if not Need.objects.can(request.user, "triage", need):
        raise PermissionDenied
    form = TriageForm(request.POST, need=need, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            need = services.change_state(
                actor=request.user,
                need=need,
                state=data["state"],
                reason=data["reason"],
                measure=data["measure"],
                project=data["project"],
            )
        except services.TriageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Neuer Stand: „%(state)s“. Der Fachbereich wird per E-Mail informiert.")
                % {"state": need.get_state_display()},
            )
            return HttpResponseRedirect(need.get_absolute_url())
    return render_need(request, need, status=422, triage_form=form)


def render_need(request, need, status=200, **extra):
    view = NeedDetailView()
    view.setup(request, pk=need.pk)
    view.object = need
    context = view.get_context_data(object=need, **extra)
    return render(request, "needs/need_detail.html", context, status=status)
