"""Middleware of the security block: page-only Content-Security-Policy, idle sessions."""

from __future__ import annotations

import time

from csp.middleware import CSPMiddleware
from django.contrib.auth import SESSION_KEY

# Session key of the last time the session's expiry was pushed forward (epoch seconds).
LAST_SEEN = "fb15_last_seen"
# Push the expiry forward at most this often: one session write a minute per user instead
# of one per request; the idle time is then exact to a minute.
REFRESH_SECONDS = 60


class PageCSPMiddleware(CSPMiddleware):
    """django-csp's middleware for HTML responses only.

    A policy means something to a browser only for a document it renders; downloads (PDF
    reports, CSV exports) leave it out, so the browser's PDF viewer is never restricted
    by a page policy (object-src 'none').
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(("text/html", "application/xhtml+xml")):
            response._csp_exempt = True
        return super().process_response(request, response)


def stamp_session(request) -> None:
    """Mark the session as seen now, so SessionMiddleware saves it with a fresh expiry."""
    request.session[LAST_SEEN] = int(time.time())


def stamp_session_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the login already saves the session, stamp it for free."""
    if request is not None and hasattr(request, "session"):
        stamp_session(request)


class IdleSessionMiddleware:
    """An idle timeout: a signed-in user's session expires SESSION_COOKIE_AGE after their
    last request (Django's SESSION_SAVE_EVERY_REQUEST, but writing at most once a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and session.get(SESSION_KEY) is not None:
            seen = session.get(LAST_SEEN)
            if not isinstance(seen, int) or time.time() - seen >= REFRESH_SECONDS:
                stamp_session(request)
        return self.get_response(request)
