"""Edit forms of the strategy. Numbers ("2.3") are derived from the order, never typed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.forms import DomainForm, KernFormMixin

from .models import FieldOfAction, Goal, Strategy


def _required_text(form: forms.Form, name: str, message: str) -> str:
    value = " ".join(form.cleaned_data.get(name, "").split())
    if not value:
        raise forms.ValidationError(message)
    return value


class StrategyForm(DomainForm):
    class Meta:
        model = Strategy
        fields = ["title", "vision"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 8})}
        error_messages = {"title": {"required": _("Bitte einen Titel angeben.")}}

    def clean_title(self) -> str:
        return _required_text(self, "title", _("Bitte einen Titel angeben."))


class FieldOfActionForm(DomainForm):
    class Meta:
        model = FieldOfAction
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "title": {"required": _("Bitte einen Titel für das Handlungsfeld angeben.")}
        }

    def clean_title(self) -> str:
        return _required_text(self, "title", _("Bitte einen Titel für das Handlungsfeld angeben."))


class GoalForm(DomainForm):
    class Meta:
        model = Goal
        fields = ["field_of_action", "title", "description", "target_year"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"target_year": _("Jahr, bis zu dem das Ziel erreicht sein soll.")}
        error_messages = {"title": {"required": _("Bitte einen Titel für das Ziel angeben.")}}

    def __init__(self, *args, strategy=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = FieldOfAction.objects.all()
        if strategy is not None:
            choices = choices.filter(strategy=strategy)
        self.fields["field_of_action"].queryset = choices
        self.fields["field_of_action"].empty_label = None
        self.fields["target_year"].widget.attrs.update({"min": 2000, "max": 2100})
        self.fields["field_of_action"].help_text = _(
            "Ein Ziel, das in ein anderes Handlungsfeld wechselt, wird dort hinten angefügt."
        )

    def clean_title(self) -> str:
        return _required_text(self, "title", _("Bitte einen Titel für das Ziel angeben."))

    def clean_target_year(self):
        year = self.cleaned_data.get("target_year")
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Bitte ein Jahr zwischen 2000 und 2100 angeben."))
        return year


class RevisionPublishForm(KernFormMixin, forms.Form):
    """Publishing a revision: the data of the council decision. Checked again by the service."""

    number = forms.IntegerField(label=_("Nummer"), min_value=1, max_value=32767)
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages={"required": _("Bitte einen Titel angeben.")},
    )
    decided_on = forms.DateField(
        label=_("Datum des Ratsbeschlusses"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    decision_reference = forms.CharField(
        label=_("Ratsbeschluss (Drucksache)"),
        max_length=60,
        help_text=_("z. B. „DS 0123/2025“"),
        error_messages={"required": _("Bitte das Aktenzeichen des Ratsbeschlusses angeben.")},
    )
    summary = forms.CharField(
        label=_("Zusammenfassung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Was hat sich gegenüber der letzten Fortschreibung geändert?"),
    )

    def clean_title(self) -> str:
        return _required_text(self, "title", _("Bitte einen Titel angeben."))

    def clean_decision_reference(self) -> str:
        return _required_text(
            self, "decision_reference", _("Bitte das Aktenzeichen des Ratsbeschlusses angeben.")
        )

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "Der Ratsbeschluss liegt in der Zukunft. Veröffentlichen Sie die "
                    "Fortschreibung erst, wenn der Rat sie beschlossen hat."
                )
            )
        return decided_on


class RevisionAmendForm(RevisionPublishForm):
    """Editing a published revision: everything is shown, only the summary may change."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=_("Grund der Änderung"),
        required=False,
        max_length=100,
        help_text=_("Optional; erscheint in der Änderungshistorie."),
    )

    def clean_decided_on(self):
        return self.cleaned_data["decided_on"]


class RestoreForm(KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Grund der Wiederherstellung"),
        required=False,
        max_length=60,
        help_text=_("Optional; erscheint in der Änderungshistorie."),
    )


class AsOfForm(KernFormMixin, forms.Form):
    """Which moment to show: a published revision or the end of a day."""

    revision = forms.TypedChoiceField(label=_("Fortschreibung"), coerce=int, required=False)
    datum = forms.DateField(
        label=_("oder Stand zum Datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, revisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].choices = [("", "—")] + [(r.number, str(r)) for r in revisions]

    def clean_datum(self):
        day = self.cleaned_data.get("datum")
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                _("Das Datum liegt in der Zukunft. Den heutigen Stand zeigt der Entwurf.")
            )
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("revision") and not cleaned.get("datum"):
            raise forms.ValidationError(_("Bitte eine Fortschreibung oder ein Datum wählen."))
        return cleaned
