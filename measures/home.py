"""The start-page section of a unit lead: which status updates are due for the current cycle."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.home import HomeSection

from .models import Measure, Project, ReportingPeriod


def status_section(request) -> HomeSection | None:
    """Shown to people who report on their own measures or projects (not the strategy team)."""
    user = request.user
    if Measure.objects.holds(user, "change_structure"):
        return None  # the strategy team maintains every measure; it has the Lagebild
    period = ReportingPeriod.objects.current(timezone.localdate())
    measures = Measure.objects.restrict(user, "change").active()
    projects = Project.objects.restrict(user, "change").active()
    total = measures.count() + projects.count()
    if period is None or not total:
        return None
    missing = list(measures.needing_update(period).order_by("code")[:5]) + list(
        projects.needing_update(period).order_by("code")[:5]
    )
    open_count = measures.needing_update(period).count() + projects.needing_update(period).count()
    return HomeSection(
        template="measures/home_section.html",
        title=_("Statusmeldungen %(period)s") % {"period": period},
        context={
            "period": period,
            "total": total,
            "done": total - open_count,
            "open_count": open_count,
            "missing": missing,
        },
    )
