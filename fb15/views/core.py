"""Pages that are not about one kind of object: home, the CSRF failure page and the
operations health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fb15.home import first_steps, home_sections
from fb15.inbox import tasks_for
from fb15.models import OrgUnit, city_settings
from fb15.permissions import remembered_grants, units_managed_by


@login_required
def home(request):
    """Start page: the user's open tasks from every app (fb15/inbox.py) above everything
    else, the units whose work they manage, and the sections other apps register
    (fb15/home.py).

    The page only reads, and each provider restricts its own querysets: the user's grants
    are read once for all of them (remembered_grants)."""
    with remembered_grants():
        own_units = list(
            OrgUnit.objects.with_people().filter(pk__in=units_managed_by(request.user))
        )
        return render(
            request,
            "fb15/home.html",
            {
                "own_units": own_units,
                "first_steps": first_steps(request.user),
                "tasks": tasks_for(request),
                "home_sections": home_sections(request),
            },
        )


@require_GET
def city_logo(request):
    """The city's logo for the page header; public, as the login page shows it too.

    Served with a policy of its own: an SVG opened directly can run nothing.
    """
    logo = city_settings().logo
    if not logo:
        raise Http404
    try:
        response = FileResponse(logo.open("rb"))
    except FileNotFoundError:
        raise Http404 from None
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure means unhealthy; say which
        return f"error: {type(error).__name__}"


def _broker_state() -> str:
    from django.conf import settings

    from fb15.celery import app

    if not settings.REDIS_URL:
        return "not configured (tasks run eagerly)"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a German page instead of Django's English one (reason is logged
    by Django already)."""
    return render(request, "403_csrf.html", status=403)


@never_cache
@require_GET
def healthz(request):
    """Operations probe: 200 when the database (and a configured broker) answer, else 503."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(value == "ok" or value.startswith("not configured") for value in state.values())
    state["status"] = "ok" if healthy else "error"
    return JsonResponse(state, status=200 if healthy else 503)
