"""What concerns a unit lead's units: trends assigned to them and standards in force, with
what is new or changed since the lead last looked. Feeds the start page and the news page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fb15.home import HomeSection
from fb15.models import OrgUnit
from fb15.permissions import units_managed_by

from .models import NewsSeen, Standard, Trend, ring_moves

HOME_LIMIT = 5  # news items on the start page, trends first


@dataclass
class UnitNews:
    units: list[OrgUnit]
    seen_at: object
    trends: list[Trend]
    standards: list[Standard]
    new_trends: list[Trend]
    new_standards: list[Standard]

    @property
    def new_count(self) -> int:
        return len(self.new_trends) + len(self.new_standards)


def unit_news(user) -> UnitNews | None:
    """None for users who lead no unit."""
    units = list(OrgUnit.objects.filter(pk__in=units_managed_by(user)).order_by("code"))
    if not units:
        return None
    seen = NewsSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()
    trends = list(
        Trend.objects.restrict(user, "view")
        .filter(units__in=units)
        .distinct()
        .prefetch_related("units")
        .order_by("-updated_at")
    )
    moves = ring_moves(t.pk for t in trends)
    for trend in trends:
        trend.moves = moves.get(trend.pk, [])
        trend.last_move = trend.moves[-1] if trend.moves else None
    standards = list(
        Standard.objects.restrict(user, "view").in_force().order_by("-updated_at", "code")
    )
    # On a first visit nothing counts as new: everything would be.
    new_trends = [t for t in trends if seen and t.updated_at > seen]
    new_standards = [s for s in standards if seen and s.updated_at > seen]
    for item in new_trends + new_standards:
        item.is_new = True
    return UnitNews(units, seen, trends, standards, new_trends, new_standards)


def home_section(request) -> HomeSection | None:
    """'Neu für Ihren Fachbereich' on the start page (registered in apps.py)."""
    news = unit_news(request.user)
    if news is None:
        return None
    # Before the lead has ever marked the news as read, nothing counts as new (everything
    # would): the section shows the latest changes instead.
    first_visit = news.seen_at is None
    trends = (news.trends if first_visit else news.new_trends)[:HOME_LIMIT]
    standards = (news.standards if first_visit else news.new_standards)[: HOME_LIMIT - len(trends)]
    return HomeSection(
        template="standards/home_news.html",
        title=_("Neu für Ihren Fachbereich"),
        context={
            "news": news,
            "trends": trends,
            "standards": standards,
            "first_visit": first_visit,
            "more": news.new_count - len(trends) - len(standards),
        },
    )
