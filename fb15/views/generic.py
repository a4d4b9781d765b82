"""Permission-aware generic views: a concrete view is a handful of attributes.

Every view fetches its objects through `Model.objects.restrict(user, action)`:
rows the user may not see answer 404, actions the user may not take answer 403.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from fb15 import trash
from fb15.empty_state import EmptyAction, empty_state
from fb15.history import history_entries, lock_if_current, save_with_history
from fb15.htmx import htmx_partial
from fb15.redirects import safe_next

PAGE_SIZE = 25


class RestrictedMixin(LoginRequiredMixin):
    """Base: the model and the queryset every object of the view comes from."""

    model = None
    action = "view"

    def base_queryset(self):
        """Hook for select_related/annotations; restriction is applied on top."""
        return self.model.objects.all()

    def restricted(self, action: str | None = None):
        return self.base_queryset().restrict(self.request.user, action or self.action)

    def get_queryset(self):
        return self.restricted()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        context["can_add"] = self.model.objects.may_add(self.request.user)
        return context


@dataclass(frozen=True)
class Column:
    """One column of a generic list (templates/generic/object_list.html).

    The cell shows `field` (a dotted attribute path; a choice shows its label, a date its short
    form, nothing a dash), renders `template` with the row as `object`, or calls `html` (the
    row → safe HTML: no template per cell, for long lists). The first column is
    the row header; `link` makes its value a link to the row's page. `sort` names the filter
    form's sort key of a sortable column.
    """

    label: str
    field: str = ""
    template: str = ""
    link: bool = False
    sort: str = ""
    numeric: bool = False
    html: Callable[[object], str] | None = None

    def value(self, obj):
        if self.html is not None:
            return self.html(obj)
        *path, last = self.field.split(".")
        for name in path:
            obj = getattr(obj, name, None)
            if obj is None:
                return "—"
        display = getattr(obj, f"get_{last}_display", None)
        value = display() if display else getattr(obj, last, None)
        if isinstance(value, bool):
            return _("ja") if value else _("nein")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return "—" if value in (None, "") else value


@dataclass(frozen=True)
class PageAction:
    """A button in the head of a page (templates/inc/page_head.html)."""

    label: str
    url: str
    style: str = "secondary"  # KERN button style: primary, secondary, tertiary
    icon: str = ""  # KERN icon name, e.g. "add", "edit", "delete", "download"
    adds: bool = False  # the page's "anlegen": the empty state offers it instead


class ObjectListView(RestrictedMixin, ListView):
    """A paginated list with declared `columns`, filtered by `filter_form_class`.

    While the user may see no row at all (filters aside), the template shows `empty_state`
    instead: `empty_message` and the `empty_actions` the user may take (fb15/empty_state.py).
    An htmx request receives the table alone (a list whose rows change polls itself).
    """

    template_name = "generic/object_list.html"
    paginate_by = PAGE_SIZE
    columns: tuple[Column, ...] = ()
    filter_form_class = None  # a fb15.filters.FilterForm
    heading = ""  # default: the model's plural name
    preline = ""
    add_label = ""  # the "anlegen" button of users who may add; default "<Name> anlegen"
    empty_message = ""
    empty_actions: tuple[EmptyAction, ...] = ()

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filter_form = None
        if self.filter_form_class:
            self.filter_form = self.filter_form_class(self.request.GET, user=self.request.user)
            queryset = self.filter_form.apply(queryset)
        return queryset

    def get_template_names(self):
        if htmx_partial(self.request):
            return ["generic/inc/object_table.html"]
        return super().get_template_names()

    def page_actions(self) -> list[PageAction]:
        if not self.model.objects.may_add(self.request.user):
            return []
        opts = self.model._meta
        label = self.add_label or _("%(name)s anlegen") % {"name": opts.verbose_name}
        url = reverse(f"{opts.model_name}_add")
        return [PageAction(label, url, style="primary", icon="add", adds=True)]

    def polling(self, rows) -> bool:
        """Whether the table refreshes itself (every 3 s) while the page is open."""
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        query.pop("sort", None)
        context["filter_query"] = query.urlencode()
        context["filter_form"] = self.filter_form
        context["current_sort"] = self.filter_form.current_sort if self.filter_form else ""
        context["columns"] = self.columns
        context["heading"] = self.heading or self.model._meta.verbose_name_plural
        context["preline"] = self.preline
        context["polling"] = self.polling(context["object_list"])
        # One more query, and only for an empty page: is there nothing at all, or only
        # nothing that matches the filters ("Keine … gefunden")?
        if self.empty_message and not context["object_list"] and not self.restricted().exists():
            context["empty_state"] = empty_state(
                self.request.user, self.empty_message, self.empty_actions
            )
        actions = self.page_actions()
        if context.get("empty_state"):
            actions = [action for action in actions if not action.adds]
        context["page_actions"] = actions
        return context


class ObjectDetailView(RestrictedMixin, DetailView):
    """One object under the shared page head: `heading`, `preline` and `page_actions()`
    (Historie, Bearbeiten, Löschen as the user may)."""

    edit_label = ""  # default "Bearbeiten"

    def heading(self) -> str:
        return str(self.object)

    def preline(self) -> str:
        return self.model._meta.verbose_name

    def page_actions(self) -> list[PageAction]:
        name, pk = self.model._meta.model_name, self.object.pk
        actions = [PageAction(_("Historie"), reverse(f"{name}_history", args=[pk]), "tertiary")]
        if self.may_edit():
            label = self.edit_label or _("Bearbeiten")
            url = reverse(f"{name}_edit", args=[pk])
            actions.append(PageAction(label, url, "secondary", "edit"))
        try:  # not every model has a delete page
            url = reverse(f"{name}_delete", args=[pk])
        except NoReverseMatch:
            return actions
        if self.model.objects.can(self.request.user, "delete", self.object):
            actions.append(PageAction(_("Löschen"), url, "secondary", "delete"))
        return actions

    def may_edit(self) -> bool:
        return self.model.objects.can(self.request.user, "change", self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading()
        context["preline"] = self.preline()
        context["page_actions"] = self.page_actions()
        return context


class ObjectEditView(RestrictedMixin, TemplateView):
    """Create (no pk) or change an object.

    Saves inside one transaction with the row locked: a stale `version` is refused with what
    changed meanwhile; after saving, the object must still be within what the user may
    change (or add), else everything is rolled back and the answer is 403.
    """

    form_class = None
    # The write: called as service(obj, actor=…, **service_arguments(form)); forms, imports
    # and commands share it (e.g. `staticmethod(services.save_standard)`).
    service = staticmethod(save_with_history)
    template_name = "generic/object_edit.html"
    # Objects created under a parent (a milestone of a measure): URL kwarg `parent_pk`.
    parent_model = None
    parent_field = ""

    def get_object(self):
        if "pk" not in self.kwargs and self.parent_model is not None:
            parents = self.parent_model.objects
            parent = get_object_or_404(
                parents.restrict(self.request.user, "view"), pk=self.kwargs["parent_pk"]
            )
            if not parents.can(self.request.user, "change", parent):
                raise PermissionDenied
            return self.model(**{self.parent_field: parent})
        if "pk" not in self.kwargs:
            if not self.model.objects.may_add(self.request.user):
                raise PermissionDenied
            return self.model()
        obj = get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])
        if not self.model.objects.can(self.request.user, "change", obj):
            raise PermissionDenied
        return obj

    def get_form(self, obj, data=None):
        # The user restricts the form's choices (fb15.forms.restrict_form_fields).
        return self.form_class(data=data, instance=obj, user=self.request.user)

    def service_arguments(self, form) -> dict:
        """The reason, and the many-to-many values if the form edits any."""
        arguments = {"reason": form.cleaned_data.get("change_reason") or ""}
        if m2m := form.m2m_data():
            arguments["m2m"] = m2m
        return arguments

    def save(self, form):
        obj = form.save(commit=False)
        return self.service(obj, actor=self.request.user, **self.service_arguments(form))

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_to_response(self.edit_context(obj, self.get_form(obj)))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form(obj, data=request.POST)
        if form.is_valid():
            with transaction.atomic():
                is_stale = bool(obj.pk) and not self.version_is_current(obj, form)
                if not is_stale:
                    saved = self.save(form)
                    action = "change" if "pk" in self.kwargs else "add"
                    if not self.model.objects.can(request.user, action, saved):
                        raise PermissionDenied  # rolls the transaction back
            # Rendered after the transaction: the page's own queries need a usable connection.
            if is_stale:
                return self.render_to_response(self.edit_context(obj, form), status=409)
            messages.success(request, _("„%(obj)s“ wurde gespeichert.") % {"obj": saved})
            return HttpResponseRedirect(saved.get_absolute_url())
        return self.render_to_response(self.edit_context(obj, form), status=422)

    def version_is_current(self, obj, form) -> bool:
        """Lock the row; if someone saved since the form was loaded, explain what changed."""
        loaded_at = form.cleaned_data.get("version")
        current, conflict = lock_if_current(obj, loaded_at, self.request.user)
        if conflict is None:
            return True
        form.add_error(None, conflict.message)
        form.concurrent_changes = conflict.changes
        # The next save compares against what the user has now seen.
        form.data = form.data.copy()
        form.data["version"] = current.updated_at.isoformat()
        return False

    def edit_context(self, obj, form):
        return {
            "object": obj if obj.pk else None,
            "form": form,
            "opts": self.model._meta,
            "submit_label": self.submit_label(obj),
            "cancel_url": obj.get_absolute_url()
            if obj.pk or self.parent_model
            else safe_next(self.request, self.list_url()),
        }

    def submit_label(self, obj) -> str:
        """The primary button's word ("Speichern"; a request says "beantragen")."""
        return _("Speichern")

    def list_url(self) -> str:
        """Where "Abbrechen" leads from a new object: its list, else the start page."""
        try:
            return reverse(f"{self.model._meta.model_name}_list")
        except NoReverseMatch:
            return reverse("home")


class ObjectDeleteView(RestrictedMixin, TemplateView):
    """Confirm and delete one object, unless other data depends on it (fb15/trash.py).

    A protected object's page lists what depends on it and offers no delete button; a POST
    anyway changes nothing and answers 409 with the same page.
    """

    template_name = "generic/object_delete.html"
    success_url_name = ""

    def success_url(self, obj) -> str:
        """Where to go after deleting; computed before the object is gone."""
        return reverse(self.success_url_name)

    def get_object(self):
        obj = get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])
        if not self.model.objects.can(self.request.user, "delete", obj):
            raise PermissionDenied
        return obj

    def delete_context(self, obj, dependents=None) -> dict:
        user = self.request.user
        if dependents is None:
            dependents = trash.dependents(obj, user)
        return {
            "object": obj,
            "opts": self.model._meta,
            "dependents": dependents,
            "is_protected": bool(dependents),
            "is_restorable": trash.is_restorable(self.model),
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.delete_context(self.get_object()))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        label, success_url = str(obj), self.success_url(obj)
        try:
            trash.delete_object(actor=request.user, obj=obj)
        except trash.DeleteProtected as protected:
            context = self.delete_context(obj, protected.dependents)
            return self.render_to_response(context, status=409)
        except (ProtectedError, RestrictedError) as error:
            # Something the check did not see (added meanwhile, or deeper in a cascade).
            context = self.delete_context(obj, trash.dependents_from_error(error, request.user))
            context["is_protected"] = True
            return self.render_to_response(context, status=409)
        messages.success(request, _("„%(obj)s“ wurde gelöscht.") % {"obj": label})
        return HttpResponseRedirect(success_url)


class ObjectHistoryView(RestrictedMixin, View):
    """The History tab: who changed what, when and why; rows restricted like the object.

    With `restore_url_name`, users who may change the object get a "restore" link per
    older version.
    """

    template_name = "generic/object_history.html"
    restore_url_name = ""

    def get_history_object(self):
        return get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        from django.shortcuts import render

        obj = self.get_history_object()
        records = obj.history.select_related("history_user").order_by("-history_date", "-pk")
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
        before = None
        if shown and page.has_next():
            before = records.filter(history_date__lt=shown[-1].history_date).first()
        can_restore = self.restore_url_name and self.model.objects.can(request.user, "change", obj)
        return render(
            request,
            self.template_name,
            {
                "object": obj,
                "opts": self.model._meta,
                "page_obj": page,
                "entries": history_entries(shown, before, user=request.user),
                "restore_url_name": self.restore_url_name if can_restore else "",
            },
        )
