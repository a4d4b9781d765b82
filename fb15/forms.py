"""Forms of the core, and the base every domain edit form uses."""

import json
import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, CitySettings, Division, OrgUnit, TokenScope, User


def accept_digit_groups(field: forms.DecimalField | forms.FloatField) -> None:
    """Let a localized number field take amounts as people write them: "110.000,00" and
    "1.250.000 €" in German ("110,000.00" in English). Only digits grouped by three count as
    groups, so a mistyped "22.5" is still refused, never read as 225."""
    original = field.to_python

    def to_python(value):
        if isinstance(value, str):
            text = value.strip().removesuffix("€").removesuffix("EUR").strip()
            group, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
            pattern = rf"-?\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(decimal)}\d*)?"
            if group and group != decimal and re.fullmatch(pattern, text):
                text = text.replace(group, "")
            value = text
        return original(value)

    field.to_python = to_python


class KernFormMixin:
    """Give every widget the KERN classes and the ARIA links to its hint and error.

    Rendered by templates/inc/form_fields.html.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "kern-form-check__checkbox"
            elif isinstance(widget, forms.SelectMultiple):
                css = "fb15-multiselect"  # KERN styles single selects only
            elif isinstance(widget, forms.Select):
                css = "kern-form-input__select"
            else:
                css = "kern-form-input__input"
            if isinstance(field, forms.DecimalField | forms.FloatField):
                # German users type "22,5": a text field that parses and shows the locale's
                # format (a number input would reject the comma when showing it).
                field.localize = True
                widget = field.widget = forms.TextInput(
                    attrs={**widget.attrs, "inputmode": "decimal"}
                )
                widget.is_localized = True
                accept_digit_groups(field)
            widget.attrs["class"] = css
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.field_id(name)}_hint"

    def field_id(self, name: str) -> str:
        """The id of a field's widget; its hint and error carry it plus "_hint"/"_error"."""
        # Not self[name].auto_id: that caches a BoundField before subclasses replace fields.
        html_name = self.add_prefix(name)
        auto_id = self.auto_id
        if auto_id and "%s" in str(auto_id):
            return auto_id % html_name
        return f"id_{html_name}"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = " ".join(
                    filter(
                        None, [widget.attrs.get("aria-describedby"), f"{self.field_id(name)}_error"]
                    )
                )
                widget.attrs["class"] += f" {widget.attrs['class']}--error"


class LoginForm(KernFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Benutzername oder Passwort ist falsch. Bitte achten Sie auf Groß- und Kleinschreibung."
        ),
    }


class VersionField(forms.Field):
    """The hidden `updated_at` a form was loaded at; anything but a timestamp is refused."""

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid": _(
            "Das Formular enthält eine ungültige Versionsangabe. Bitte laden Sie die Seite neu "
            "und geben Sie Ihre Änderungen erneut ein."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            parsed = parse_datetime(value[:40])
        except ValueError:  # well formed but impossible, e.g. 30 February
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def restrict_form_fields(form: forms.BaseForm, user, action: str = "view") -> None:
    """Offer in every model-choice field only what `user` may pick (as NetBox does).

    - The field naming the unit that owns the form's model (its `unit_scope` path, e.g.
      `owner` of a measure, `unit` of an exemption) offers the units in which the user may
      take `action` ("add" or "change") on such rows: a lead cannot even pick another unit.
    - Every other field over a restricted model offers `restrict(user, "view")`: no
      confidential measure of another unit, no draft goal for a reader without the draft.
    A value outside the offer is the field's German "invalid choice" error. People
    (user pickers) come from the directory and are not restricted.
    """
    from .querysets import RestrictedQuerySet, UnitScope

    model = getattr(getattr(form, "_meta", None), "model", None)
    scope = getattr(model, "unit_scope", None)
    unit_field = scope.path if isinstance(scope, UnitScope) and "__" not in scope.path else ""
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if not isinstance(queryset, RestrictedQuerySet):
            continue
        if queryset.model._meta.label == settings.AUTH_USER_MODEL:
            continue
        if name == unit_field and model is not None:
            allowed = model.objects.units_for(user, action)
            current = getattr(instance, f"{name}_id", None) if instance is not None else None
            if current is not None and action == "change":
                # The row's present unit stays selectable for whoever may change the row.
                allowed = allowed | queryset.model.objects.filter(pk=current)
            field.queryset = queryset.filter(pk__in=allowed.values("pk"))
        else:
            field.queryset = queryset.restrict(user, "view")


class DomainForm(KernFormMixin, forms.ModelForm):
    """A model form that carries the version it was loaded at and an optional change reason.

    The edit view compares `version` with the stored `updated_at` under a row lock, so a
    concurrent edit is refused instead of silently overwritten.

    Given the acting `user` (the edit views always pass it), its model-choice fields are
    restricted by `restrict_form_fields` before the form is rendered or validated, after
    the subclass has set its querysets.
    """

    version = VersionField()
    change_reason = forms.CharField(
        label=_("Grund der Änderung"),
        required=False,
        max_length=100,
        help_text=_("Optional; erscheint in der Änderungshistorie."),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self._fields_restricted = user is None
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def _restrict_once(self) -> None:
        if not self._fields_restricted:
            self._fields_restricted = True
            restrict_form_fields(self, self.user, "change" if self.instance.pk else "add")

    def __getitem__(self, name):
        self._restrict_once()
        return super().__getitem__(name)

    def full_clean(self):
        self._restrict_once()
        super().full_clean()

    def m2m_data(self) -> dict:
        """The many-to-many values the form edits, as the save services take them."""
        return {
            field.name: self.cleaned_data[field.name]
            for field in self.instance._meta.many_to_many
            if field.name in self.fields and field.name in self.cleaned_data
        }


class PlainOptionsMixin:
    """Render a select in Python: the HTML of Django's widget templates without rendering
    one template per option, which dominates a page with long lists (filter bars)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # each part built by format_html
        )


class PlainSelect(PlainOptionsMixin, forms.Select):
    pass


class ComboboxMixin:
    """Opt a select into the type-ahead combobox of static/js/combobox.js.

    The select stays what the form posts and what users without JavaScript see; the script
    reads `data-fb15-combobox` (its German messages, rendered in the request's language,
    so the script needs no translation catalogue of its own) and lays the combobox over it.
    Meant for long lists (people, units, measures, trends, goals), not for short ones.
    """

    messages = {
        "none": _("Keine Treffer"),
        "one": _("1 Treffer"),
        "many": _("{count} Treffer"),
        "selected": _("„{name}“ ausgewählt"),
        "removed": _("„{name}“ entfernt"),
        "remove": _("{name} entfernen"),
        "chips": _("Ausgewählt: {label}"),
    }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        texts = {key: str(text) for key, text in self.messages.items()}
        context["widget"]["attrs"]["data-fb15-combobox"] = json.dumps(texts, ensure_ascii=False)
        return context


class ComboboxSelect(ComboboxMixin, PlainOptionsMixin, forms.Select):
    pass


class ComboboxSelectMultiple(ComboboxMixin, PlainOptionsMixin, forms.SelectMultiple):
    pass


class UserChoiceField(forms.ModelChoiceField):
    widget = ComboboxSelect

    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = ComboboxSelectMultiple

    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class DivisionForm(DomainForm):
    class Meta:
        model = Division
        fields = ["number", "name", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            last = Division.objects.order_by("-position").first()
            self.initial.setdefault("position", last.position + 1 if last else 1)


class OrgUnitForm(DomainForm):
    lead = UserChoiceField(
        label=_("Leitung"), queryset=User.objects.filter(is_active=True), required=False
    )
    deputies = UserMultipleChoiceField(
        label=_("Stellvertretung"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Hat dieselben Rechte wie die Leitung. Mehrere möglich."),
    )
    members = UserMultipleChoiceField(
        label=_("Mitarbeitende"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Mehrere möglich."),
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "division", "email", "lead", "deputies", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.all()

    def clean_code(self) -> str:
        code = " ".join(self.cleaned_data["code"].split())
        if not code:
            raise forms.ValidationError(_("Bitte ein Kürzel angeben, z. B. „FB 32“."))
        return code

    def clean(self):
        cleaned = super().clean()
        lead, deputies = cleaned.get("lead"), cleaned.get("deputies") or []
        if lead and lead in deputies:
            self.add_error(
                "deputies",
                _("%(name)s ist bereits Leitung und kann nicht zugleich Stellvertretung sein.")
                % {"name": lead},
            )
        return cleaned


class CitySettingsForm(DomainForm):
    oparl_system_url = forms.URLField(
        label=CitySettings._meta.get_field("oparl_system_url").verbose_name,
        help_text=CitySettings._meta.get_field("oparl_system_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = CitySettings
        fields = [
            "city_name",
            "office_name",
            "logo",
            "email",
            "phone",
            "address",
            "oparl_system_url",
        ]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.svg"})}


class CommentForm(KernFormMixin, forms.Form):
    """Write or edit a comment (the rules again in `fb15.comments.clean_text`)."""

    comment = forms.CharField(
        label=_("Ihr Kommentar"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mit @Benutzername erwähnen Sie eine Person: Sie erhält eine E-Mail, wenn sie "
            "diese Seite sehen darf. Wer kommentiert, beobachtet die Seite automatisch."
        ),
        error_messages={
            "required": _("Bitte geben Sie einen Kommentar ein."),
            "max_length": _(
                "Ein Kommentar darf höchstens %(limit_value)d Zeichen lang sein "
                "(jetzt %(show_value)d)."
            ),
        },
    )


class ApiTokenForm(KernFormMixin, forms.Form):
    """A new personal access token for the JSON API (services.create_api_token checks it)."""

    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür ist das Token? z. B. „Projekttool FB 32“"),
    )
    scope = forms.ChoiceField(
        label=_("Berechtigung"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text=_(
            "„lesen und schreiben“ erlaubt Statusmeldungen, Messwerte und Meilensteine – "
            "nur dort, wo Sie selbst melden dürfen."
        ),
    )
    expires_on = forms.DateField(
        label=_("gültig bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Höchstens ein Jahr."),
    )
