"""The organisation: Dezernate and Fachbereiche with their leads, deputies and members."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fb15.empty_state import IMPORT_ACTION, EmptyAction, may_add
from fb15.filters import FilterForm
from fb15.forms import CitySettingsForm, DivisionForm, OrgUnitForm
from fb15.models import CitySettings, Division, OrgUnit, city_settings
from fb15.services import save_org_unit

from .generic import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PageAction,
)


class OrgUnitFilterForm(FilterForm):
    division = forms.ModelChoiceField(
        label=_("Dezernat"), queryset=Division.objects.none(), required=False, empty_label=_("alle")
    )

    search_fields = ("code", "name", "lead__last_name", "lead__first_name")

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        self.fields["division"].queryset = Division.objects.restrict(user, "view")


class OrgUnitListView(ObjectListView):
    model = OrgUnit
    paginate_by = 50
    filter_form_class = OrgUnitFilterForm
    columns = (
        Column(_("Kürzel"), "code", link=True),
        Column(_("Bezeichnung"), "name"),
        Column(_("Dezernat"), "division"),
        Column(_("Leitung"), "lead"),
        Column(_("Mitarbeitende"), "member_count", numeric=True),
    )
    empty_message = _(
        "Noch keine Fachbereiche erfasst. Jeder Fachbereich gehört zu einem Dezernat."
    )
    empty_actions = (
        EmptyAction(_("Dezernat anlegen"), "division_add", may_add(Division)),
        EmptyAction(_("Fachbereich anlegen"), "orgunit_add", may_add(OrgUnit)),
        IMPORT_ACTION,
    )

    def base_queryset(self):
        return (
            OrgUnit.objects.select_related("division", "lead")
            .annotate(member_count=Count("members", distinct=True))
            .order_by("code")
        )

    def page_actions(self):
        actions = super().page_actions()
        if Division.objects.may_add(self.request.user):
            url = reverse("division_add")
            actions.insert(0, PageAction(_("Dezernat anlegen"), url, icon="add", adds=True))
        return actions


class DivisionEditView(ObjectEditView):
    """A new Dezernat (changing one is for the admin site)."""

    model = Division
    form_class = DivisionForm


class OrgUnitDetailView(ObjectDetailView):
    model = OrgUnit

    def preline(self):
        return str(self.object.division)

    def base_queryset(self):
        return OrgUnit.objects.with_people()


class OrgUnitEditView(ObjectEditView):
    model = OrgUnit
    form_class = OrgUnitForm
    service = staticmethod(save_org_unit)


class OrgUnitDeleteView(ObjectDeleteView):
    model = OrgUnit
    success_url_name = "orgunit_list"


class OrgUnitHistoryView(ObjectHistoryView):
    model = OrgUnit


class CitySettingsEditView(ObjectEditView):
    """Einstellungen der Stadt: the one settings row, for holders of `change_citysettings`."""

    model = CitySettings
    form_class = CitySettingsForm

    def get_object(self):
        if not self.request.user.has_perm("fb15.change_citysettings"):
            raise PermissionDenied
        if self.request.method != "POST":
            return city_settings()  # a GET writes nothing, not even the first row
        self.kwargs["pk"] = 1
        return CitySettings.objects.get_or_create(pk=1)[0]

    def get_form(self, obj, data=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data=data, files=files, instance=obj, user=self.request.user)


__all__ = [
    "CitySettingsEditView",
    "DivisionEditView",
    "OrgUnitDeleteView",
    "OrgUnitDetailView",
    "OrgUnitEditView",
    "OrgUnitHistoryView",
    "OrgUnitListView",
]
