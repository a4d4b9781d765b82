"""The demo's public portal: switched on, with the demo's released report offered publicly."""

from fb15.demo import ensure
from fb15.models import User
from reporting.lifecycle import set_public
from reporting.models import Report

from .models import PortalSettings


def seed(log) -> None:
    ensure(PortalSettings, {"pk": 1}, {"is_enabled": True})
    if not Report.objects.public().exists():
        report = Report.objects.released().order_by("-released_at").first()
        if report is not None:
            strategist = User.objects.get(username="strategie")
            set_public(actor=strategist, report=report, is_public=True)
    log(f"Portal: eingeschaltet, {Report.objects.public().count()} öffentliche(r) Bericht(e)")
