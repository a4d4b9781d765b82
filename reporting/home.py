"""Start-page sections: the leads' missing status updates, and a compact Lagebild."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.home import HomeSection
from fb15.models import Role
from fb15.permissions import units_managed_by
from measures.models import Measure, Project, ReportingPeriod

HOME_LIMIT = 8


def status_updates_section(request) -> HomeSection | None:
    """For unit leads: progress of their units' status updates and what is still missing."""
    user = request.user
    period = ReportingPeriod.objects.current(timezone.localdate())
    if period is None or not units_managed_by(user).exists():
        return None
    items = []
    for model in (Measure, Project):
        items += list(
            model.objects.restrict(user, "change")
            .filter(owner__in=units_managed_by(user))
            .active()
            .order_by("code")
        )
    missing = [item for item in items if item.last_update_period_id != period.pk]
    return HomeSection(
        template="reporting/home_status_updates.html",
        title=_("Statusmeldungen %(period)s") % {"period": period.label},
        context={
            "period": period,
            "missing": missing[:HOME_LIMIT],
            "more": max(len(missing) - HOME_LIMIT, 0),
            "missing_count": len(missing),
            "reported": len(items) - len(missing),
            "total": len(items),
        },
    )


def lagebild_section(request) -> HomeSection | None:
    """For the strategy team and the council: the traffic lights at a glance."""
    user = request.user
    if not user.has_perm("reporting.view_report") or not (
        user.is_superuser
        or user.groups.filter(name__in=[Role.STRATEGY_TEAM, Role.COUNCIL]).exists()
    ):
        return None
    from .views import dashboard_data

    data = dashboard_data()
    if data is None:
        return None
    return HomeSection(
        template="reporting/home_lagebild.html",
        title=_("Lagebild Digitalstrategie"),
        context={"data": data},
    )
