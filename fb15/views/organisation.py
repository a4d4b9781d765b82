"""The organisation: Dezernate and Fachbereiche with their leads, deputies and members."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from fb15.empty_state import IMPORT_ACTION, EmptyAction, may_add
from fb15.forms import CitySettingsForm, DivisionForm, OrgUnitForm
from fb15.models import CitySettings, Division, OrgUnit, city_settings
from fb15.services import save_org_unit

from .generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)


class OrgUnitListView(ObjectListView):
    model = OrgUnit
    paginate_by = 50
    search_fields = ("code", "name", "lead__last_name", "lead__first_name")
    filter_fields = ("division",)
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["divisions"] = Division.objects.restrict(self.request.user, "view")
        context["can_add_division"] = Division.objects.may_add(self.request.user)
        return context


class DivisionEditView(ObjectEditView):
    """A new Dezernat (changing one is for the admin site)."""

    model = Division
    form_class = DivisionForm


class OrgUnitDetailView(ObjectDetailView):
    model = OrgUnit

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
