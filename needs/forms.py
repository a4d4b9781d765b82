"""Forms of needs: the Bedarfsmeldung with its attachment, and FB 15's triage forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fb15.forms import (
    ComboboxSelect,
    ComboboxSelectMultiple,
    DomainForm,
    KernFormMixin,
    UserChoiceField,
)
from fb15.models import OrgUnit, User
from measures.models import Measure, Project
from standards.models import Service

from .filecheck import check_attachment
from .models import (
    ATTACHMENT_EXTENSIONS,
    MERGEABLE_STATES,
    PRIORITY_CHOICES,
    SCORE_CHOICES,
    Need,
    PriorityRound,
    ScoringCriterion,
    Statement,
)

TEXT_MAX_LENGTH = 5000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def validate_attachment(upload) -> None:
    """PDF or Office only, at most NEED_ATTACHMENT_MAX_MB, content matching the name, no
    macros, no encryption, no zip bomb, and clean by ClamAV if configured (filecheck.py)."""
    check_attachment(upload)


def limited_text(label, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _(
                "Höchstens %(limit_value)d Zeichen sind erlaubt (jetzt %(show_value)d)."
            ),
        },
    )


class NeedForm(DomainForm):
    """A unit's Bedarfsmeldung; the unit choice offers only the user's own units."""

    problem = limited_text(
        _("Problem"), help_text=Need._meta.get_field("problem").help_text, rows=5
    )
    processes = limited_text(
        _("betroffene Prozesse oder Leistungen"),
        required=False,
        rows=2,
        help_text=Need._meta.get_field("processes").help_text,
    )
    affected = limited_text(
        _("Wer ist betroffen?"),
        required=False,
        rows=2,
        help_text=Need._meta.get_field("affected").help_text,
    )
    legal_obligation = limited_text(
        _("rechtliche Verpflichtung"),
        required=False,
        rows=2,
        help_text=Need._meta.get_field("legal_obligation").help_text,
    )
    benefit = limited_text(_("erwarteter Nutzen"), rows=3)
    contact = UserChoiceField(
        label=_("Ansprechperson"), queryset=User.objects.filter(is_active=True), required=False
    )
    attachment = forms.FileField(
        label=_("Anhang"),
        required=False,
        help_text=_(
            "Optional: eine PDF- oder Office-Datei (z. B. Gutachten, Prozessbeschreibung), "
            "höchstens %(limit)s MB."
        )
        % {"limit": settings.NEED_ATTACHMENT_MAX_MB},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in ATTACHMENT_EXTENSIONS)}
        ),
        validators=[validate_attachment],
    )

    class Meta:
        model = Need
        fields = [
            "owner",
            "title",
            "problem",
            "processes",
            "affected",
            "legal_obligation",
            "deadline",
            "urgency",
            "benefit",
            "effort",
            "contact",
            "trends",
            "services",
            "is_confidential",
        ]
        widgets = {
            "deadline": DATE_WIDGET,
            "trends": ComboboxSelectMultiple,
            "services": ComboboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": _("Bitte geben Sie einen Titel an.")},
            "owner": {"required": _("Bitte wählen Sie den meldenden Fachbereich.")},
        }

    def __init__(self, *args, user, **kwargs):
        # The unit choice is restricted by the base class to the user's own units.
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = OrgUnit.objects.all()
        self.fields["services"].queryset = Service.objects.restrict(user, "view")
        self.fields["title"].error_messages["required"] = _("Bitte geben Sie einen Titel an.")
        self.fields["problem"].error_messages["required"] = _("Bitte beschreiben Sie das Problem.")
        self.fields["benefit"].error_messages["required"] = _(
            "Bitte beschreiben Sie den erwarteten Nutzen."
        )
        if self.instance.pk:
            # A filed need stays with its unit.
            self.fields["owner"].disabled = True
        if not self.is_bound and not self.instance.pk:
            units = list(Need.objects.units_for(user, "add")[:2])
            if len(units) == 1:
                self.initial["owner"] = units[0].pk
            self.initial.setdefault("contact", user.pk)

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Bitte geben Sie einen Titel an."))
        return title


class TriageForm(KernFormMixin, forms.Form):
    """FB 15's next step for a need: the new state, the reason the unit reads, and for
    "übernommen" the measure or project it became."""

    state = forms.ChoiceField(label=_("neuer Stand"), choices=())
    reason = forms.CharField(
        label=_("Begründung für den Fachbereich"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bei „zurückgestellt“ und „abgelehnt“ Pflicht; der Fachbereich sieht sie."),
    )
    measure = forms.ModelChoiceField(
        label=_("übernommen als Maßnahme"),
        queryset=Measure.objects.none(),
        required=False,
        widget=ComboboxSelect,
    )
    project = forms.ModelChoiceField(
        label=_("übernommen als Projekt"),
        queryset=Project.objects.none(),
        required=False,
        widget=ComboboxSelect,
    )

    def __init__(self, *args, need: Need, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = need.next_states
        self.fields["measure"].queryset = Measure.objects.restrict(user, "view")
        self.fields["project"].queryset = Project.objects.restrict(user, "view")
        self.fields["state"].error_messages["required"] = _("Bitte wählen Sie den neuen Stand.")


class ScoreForm(KernFormMixin, forms.Form):
    """FB 15's scores (0–3) of one need, one field per active criterion."""

    prefix = "score"  # shares the need's page with other forms

    def __init__(self, *args, criteria, scores: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s (Gewicht %(weight)s)")
                % {"name": criterion.name, "weight": criterion.weight},
                choices=SCORE_CHOICES,
                coerce=int,
                initial=scores.get(criterion.pk, 0),
                help_text=criterion.description,
            )
        # Fields added after KernFormMixin.__init__ get their KERN classes here.
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "kern-form-input__select"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.field_id(name)}_hint"

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class RankForm(KernFormMixin, forms.Form):
    prefix = "rank"  # shares the need's page with the triage form (both have a reason)
    rank = forms.IntegerField(
        label=_("Rang festlegen"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Leer lassen: Rang ergibt sich aus der Bewertung."),
        error_messages={"min_value": _("Der Rang beginnt bei 1.")},
    )
    reason = forms.CharField(
        label=_("Begründung des festgelegten Rangs"), required=False, max_length=300
    )


class ScoringCriterionForm(DomainForm):
    class Meta:
        model = ScoringCriterion
        fields = ["name", "description", "weight", "position", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "unique": _("Es gibt bereits ein Kriterium mit dieser Bezeichnung."),
                "required": _("Bitte geben Sie eine Bezeichnung an."),
            },
            "weight": {
                "min_value": _("Das Gewicht liegt zwischen 1 und 10."),
                "max_value": _("Das Gewicht liegt zwischen 1 und 10."),
            },
        }


class PriorityRoundForm(DomainForm):
    class Meta:
        model = PriorityRound
        fields = ["label", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {"label": _("Vorgabe: das laufende Quartal, z. B. „2026-Q3“")}


class ProposalForm(KernFormMixin, forms.Form):
    """FB 15's proposal: a priority (1–3) for one need or one measure."""

    prefix = "proposal"
    need = forms.ModelChoiceField(
        label=_("Bedarfsmeldung"),
        queryset=Need.objects.none(),
        required=False,
        widget=ComboboxSelect,
    )
    measure = forms.ModelChoiceField(
        label=_("oder Maßnahme"),
        queryset=Measure.objects.none(),
        required=False,
        widget=ComboboxSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("vorgeschlagene Priorität"),
        choices=PRIORITY_CHOICES,
        coerce=int,
        error_messages={"required": _("Bitte wählen Sie eine Priorität.")},
    )
    note = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        needs = Need.objects.restrict(user, "view").open().select_related("owner")
        self.fields["need"].queryset = needs
        self.fields["need"].label_from_instance = lambda need: f"{need.title} ({need.owner.code})"
        self.fields["measure"].queryset = Measure.objects.restrict(user, "view").active()

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("need")) == bool(cleaned.get("measure")):
            raise forms.ValidationError(
                _("Bitte wählen Sie genau eine Bedarfsmeldung oder eine Maßnahme.")
            )
        return cleaned


class ResponseForm(KernFormMixin, forms.Form):
    """The owning unit's statement on a proposal."""

    statement = forms.ChoiceField(
        label=_("Stellungnahme"),
        choices=[(Statement.AGREED, _("einverstanden")), (Statement.OBJECTED, _("Einwand"))],
        error_messages={"required": _("Bitte wählen Sie „einverstanden“ oder „Einwand“.")},
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bei einem Einwand Pflicht."),
    )


class AdoptForm(KernFormMixin, forms.Form):
    """What the unit reads when FB 15 adopts its need as a new measure or project."""

    prefix = "adopt"  # shares the page with the measure's or project's form
    reason = forms.CharField(
        label=_("Begründung für den Fachbereich"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional; steht in der E-Mail an den Fachbereich."),
    )


class MergeForm(KernFormMixin, forms.Form):
    """FB 15 merges another need (also of another unit) into this one."""

    source = forms.ModelChoiceField(
        label=_("Bedarfsmeldung, die hierin aufgeht"),
        queryset=Need.objects.none(),
        widget=ComboboxSelect,
        error_messages={
            "required": _("Bitte wählen Sie die Bedarfsmeldung, die zusammengeführt wird."),
            "invalid_choice": _("Diese Bedarfsmeldung kann nicht hierhin zusammengeführt werden."),
        },
    )
    reason = forms.CharField(
        label=_("Begründung für den Fachbereich"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional; der meldende Fachbereich liest sie in der E-Mail."),
    )

    def __init__(self, *args, target: Need, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Need.objects.restrict(user, "triage")
            .filter(state__in=MERGEABLE_STATES)
            .exclude(pk=target.pk)
            .select_related("owner")
            .order_by("owner__code", "title")
        )
        self.fields["source"].label_from_instance = lambda need: (
            f"{need.title} ({need.owner.code}, {need.get_state_display()})"
        )
