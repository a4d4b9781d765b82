"""What of measures the header search finds (fb15/search.py runs the search)."""

from django.utils.translation import gettext_lazy as _

from fb15.search import SearchIndex, register_search_index

register_search_index(
    SearchIndex(
        key="massnahme",
        label=_("Maßnahme"),
        label_plural=_("Maßnahmen"),
        model_label="measures.Measure",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description", "funding_source"),
        code_fields=("code",),
        code=lambda measure: measure.code,
        position=30,
    )
)


register_search_index(
    SearchIndex(
        key="projekt",
        label=_("Projekt"),
        label_plural=_("Projekte"),
        model_label="measures.Project",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description",),
        code_fields=("code",),
        code=lambda project: project.code,
        position=40,
    )
)
