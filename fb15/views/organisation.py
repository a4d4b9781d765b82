"""The organisation: Dezernate and Fachbereiche with their leads, deputies and members."""

from django.db.models import Count

from fb15.forms import OrgUnitForm
from fb15.models import Division, OrgUnit
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

    def base_queryset(self):
        return (
            OrgUnit.objects.select_related("division", "lead")
            .annotate(member_count=Count("members", distinct=True))
            .order_by("code")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["divisions"] = Division.objects.restrict(self.request.user, "view")
        return context


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


__all__ = [
    "OrgUnitDeleteView",
    "OrgUnitDetailView",
    "OrgUnitEditView",
    "OrgUnitHistoryView",
    "OrgUnitListView",
]
