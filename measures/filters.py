"""The filters of the measure and project lists; the page and its CSV export share them."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.filters import FilterForm, with_all
from fb15.forms import ComboboxSelect
from fb15.models import OrgUnit
from strategy.models import FieldOfAction, Goal, may_read_draft

from .models import Phase, Priority, ReportingPeriod, ReviewState, Status, TrafficLight

FLAG_CHOICES = [
    ("", _("alle")),
    ("stale", _("überfällig")),
    ("needs_update", _("Statusmeldung fehlt im laufenden Zeitraum")),
    ("unowned", _("ohne Verantwortliche")),
]


class ListFilterForm(FilterForm):
    """Fields common to the measure and the project list."""

    owner = forms.ModelChoiceField(
        label=_("Fachbereich"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("alle"),
        widget=ComboboxSelect,
    )
    status = forms.ChoiceField(label=_("Status"), choices=with_all(Status.choices), required=False)
    traffic_light = forms.ChoiceField(
        label=_("Ampel"),
        choices=[*with_all(TrafficLight.choices), ("none", _("keine Meldung"))],
        required=False,
    )
    flag = forms.ChoiceField(label=_("Hinweis"), choices=FLAG_CHOICES, required=False)

    search_fields = ("code", "title", "description")
    sort_fields = {
        "code": "code",
        "title": "title",
        "owner": "owner__code",
        "progress": "progress",
        "traffic_light": "traffic_light",
        "end": "planned_end",
    }
    person_field = ""  # the responsible person, for the "ohne Verantwortliche" flag

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        self.fields["owner"].queryset = OrgUnit.objects.restrict(user, "view")

    def filter_traffic_light(self, queryset, value):
        return queryset.filter(traffic_light="" if value == "none" else value)

    def filter_flag(self, queryset, value):
        today = timezone.localdate()
        if value == "stale":
            return queryset.stale(today)
        if value == "needs_update":
            return queryset.needing_update(ReportingPeriod.objects.current(today))
        return queryset.filter(**{f"{self.person_field}__isnull": True})


def adopted_titles(model, user):
    """Option labels as the latest revision names the rows; read once, when first shown
    (filtering alone, as the CSV export and the API do, needs no labels)."""
    titles = {}

    def label(obj) -> str:
        if not titles:
            titles.update((row.pk, str(row)) for row in model.objects.as_read_by(user))
        return titles[obj.pk]

    return label


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
        label=_("Priorität"), choices=with_all(Priority.choices), required=False
    )

    person_field = "responsible"

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        self.fields["field_of_action"].queryset = FieldOfAction.objects.restrict(user, "view")
        self.fields["goal"].queryset = Goal.objects.restrict(user, "view").order_by(
            "field_of_action__position", "position"
        )
        if not may_read_draft(user):
            # Options named as the adopted revision names them, not by their draft title.
            for name, model in (("field_of_action", FieldOfAction), ("goal", Goal)):
                self.fields[name].label_from_instance = adopted_titles(model, user)
        self.order_fields(
            ["q", "field_of_action", "goal", "owner", "status", "traffic_light", "priority", "flag"]
        )

    def filter_field_of_action(self, queryset, value):
        return queryset.filter(goal__field_of_action=value)


class ProjectFilterForm(ListFilterForm):
    phase = forms.ChoiceField(label=_("Phase"), choices=with_all(Phase.choices), required=False)

    person_field = "lead"


class ChildFilterForm(FilterForm):
    """The API's lists of rows below measures and projects: by parent id (and period)."""

    measure = forms.IntegerField(label=_("Maßnahme (ID)"), min_value=1, required=False)
    project = forms.IntegerField(label=_("Projekt (ID)"), min_value=1, required=False)


class StatusUpdateFilterForm(ChildFilterForm):
    period = forms.ModelChoiceField(
        label=_("Berichtszeitraum (ID)"), queryset=ReportingPeriod.objects.all(), required=False
    )
    review_state = forms.ChoiceField(
        label=_("Prüfung durch FB 15"), choices=with_all(ReviewState.choices), required=False
    )


class IndicatorFilterForm(FilterForm):
    measure = forms.IntegerField(label=_("Maßnahme (ID)"), min_value=1, required=False)


class IndicatorValueFilterForm(FilterForm):
    indicator = forms.IntegerField(label=_("Kennzahl (ID)"), min_value=1, required=False)
