"""Login protection around django-axes: the client's address, and the German lockout page.

The client's address counts only the reverse proxies we run.
Each proxy appends the address it received the request from to X-Forwarded-For, so behind
N trusted proxies the client is the N-th entry from the right; anything further left was
sent by the client itself and can be forged. Without proxies (LOGIN_PROXY_COUNT=0) only the
TCP peer counts. We do not use django-ipware's guess (it prefers a public address over a
private one, which in an intranet picks the forged entry).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address failed logins are counted against (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.LOGIN_PROXY_COUNT
    if proxies <= 0:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        # Reached us past the proxies (or a proxy that does not set the header).
        return peer
    return _valid(forwarded[-proxies]) or peer


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The German lockout page (AXES_LOCKOUT_CALLABLE), answered with 429.

    Every refused attempt during a lockout restarts the cool-off (axes'
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the wait is counted from now.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)),
        "unlocked_at": timezone.localtime() + cool_off,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(
        request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
