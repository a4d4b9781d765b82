"""`{% council_paper_section object as section %}`: what a page's „Drucksachen“ shows.

Used by templates/inc/council_papers.html on the pages of revisions, measures and reports;
the page read `object` through restrict(user, "view"). One query: the links with their
papers (the city's settings, for FB 15, come from the page's context). No network: the
beat job refreshes.
"""

from django import template
from django.urls import reverse

from fb15 import council
from fb15.models import city_settings

register = template.Library()


def _city(context):
    """The city's settings of the page's context (queried once for header and section)."""
    return context.get("city") or city_settings()


@register.simple_tag(takes_context=True)
def council_paper_section(context, subject) -> dict:
    user = context["request"].user
    entry = council.linkable_for(type(subject))
    may_link = council.may_link(user)
    links = list(council.links_of(subject))
    return {
        "links": links,
        # A revision names its council decision's Drucksache: offered for the first link.
        "suggestion": "" if links else getattr(subject, "decision_reference", ""),
        "may_link": may_link,
        "may_unlink": user.has_perm("fb15.delete_councilpaperlink"),
        "link_url": reverse("council_paper_link", args=[entry.key, subject.pk]),
        "is_configured": bool(_city(context).oparl_system_url) if may_link else True,
    }
