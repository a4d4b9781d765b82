"""What of standards the header search finds (fb15/search.py runs the search)."""

from django.utils.translation import gettext_lazy as _

from fb15.search import SearchIndex, register_search_index


def _exemption_code(exemption) -> str:
    return f"{exemption.unit.code} · {exemption.standard.code}"


register_search_index(
    SearchIndex(
        key="standard",
        label=_("Standard"),
        label_plural=_("Standards"),
        model_label="standards.Standard",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description", "references"),
        code_fields=("code",),
        code=lambda standard: standard.code,
        position=50,
    )
)


register_search_index(
    SearchIndex(
        key="ausnahme",
        label=_("Ausnahme"),
        label_plural=_("Ausnahmen"),
        model_label="standards.Exemption",
        title_field="standard__title",
        title_fields=("standard__title", "standard__code", "unit__code"),
        text_fields=("justification", "decision_reason"),
        select_related=("unit", "standard"),
        code=_exemption_code,
        position=55,
    )
)


register_search_index(
    SearchIndex(
        key="trend",
        label=_("Trend"),
        label_plural=_("Trends"),
        model_label="standards.Trend",
        title_field="title",
        title_fields=("title",),
        text_fields=("description", "rationale"),
        position=60,
    )
)
