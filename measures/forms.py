"""Forms for measures, projects and what their owners report."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.forms import (
    ComboboxSelect,
    ComboboxSelectMultiple,
    DomainForm,
    KernFormMixin,
    UserChoiceField,
)
from fb15.models import OrgUnit, User
from standards.models import Service, Trend
from strategy.models import Goal

from .models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    Risk,
    Status,
    TrafficLight,
)
from .services import dependency_cycle, may_report_for_locked_periods

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.field_of_action.position}.{obj.position} {obj.title}"


class DatesMixin:
    """End after start, for forms with planned_start / planned_end."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error(
                "planned_end", _("Das geplante Ende darf nicht vor dem geplanten Beginn liegen.")
            )
        return cleaned


class MeasureForm(DatesMixin, DomainForm):
    goal = GoalChoiceField(label=_("Ziel"), queryset=Goal.objects.none(), widget=ComboboxSelect)
    responsible = UserChoiceField(
        label=_("verantwortliche Person"),
        queryset=User.objects.filter(is_active=True),
        required=False,
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "title",
            "goal",
            "description",
            "owner",
            "participants",
            "responsible",
            "priority",
            "planned_start",
            "planned_end",
            "budget_planned",
            "funding_source",
            "dependencies",
            "tags",
            "trends",
            "services",
            "is_confidential",
        ]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "owner": ComboboxSelect,
            "participants": ComboboxSelectMultiple,
            "dependencies": ComboboxSelectMultiple,
            "tags": ComboboxSelectMultiple,
            "trends": ComboboxSelectMultiple,
            "services": ComboboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["goal"].queryset = (
            Goal.objects.restrict(user, "view")
            .select_related("field_of_action")
            .order_by("field_of_action__position", "position")
        )
        self.fields["owner"].queryset = OrgUnit.objects.restrict(user, "view")
        self.fields["participants"].queryset = OrgUnit.objects.restrict(user, "view")
        dependencies = Measure.objects.restrict(user, "view")
        if self.instance.pk:
            dependencies = dependencies.exclude(pk=self.instance.pk)
        self.fields["dependencies"].queryset = dependencies
        self.fields["trends"].queryset = Trend.objects.restrict(user, "view")
        self.fields["services"].queryset = Service.objects.restrict(user, "view")

    def clean(self):
        cleaned = super().clean()
        dependencies = cleaned.get("dependencies")
        if self.instance.pk and dependencies:
            cycle = dependency_cycle(self.instance, dependencies)
            if cycle:
                chain = " → ".join(m.code for m in [*cycle, cycle[0]])
                self.add_error(
                    "dependencies",
                    _("Diese Abhängigkeit ergäbe einen Kreis: %(chain)s.") % {"chain": chain},
                )
        return cleaned


class ProjectForm(DatesMixin, DomainForm):
    lead = UserChoiceField(
        label=_("Projektleitung"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "Darf Statusmeldungen und Risiken pflegen, auch aus einem anderen Fachbereich."
        ),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "description",
            "measures",
            "owner",
            "lead",
            "phase",
            "planned_start",
            "planned_end",
            "budget_planned",
            "services",
            "is_confidential",
        ]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "measures": ComboboxSelectMultiple,
            "owner": ComboboxSelect,
            "services": ComboboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = OrgUnit.objects.restrict(user, "view")
        self.fields["measures"].queryset = Measure.objects.restrict(user, "view")
        self.fields["services"].queryset = Service.objects.restrict(user, "view")


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return _("%(label)s (Stichtag %(date)s)") % {
            "label": obj.label,
            "date": obj.reporting_date.strftime("%d.%m.%Y"),
        }


class StatusUpdateForm(KernFormMixin, forms.Form):
    """Filing a status update; the service does the writing (and checks the period)."""

    period = PeriodChoiceField(
        label=_("Berichtszeitraum"),
        queryset=ReportingPeriod.objects.none(),
        error_messages={
            "invalid_choice": _(
                "Dieser Berichtszeitraum ist abgeschlossen. Änderungen daran kann nur FB 15 "
                "vornehmen."
            )
        },
    )
    traffic_light = forms.ChoiceField(label=_("Ampel"), choices=TrafficLight.choices)
    progress = forms.IntegerField(
        label=_("Fortschritt (%)"),
        min_value=0,
        max_value=100,
        # "%%": Django fills these messages with %-formatting.
        error_messages={
            "min_value": _("Der Fortschritt muss zwischen 0 und 100 %% liegen."),
            "max_value": _("Der Fortschritt muss zwischen 0 und 100 %% liegen."),
        },
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    summary = forms.CharField(label=_("Sachstand"), widget=forms.Textarea(attrs={"rows": 3}))
    risks = forms.CharField(
        label=_("Risiken"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_steps = forms.CharField(
        label=_("nächste Schritte"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    budget_spent = forms.DecimalField(
        label=_("Budget verausgabt (EUR)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={"min_value": _("Das verausgabte Budget kann nicht negativ sein.")},
    )
    progress_drop_reason = forms.CharField(
        label=_("Begründung für den Rückgang"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Nötig, wenn der Fortschritt niedriger ist als in der vorigen Meldung."),
    )
    needs_decision = forms.BooleanField(
        label=_("Entscheidungsbedarf: Rat oder Verwaltungsführung müssen etwas entscheiden"),
        required=False,
    )
    decision_note = forms.CharField(
        label=_("Welche Entscheidung ist nötig?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    review_answer = forms.CharField(
        label=_("Antwort auf die Rückfrage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # When the form was shown: an update filed by someone else since then is not overwritten.
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        user,
        subject,
        periods=None,
        current=None,
        returned=None,
        inline=False,
        **kwargs,
    ):
        """`periods` (all periods) and `current` may be passed in when building many forms.
        `returned`: the update of the chosen period FB 15 sent back (asks for the answer).
        `inline`: the card on "Mein Fachbereich", one of many on the page (ids of its own)."""
        if inline:
            kwargs["auto_id"] = f"id_%s_{subject.kind}{subject.pk}"
        super().__init__(*args, **kwargs)
        if inline:
            widget = self.fields["progress"].widget
            widget.attrs["class"] += " kern-form-input__input--width-4"
            self.fields["summary"].widget.attrs["rows"] = 2
        if returned is None:
            del self.fields["review_answer"]
        else:
            answer = self.fields["review_answer"]
            answer.required = True
            answer.error_messages["required"] = _("Bitte beantworten Sie die Rückfrage von FB 15.")
            self.order_fields(["review_answer"])
        today = timezone.localdate()
        periods = periods if periods is not None else list(ReportingPeriod.objects.all())
        if not may_report_for_locked_periods(user):
            periods = [p for p in periods if p.is_open(today)]
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            pk__in=[p.pk for p in periods]
        )
        current = current or ReportingPeriod.objects.current(today)
        self.initial.setdefault("period", current.pk if current else None)
        self.initial.setdefault("traffic_light", subject.traffic_light or TrafficLight.GREEN)
        self.initial.setdefault("progress", subject.progress)
        self.initial.setdefault(
            "status",
            Status.IN_PROGRESS if subject.status == Status.PLANNED else subject.status,
        )
        self.initial.setdefault("budget_spent", subject.budget_spent)
        self.initial.setdefault("seen_at", timezone.now().isoformat())


class MilestoneForm(DomainForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on"]
        widgets = {"due_on": DATE_WIDGET, "reached_on": DATE_WIDGET}

    def clean_reached_on(self):
        reached_on = self.cleaned_data["reached_on"]
        if reached_on and reached_on > timezone.localdate():
            raise forms.ValidationError(
                _("Ein Meilenstein kann nicht in der Zukunft erreicht werden.")
            )
        return reached_on


class IndicatorForm(DomainForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target_value", "target_date"]
        widgets = {"target_date": DATE_WIDGET}


class IndicatorValueForm(DomainForm):
    class Meta:
        model = IndicatorValue
        fields = ["measured_on", "value"]
        widgets = {"measured_on": DATE_WIDGET}

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if measured_on > timezone.localdate():
            raise forms.ValidationError(_("Messwerte können nicht für die Zukunft erfasst werden."))
        taken = IndicatorValue.objects.filter(
            indicator_id=self.instance.indicator_id, measured_on=measured_on
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Für dieses Datum gibt es schon einen Messwert."))
        return measured_on


class RiskForm(DomainForm):
    owner = UserChoiceField(
        label=_("verantwortlich"), queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Risk
        fields = ["description", "probability", "impact", "mitigation", "owner", "is_closed"]
