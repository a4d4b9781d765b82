"""What of strategy the header search finds (fb15/search.py runs the search)."""

from django.utils.translation import gettext_lazy as _

from fb15.search import SearchIndex, register_search_index

register_search_index(
    SearchIndex(
        key="handlungsfeld",
        label=_("Handlungsfeld"),
        label_plural=_("Handlungsfelder"),
        model_label="strategy.FieldOfAction",
        title_field="title",
        title_fields=("title",),
        text_fields=("description",),
        position=10,
    )
)


register_search_index(
    SearchIndex(
        key="ziel",
        label=_("Ziel"),
        label_plural=_("Ziele"),
        model_label="strategy.Goal",
        title_field="title",
        title_fields=("title",),
        text_fields=("description",),
        position=20,
    )
)
