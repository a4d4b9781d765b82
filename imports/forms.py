"""Forms of the import: the file, the plan (kind per sheet, field per column), the value
words, the confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fb15.forms import KernFormMixin

from .engine import IGNORED
from .kinds import KINDS, ComplianceKind
from .models import WriteMode
from .vocabularies import VOCABULARIES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def kern_select():
    """The KERN select (fields added after KernFormMixin.__init__ get no class of their own)."""
    return forms.Select(attrs={"class": "kern-form-input__select"})


class UploadForm(KernFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=_(
            "Excel (.xlsx), LibreOffice (.ods) oder CSV; höchstens 20 MB. "
            "Oder ein OSCAL-Katalog (.json) mit Standards; höchstens 5 MB."
        ),
        error_messages={"required": _("Bitte wählen Sie eine Datei aus.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("Die Datei ist leer."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 20 MB."))
        return upload


def kind_choices():
    return [(IGNORED, _("– nicht importieren –")), *((n, k.label) for n, k in KINDS.items())]


def column_choices(kind_name: str):
    choices = [(IGNORED, _("– nicht importieren –"))]
    if not kind_name:
        return choices
    kind = KINDS[kind_name]
    choices += [(c.field, c.header + (" *" if c.required else "")) for c in kind.columns]
    if kind is ComplianceKind:
        choices.append((ComplianceKind.standard_field, _("Standard (Kennung in der Kopfzeile)")))
    return choices


def _samples(sheet: dict) -> list[str]:
    return sheet.get("samples") or [""] * len(sheet["headers"])


class PlanForm(KernFormMixin, forms.Form):
    """`kind-<sheet>` and `column-<sheet>-<header>` for the run's plan."""

    def __init__(self, *args, plan: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for index, sheet in enumerate(plan["sheets"]):
            self.fields[f"kind-{index}"] = forms.ChoiceField(
                label=_("Importart der Tabelle „%(sheet)s“") % {"sheet": sheet["name"]},
                choices=kind_choices(),
                initial=sheet["kind"],
                required=False,
                widget=kern_select(),
            )
            for position, header in enumerate(sheet["headers"]):
                self.fields[f"column-{index}-{position}"] = forms.ChoiceField(
                    label=_("Feld für Spalte „%(header)s“") % {"header": header or "–"},
                    choices=column_choices(sheet["kind"]),
                    initial=sheet["columns"][position],
                    required=False,
                    widget=kern_select(),
                )

    def sheets(self) -> list[dict]:
        """Each sheet with its bound fields, for the template."""
        return [
            {
                **sheet,
                "kind_field": self[f"kind-{index}"],
                "column_fields": [
                    (header, samples, self[f"column-{index}-{position}"])
                    for position, (header, samples) in enumerate(
                        zip(sheet["headers"], _samples(sheet), strict=True)
                    )
                ],
            }
            for index, sheet in enumerate(self.plan["sheets"])
        ]

    def clean(self):
        for index, sheet in enumerate(self.plan["sheets"]):
            kind = self.cleaned_data.get(f"kind-{index}") or IGNORED
            if kind != sheet["kind"]:
                continue  # a changed kind gets a fresh column match (see new_sheets)
            chosen = [
                self.cleaned_data.get(f"column-{index}-{p}") or IGNORED
                for p in range(len(sheet["headers"]))
            ]
            doubled = {
                f
                for f in chosen
                if f and f != ComplianceKind.standard_field and chosen.count(f) > 1
            }
            if doubled:
                labels = dict(column_choices(kind))
                self.add_error(
                    None,
                    _("Tabelle „%(sheet)s“: „%(field)s“ ist mehreren Spalten zugeordnet.")
                    % {"sheet": sheet["name"], "field": ", ".join(labels[f] for f in doubled)},
                )
        return self.cleaned_data

    def new_sheets(self) -> tuple[list[dict], bool]:
        """The plan's sheets as chosen, and whether a kind changed (then the columns are
        matched anew and shown again before checking)."""
        from .engine import match_columns

        sheets, kind_changed = [], False
        for index, sheet in enumerate(self.plan["sheets"]):
            kind = self.cleaned_data.get(f"kind-{index}") or IGNORED
            if kind != sheet["kind"]:
                kind_changed = True
                columns = (
                    match_columns(kind, sheet["headers"])
                    if kind
                    else [IGNORED] * len(sheet["headers"])
                )
            else:
                columns = [
                    self.cleaned_data.get(f"column-{index}-{p}") or IGNORED
                    for p in range(len(sheet["headers"]))
                ]
            sheets.append({**sheet, "kind": kind, "columns": columns})
        return sheets, kind_changed


class WordsForm(KernFormMixin, forms.Form):
    """One choice per unknown word of the dry run: `word-<vocabulary>-<n>`."""

    def __init__(self, *args, unknown: dict[str, list[str]], options: dict, **kwargs):
        """`options`: the choices per vocabulary as the dry run saw them (with the units the
        file itself creates)."""
        super().__init__(*args, **kwargs)
        self.words = []
        for name, words in unknown.items():
            vocabulary = VOCABULARIES[name]
            offered = options.get(name) or vocabulary.options()
            choices = [("", _("– bitte wählen –")), *(tuple(option) for option in offered)]
            for number, word in enumerate(words):
                key = f"word-{name}-{number}"
                self.fields[key] = forms.ChoiceField(
                    label=_("„%(word)s“ (%(what)s) bedeutet")
                    % {"word": word, "what": vocabulary.label},
                    choices=choices,
                    required=False,
                    widget=kern_select(),
                )
                self.words.append((key, name, word))

    def mapped(self) -> dict[str, dict[str, str]]:
        mapped: dict[str, dict[str, str]] = {}
        for key, name, word in self.words:
            if value := self.cleaned_data.get(key):
                mapped.setdefault(name, {})[word] = value
        return mapped


class ConfirmForm(KernFormMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("Übernehmen"),
        choices=WriteMode.choices,
        initial=WriteMode.ALL,
        widget=forms.RadioSelect,
    )
