"""Edit forms of standards, compliance cells, exemptions and trends (KERN markup)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fb15.forms import (
    ComboboxSelect,
    ComboboxSelectMultiple,
    DomainForm,
    KernFormMixin,
    UserChoiceField,
)
from fb15.models import OrgUnit, User

from .models import (
    Compliance,
    ComplianceState,
    Exemption,
    ExemptionStatus,
    Service,
    Standard,
    Trend,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StandardForm(DomainForm):
    responsible = UserChoiceField(
        label=_("verantwortlich"), queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Standard
        fields = [
            "code",
            "title",
            "obligation",
            "category",
            "topic",
            "status",
            "version_label",
            "valid_from",
            "valid_until",
            "next_review",
            "responsible",
            "description",
            "references",
            "superseded_by",
        ]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "next_review": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
            "references": forms.Textarea(attrs={"rows": 4}),
            "superseded_by": ComboboxSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Standard.objects.all()
        if self.instance.pk:
            # Offered choices leave the standard itself out; the model check stays as a guard.
            others = others.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = others

    def clean_code(self) -> str:
        return " ".join(self.cleaned_data["code"].split())


class ComplianceForm(DomainForm):
    """A cell of the matrix. "Ausnahme" is set only by an approved exemption."""

    class Meta:
        model = Compliance
        fields = ["state", "evidence", "checked_on", "deviation_reason"]
        widgets = {
            "checked_on": DATE_WIDGET,
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "deviation_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [c for c in ComplianceState.choices if c[0] != ComplianceState.EXEMPT]
        if self.instance.state == ComplianceState.EXEMPT:
            choices = ComplianceState.choices
        self.fields["state"].choices = choices
        if not self.instance.checked_on and not self.is_bound:
            self.initial["checked_on"] = timezone.localdate()

    def clean_state(self) -> str:
        state = self.cleaned_data["state"]
        was_exempt = self.instance.state == ComplianceState.EXEMPT
        if was_exempt and state != ComplianceState.EXEMPT:
            raise forms.ValidationError(
                _(
                    "Für diesen Standard gilt eine genehmigte Ausnahme. Der Stand ändert sich "
                    "erst, wenn sie abläuft."
                )
            )
        if state == ComplianceState.EXEMPT and not was_exempt:
            raise forms.ValidationError(
                _("„Ausnahme“ entsteht nur durch eine genehmigte Ausnahme.")
            )
        return state


class ExemptionForm(DomainForm):
    """A lead's request; the unit choice is limited to units the user may request for."""

    class Meta:
        model = Exemption
        fields = ["unit", "standard", "justification", "ends_on"]
        widgets = {
            "unit": ComboboxSelect,
            "standard": ComboboxSelect,
            "ends_on": DATE_WIDGET,
            "justification": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        # The unit choice is restricted by the base class: a lead requests for own units only.
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.all()
        self.fields["standard"].queryset = Standard.objects.in_force()
        if self.instance.pk:
            # A filed request keeps its unit and standard; only text and end date change.
            self.fields["unit"].disabled = True
            self.fields["standard"].disabled = True

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        today = timezone.localdate()
        if ends_on < today:
            raise forms.ValidationError(
                _(
                    "Das Ende der Ausnahme darf nicht in der Vergangenheit liegen "
                    "(heute: %(today)s)."
                )
                % {"today": date_format(today, "DATE_FORMAT")}
            )
        return ends_on

    def clean(self):
        cleaned = super().clean()
        unit, standard = cleaned.get("unit"), cleaned.get("standard")
        if unit and standard and not self.instance.pk:
            open_request = Exemption.objects.filter(
                unit=unit,
                standard=standard,
                status__in=[ExemptionStatus.REQUESTED, ExemptionStatus.APPROVED],
            ).exists()
            if open_request:
                self.add_error(
                    "standard",
                    _(
                        "Für diesen Standard gibt es bereits einen offenen Antrag "
                        "oder eine Ausnahme."
                    ),
                )
        return cleaned


class DecisionForm(KernFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("approve", _("genehmigen")), ("reject", _("ablehnen"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung der Entscheidung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bei einer Ablehnung Pflicht."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Bitte begründen Sie die Ablehnung."))
        return cleaned


class TrendForm(DomainForm):
    class Meta:
        model = Trend
        fields = ["title", "quadrant", "ring", "description", "rationale", "units", "standards"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "units": ComboboxSelectMultiple,
            "standards": ComboboxSelectMultiple,
        }
        help_texts = {
            "units": _("Ihre Leitungen erfahren per E-Mail davon. Mehrere möglich."),
            "standards": _("Mehrere möglich."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = OrgUnit.objects.all()
        self.fields["standards"].queryset = Standard.objects.all()


class ServiceForm(DomainForm):
    """A Verwaltungsleistung of FB 15's catalogue."""

    class Meta:
        model = Service
        fields = ["name", "key"]
        error_messages = {"name": {"required": _("Bitte geben Sie die Bezeichnung an.")}}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie die Bezeichnung an."))
        return name
