"""The public portal: read-only pages and open data for anyone, without a login.

Every portal URL answers 404 while FB 15 has not switched the portal on. Pages read only
through `portal.public`, set no cookie (no session, no CSRF token, no messages) and are
cacheable: `Cache-Control: public` with an ETag, so a proxy or the browser asks again
cheaply. A signed-in visitor (who carries a session cookie) gets `private` instead, so a
shared cache never keeps a response that went with a cookie.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fb15.csv_export import csv_response
from fb15.models import city_settings
from fb15.views.generic import ObjectEditView
from reporting import charts
from reporting.services import verify_file

from . import opendata
from .forms import PortalSettingsForm
from .models import PortalSettings, portal_settings
from .public import public_reports, public_strategy, report_scope

MAX_AGE = 300  # seconds a cache may serve a portal page without asking again

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


def portal_view(view):
    """GET/HEAD only; 404 unless the portal is on; cache headers, ETag and 304 answers.
    The view is called with the portal's settings row."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        portal = portal_settings()
        if not portal.is_enabled:
            raise Http404
        response = view(request, portal, *args, **kwargs)
        signed_in = django_settings.SESSION_COOKIE_NAME in request.COOKIES
        visibility = {"private": True} if signed_in else {"public": True}
        patch_cache_control(response, max_age=MAX_AGE, **visibility)
        return response

    return conditional_get(wrapper)


def _page(request, template: str, portal: PortalSettings, current: str, **context):
    return render(
        request,
        template,
        {"portal": portal, "portal_current": current, **context},
    )


@portal_view
def home(request, portal):
    strategy = public_strategy(portal)
    return _page(
        request,
        "portal/home.html",
        portal,
        "home",
        public=strategy,
        report_count=public_reports().count(),
    )


@portal_view
def strategy(request, portal):
    strategy = public_strategy(portal)
    return _page(request, "portal/strategy.html", portal, "strategy", public=strategy)


@portal_view
def lagebild(request, portal):
    strategy = public_strategy(portal)
    bars = strategy.light_bars() if strategy is not None else []
    chart = charts.traffic_light_bars("portal-field", _("Ampeln je Handlungsfeld"), bars)
    return _page(
        request, "portal/lagebild.html", portal, "lagebild", public=strategy, chart=chart, bars=bars
    )


@portal_view
def reports(request, portal):
    rows = [(report, report_scope(report)) for report in public_reports()]
    return _page(request, "portal/reports.html", portal, "reports", reports=rows)


@portal_view
def report_download(request, portal, pk: int):
    """The released PDF exactly as released (its checksum is checked, as in the archive)."""
    report = get_object_or_404(public_reports(), pk=pk)
    content = verify_file(report)
    if content is None:
        raise Http404
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(False, report.download_name),
            "Last-Modified": http_date(report.released_at.timestamp()),
            "X-Content-SHA256": report.sha256,
        },
    )


@portal_view
def open_data(request, portal):
    return _page(
        request,
        "portal/open_data.html",
        portal,
        "open_data",
        public=public_strategy(portal),
        licence_uri=opendata.LICENCE_URI,
        licence_name=opendata.LICENCE_NAME,
    )


def _open_strategy(portal):
    strategy = public_strategy(portal)
    if strategy is None:
        raise Http404
    return strategy


@portal_view
def measures_csv(request, portal):
    strategy = _open_strategy(portal)
    return csv_response(
        "digitale-strategie-massnahmen.csv",
        opendata.csv_header(portal),
        opendata.csv_rows(strategy, portal),
    )


@portal_view
def measures_json(request, portal):
    strategy = _open_strategy(portal)
    response = JsonResponse(
        opendata.measures_json(strategy, portal, city_settings()),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = content_disposition_header(
        False, "digitale-strategie-massnahmen.json"
    )
    return response


@portal_view
def catalog(request, portal):
    """The DCAT-AP.de catalogue (JSON-LD) the city's open-data portal harvests."""
    strategy = _open_strategy(portal)
    absolute = request.build_absolute_uri
    urls = {
        "catalog": absolute(reverse("portal_catalog")),
        "portal": absolute(reverse("portal_home")),
        "open_data": absolute(reverse("portal_open_data")),
        "csv": absolute(reverse("portal_measures_csv")),
        "json": absolute(reverse("portal_measures_json")),
    }
    document = opendata.catalog(strategy=strategy, settings=portal, city=city_settings(), urls=urls)
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/ld+json; charset=utf-8",
    )


class PortalSettingsEditView(ObjectEditView):
    """FB 15 switches the portal on or off and decides what it shows."""

    model = PortalSettings
    form_class = PortalSettingsForm
    template_name = "portal/settings_edit.html"

    def get_object(self):
        if not self.request.user.has_perm("portal.change_portalsettings"):
            raise PermissionDenied
        if self.request.method != "POST":
            # A GET writes nothing; the row comes from migration 0001.
            return PortalSettings.objects.filter(pk=1).first() or PortalSettings()
        self.kwargs["pk"] = 1
        return PortalSettings.objects.get_or_create(pk=1)[0]


settings_edit = login_required(PortalSettingsEditView.as_view())
