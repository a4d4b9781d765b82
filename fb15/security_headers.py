"""The Content-Security-Policy on the pages we render, not on the files we hand out."""

from __future__ import annotations

from csp.middleware import CSPMiddleware


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
