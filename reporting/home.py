"""Start-page section: a compact Lagebild.

The leads' status-update section belongs to measures (measures/home.py), which owns status
updates; registering one here as well showed "Statusmeldungen" twice on the start page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fb15.home import HomeSection
from fb15.models import Role


def lagebild_section(request) -> HomeSection | None:
    """For the strategy team and the council: the traffic lights at a glance."""
    user = request.user
    if not user.has_perm("reporting.view_report") or not (
        user.is_superuser
        or user.groups.filter(name__in=[Role.STRATEGY_TEAM, Role.COUNCIL]).exists()
    ):
        return None
    from .views import dashboard_data

    data = dashboard_data(lists=False)
    if data is None:
        return None
    return HomeSection(
        template="reporting/home_lagebild.html",
        title=_("Lagebild Digitalstrategie"),
        context={"data": data},
    )
