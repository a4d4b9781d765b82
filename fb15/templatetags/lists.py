"""The cells of the generic list (templates/generic/inc/object_table.html)."""

from django import template

register = template.Library()


@register.filter
def cell(obj, column):
    """The value `column` (a fb15.views.generic.Column) shows for the row `obj`."""
    return column.value(obj)
