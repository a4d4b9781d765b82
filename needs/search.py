"""What of needs the header search finds (fb15/search.py runs the search, restricted)."""

from django.utils.translation import gettext_lazy as _

from fb15.search import SearchIndex, register_search_index

register_search_index(
    SearchIndex(
        key="bedarf",
        label=_("Bedarfsmeldung"),
        label_plural=_("Bedarfsmeldungen"),
        model_label="needs.Need",
        title_field="title",
        title_fields=("title",),
        text_fields=("problem", "processes", "benefit"),
        position=35,
    )
)
