"""`{% object_panels object %}`: the boxes other apps registered for this object's page."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from fb15.panels import object_panels as panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    """Each box rendered in the page's own context (as an include is), so the context
    processors do not run again per box."""
    request = context.get("request")
    rendered = []
    for panel in panels_for(request, obj):
        with context.push(object=obj, **panel.context):
            rendered.append(get_template(panel.template).template.render(context))
    if not rendered:
        return ""
    # Each part is a template rendered with autoescape.
    return mark_safe(f'<div class="kern-stack-lg fb15-panels">{"".join(rendered)}</div>')
