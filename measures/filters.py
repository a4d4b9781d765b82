"""The filters of the measure and project lists; the page and its CSV export share them."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.forms import ComboboxSelect, KernFormMixin
from fb15.models import OrgUnit
from strategy.models import FieldOfAction, Goal, may_read_draft

from .models import Phase, Priority, ReportingPeriod, Status, TrafficLight

FLAG_CHOICES = [
    ("", _("alle")),
    ("stale", _("überfällig")),
    ("needs_update", _("Statusmeldung fehlt im laufenden Zeitraum")),
    ("unowned", _("ohne Verantwortliche")),
]


def _choices(choices):
    return [("", _("alle")), *choices]


class ListFilterForm(KernFormMixin, forms.Form):
    """Fields common to both lists. `apply()` narrows an already restricted queryset."""

    q = forms.CharField(label=_("Suche"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Fachbereich"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("alle"),
        widget=ComboboxSelect,
    )
    status = forms.ChoiceField(label=_("Status"), choices=_choices(Status.choices), required=False)
    traffic_light = forms.ChoiceField(
        label=_("Ampel"),
        choices=[*_choices(TrafficLight.choices), ("none", _("keine Meldung"))],
        required=False,
    )
    flag = forms.ChoiceField(label=_("Hinweis"), choices=FLAG_CHOICES, required=False)

    search_fields: tuple[str, ...] = ("code", "title", "description")
    sort_fields: dict[str, str] = {}

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["owner"].queryset = OrgUnit.objects.restrict(user, "view")

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": data["q"]})
            queryset = queryset.filter(condition)
        if data["owner"]:
            queryset = queryset.filter(owner=data["owner"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["traffic_light"] == "none":
            queryset = queryset.filter(traffic_light="")
        elif data["traffic_light"]:
            queryset = queryset.filter(traffic_light=data["traffic_light"])
        today = timezone.localdate()
        if data["flag"] == "stale":
            queryset = queryset.stale(today)
        elif data["flag"] == "needs_update":
            queryset = queryset.needing_update(ReportingPeriod.objects.current(today))
        elif data["flag"] == "unowned":
            queryset = queryset.filter(**{f"{self.person_field}__isnull": True})
        return queryset.order_by(*self.ordering())

    def ordering(self) -> list[str]:
        sort = (self.data.get("sort") or "").strip()
        key = sort.lstrip("-")
        if key in self.sort_fields:
            field = self.sort_fields[key]
            return [f"-{field}" if sort.startswith("-") else field, "code"]
        return ["code"]


class MeasureFilterForm(ListFilterForm):
    field_of_action = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    goal = forms.ModelChoiceField(
        label=_("Ziel"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("alle"),
        widget=ComboboxSelect,
    )
    priority = forms.ChoiceField(
        label=_("Priorität"), choices=_choices(Priority.choices), required=False
    )

    person_field = "responsible"
    sort_fields = {
        "code": "code",
        "title": "title",
        "owner": "owner__code",
        "progress": "progress",
        "traffic_light": "traffic_light",
        "end": "planned_end",
    }

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        self.fields["field_of_action"].queryset = FieldOfAction.objects.restrict(user, "view")
        self.fields["goal"].queryset = Goal.objects.restrict(user, "view").order_by(
            "field_of_action__position", "position"
        )
        if not may_read_draft(user):
            # Options named as the adopted revision names them, not by their draft title.
            for name, model in (("field_of_action", FieldOfAction), ("goal", Goal)):
                titles = {row.pk: str(row) for row in model.objects.as_read_by(user)}
                self.fields[name].label_from_instance = lambda obj, titles=titles: titles[obj.pk]
        self.order_fields(
            ["q", "field_of_action", "goal", "owner", "status", "traffic_light", "priority", "flag"]
        )

    def apply(self, queryset):
        queryset = super().apply(queryset)
        if self.is_valid():
            data = self.cleaned_data
            if data["field_of_action"]:
                queryset = queryset.filter(goal__field_of_action=data["field_of_action"])
            if data["goal"]:
                queryset = queryset.filter(goal=data["goal"])
            if data["priority"]:
                queryset = queryset.filter(priority=data["priority"])
        return queryset


class ProjectFilterForm(ListFilterForm):
    phase = forms.ChoiceField(label=_("Phase"), choices=_choices(Phase.choices), required=False)

    person_field = "lead"
    sort_fields = {
        "code": "code",
        "title": "title",
        "owner": "owner__code",
        "progress": "progress",
        "traffic_light": "traffic_light",
        "end": "planned_end",
    }

    def apply(self, queryset):
        queryset = super().apply(queryset)
        if self.is_valid() and self.cleaned_data["phase"]:
            queryset = queryset.filter(phase=self.cleaned_data["phase"])
        return queryset
