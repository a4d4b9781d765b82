"""Forms of the reports: schedules (Berichtspläne) and "Bericht jetzt erzeugen"."""

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.forms import ComboboxSelect, DomainForm, KernFormMixin
from fb15.models import OrgUnit
from measures.models import Measure
from strategy.models import FieldOfAction

from .lifecycle import ASSESSMENT_MAX_LENGTH, NOTE_MAX_LENGTH
from .models import ReportSchedule, ScopeKind
from .periods import Period, ReportError, parse_period, quarter_period


class FieldChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FieldOfAction) -> str:
        return f"{obj.position} {obj.title}"


class ScopeFormMixin:
    """Field of action only for the field scope, unit only for the unit scope."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("scope_kind")
        if kind == ScopeKind.FIELD and not cleaned.get("field_of_action"):
            self.add_error("field_of_action", _("Bitte ein Handlungsfeld wählen."))
        if kind == ScopeKind.UNIT and not cleaned.get("unit"):
            self.add_error("unit", _("Bitte einen Fachbereich wählen."))
        if kind != ScopeKind.FIELD:
            cleaned["field_of_action"] = None
        if kind != ScopeKind.UNIT:
            cleaned["unit"] = None
        return cleaned


class ReportScheduleForm(ScopeFormMixin, DomainForm):
    field_of_action = FieldChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.all(),
        required=False,
        help_text=_("Nur beim Umfang „ein Handlungsfeld“."),
    )
    unit = forms.ModelChoiceField(
        label=_("Fachbereich"),
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=_("Nur beim Umfang „ein Fachbereich“."),
        widget=ComboboxSelect,
    )

    class Meta:
        model = ReportSchedule
        fields = [
            "name",
            "frequency",
            "scope_kind",
            "field_of_action",
            "unit",
            "reporting_day",
            "reminder_days",
            "grace_days",
            "acknowledged_only",
            "priority_only",
            "notify_council",
            "extra_recipients",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        self.instance.field_of_action = cleaned.get("field_of_action")
        self.instance.unit = cleaned.get("unit")
        return cleaned

    def clean_reporting_day(self) -> int:
        day = self.cleaned_data["reporting_day"]
        if not 1 <= day <= 28:
            raise forms.ValidationError(_("Bitte einen Tag zwischen 1 und 28 angeben."))
        return day

    def clean_extra_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["extra_recipients"].splitlines()]
        for line in filter(None, lines):
            try:
                validate_email(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("„%(value)s“ ist keine gültige E-Mail-Adresse.") % {"value": line}
                ) from error
        return "\n".join(filter(None, lines))


class ReportRequestForm(ScopeFormMixin, KernFormMixin, forms.Form):
    scope_kind = forms.ChoiceField(label=_("Umfang"), choices=ScopeKind.choices)
    field_of_action = FieldChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.all(),
        required=False,
        help_text=_("Nur beim Umfang „ein Handlungsfeld“."),
    )
    unit = forms.ModelChoiceField(
        label=_("Fachbereich"),
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=_("Nur beim Umfang „ein Fachbereich“."),
        widget=ComboboxSelect,
    )
    period = forms.CharField(
        label=_("Zeitraum"),
        max_length=7,
        help_text=_("Quartal wie „2026-Q3“ oder Monat wie „2026-07“."),
    )
    acknowledged_only = forms.BooleanField(
        label=_("nur von FB 15 bestätigte Sachstände"),
        required=False,
        help_text=_(
            "Der Bericht zeigt je Maßnahme den Sachstand der letzten von FB 15 bestätigten "
            "Statusmeldung; noch nicht bestätigte Meldungen bleiben außen vor."
        ),
    )
    priority_only = forms.BooleanField(
        label=_("nur Maßnahmen mit Priorität hoch"),
        required=False,
        help_text=_(
            "Für den Blick des Rats auf die Prioritäten: nur diese Maßnahmen und ihre Projekte."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["period"] = quarter_period(timezone.localdate()).label

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ReportError as error:
            raise forms.ValidationError(str(error)) from error


class AssessmentForm(KernFormMixin, forms.Form):
    """The "Einschätzung des FB 15" of a draft report."""

    assessment = forms.CharField(
        label=_("Einschätzung des FB 15"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=ASSESSMENT_MAX_LENGTH,
        help_text=_(
            "Einige Absätze für den Rat: was gut lief, was kritisch ist, was nötig ist. "
            "Steht im Bericht unter „Auf einen Blick“."
        ),
    )


class CorrectionForm(KernFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Was wird berichtigt?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte beschreiben Sie, was berichtigt wird.")},
        help_text=_("Steht auf der Titelseite der Berichtigung und in der Benachrichtigung."),
    )


class MeasureNoteForm(KernFormMixin, forms.Form):
    """FB 15's note on one measure of a draft (empty: the note is removed)."""

    measure = forms.ModelChoiceField(
        label=_("Maßnahme"),
        queryset=Measure.objects.none(),
        widget=ComboboxSelect,
        error_messages={"required": _("Bitte wählen Sie eine Maßnahme.")},
    )
    text = forms.CharField(
        label=_("Anmerkung des FB 15"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Steht im Bericht unter der Maßnahme. Leer lassen, um sie zu entfernen."),
    )

    def __init__(self, *args, user, report, **kwargs):
        super().__init__(*args, **kwargs)
        measures = Measure.objects.restrict(user, "view").filter(is_confidential=False)
        if report.scope_kind == ScopeKind.FIELD:
            measures = measures.filter(goal__field_of_action=report.field_of_action_id)
        elif report.scope_kind == ScopeKind.UNIT:
            measures = measures.filter(owner=report.unit_id)
        self.fields["measure"].queryset = measures.order_by("code")
