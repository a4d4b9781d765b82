"""How lists are narrowed, ordered and paged; DRF loads these from the settings, so this
module must not import DRF's views (see REST_FRAMEWORK in fb15/settings.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, filters, pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages over changing data; `?page_size=` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
    invalid_cursor_message = gettext_lazy("Ungültiger Zeiger für die Seite (cursor).")


class FilterFormBackend(filters.BaseFilterBackend):
    """The list pages' filter forms (`view.filter_form_class`), so a filter means the same
    on the page, in its CSV export and in the API. Invalid values answer 400."""

    def filter_queryset(self, request, queryset, view):
        form_class = getattr(view, "filter_form_class", None)
        if form_class is None:
            return queryset
        form = form_class(request.query_params, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.apply(queryset)

    def get_schema_operation_parameters(self, view):
        form_class = getattr(view, "filter_form_class", None)
        if form_class is None:
            return []
        # The form's declared fields, without an instance: building one reads the database
        # (its choices), which schema generation (also in `check --deploy`) must not.
        fields = {
            name: field
            for name, field in form_class.base_fields.items()
            if name != "q" or form_class.search_fields
        }
        parameters = []
        for name, field in fields.items():
            schema = {"type": "string"}
            if isinstance(field, forms.ModelChoiceField | forms.IntegerField):
                schema = {"type": "integer"}
            elif isinstance(field, forms.ChoiceField):
                schema["enum"] = [str(value) for value, _label in field.choices if value != ""]
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": str(field.label),
                    "schema": schema,
                }
            )
        return parameters


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=field` or `-field`, among the view's `ordering_fields`."""
