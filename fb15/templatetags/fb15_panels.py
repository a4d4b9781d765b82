"""`{% object_panels object %}`: the boxes other apps registered for this object's page."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from fb15.panels import object_panels as panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    request = context.get("request")
    rendered = [
        render_to_string(panel.template, {"object": obj, **panel.context}, request=request)
        for panel in panels_for(request, obj)
    ]
    if not rendered:
        return ""
    # Each part is a template rendered with autoescape.
    return mark_safe(f'<div class="kern-stack-lg fb15-panels">{"".join(rendered)}</div>')
