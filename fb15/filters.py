"""The filter bar of every list: a GET form that narrows an already restricted queryset.

A subclass declares its fields; a field `x` narrows the queryset by `filter_x(queryset, value)`
where the form defines it, otherwise by `x=value`. Empty fields do not filter. Rendered by
templates/inc/list_filters.html; the CSV export of a list applies the same form.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .forms import KernFormMixin, PlainSelect


def with_all(choices) -> list[tuple[str, str]]:
    """Choices of a filter select, led by "alle" (no filter)."""
    return [("", _("alle")), *choices]


class FilterForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=_("Suche"), required=False)

    search_fields: tuple[str, ...] = ()  # the text search ("q"), case-insensitive; none: no field
    sort_fields: dict[str, str] = {}  # ?sort=key (or -key) → model field; none: queryset order

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        for field in self.fields.values():
            if type(field.widget) is forms.Select:  # options rendered without a template each
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        if not self.search_fields:
            del self.fields["q"]

    def apply(self, queryset):
        if self.is_valid():
            for name, value in self.cleaned_data.items():
                if value in ("", None, False):
                    continue
                narrow = getattr(self, f"filter_{name}", None)
                queryset = narrow(queryset, value) if narrow else queryset.filter(**{name: value})
        return queryset.order_by(*self.ordering()) if self.sort_fields else queryset

    def filter_q(self, queryset, term: str):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": term})
        return queryset.filter(condition)

    @property
    def current_sort(self) -> str:
        sort = (self.data.get("sort") or "").strip()
        return sort if sort.lstrip("-") in self.sort_fields else ""

    def ordering(self) -> list[str]:
        sort = self.current_sort
        if not sort:
            return ["code"]
        field = self.sort_fields[sort.lstrip("-")]
        return [f"-{field}" if sort.startswith("-") else field, "code"]
