"""PDF rendering: one Django template, WeasyPrint, and a fetcher serving only our files."""

from __future__ import annotations

import datetime
import mimetypes
import threading
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation

from fb15.models import city_settings

from .models import (
    Report,
)
from .report_data import ReportData, data_for_report

# Letters only: the manifest storage of collectstatic leaves URLs with such a scheme alone
# (a scheme with digits or "-" would be read as a relative path and break collectstatic).
STATIC_SCHEME = "fbstatic:"
# The city's logo (CitySettings.logo) on the title page.
CITY_LOGO_URL = "fbcity:logo"


def static_file(path: str) -> bytes | None:
    """A static file's content: the collected file when a manifest storage serves them
    (production, so the PDF uses what collectstatic wrote), else the source file."""
    if ".." in Path(path).parts:
        return None
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            name = staticfiles_storage.stored_name(path)
        except ValueError:  # not in the manifest
            return None
        if not staticfiles_storage.exists(name):
            return None
        with staticfiles_storage.open(name) as collected:
            return collected.read()
    found = finders.find(path)
    return Path(found).read_bytes() if found else None


def static_fetcher():
    """A WeasyPrint URL fetcher that serves only our static files ("fbstatic:css/x.css")
    and the city's logo (CITY_LOGO_URL).

    file://, http(s) and every other URL are refused (logged by WeasyPrint, not fetched).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url == CITY_LOGO_URL:
                logo = city_settings().logo
                if not logo:
                    raise ValueError("The city has no logo")
                with logo.open("rb") as file:
                    content = file.read()
                mime_type = mimetypes.guess_type(logo.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, content, headers={"Content-Type": mime_type})
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"Blocked URL in report: {url}")
            path = url[len(STATIC_SCHEME) :].lstrip("/")
            content = static_file(path)
            if content is None:
                raise ValueError(f"Static file not found: {path}")
            mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, content, headers={"Content-Type": mime_type})

    return StaticOnlyFetcher()


def report_html(data: ReportData) -> str:
    with translation.override("de"):
        return render_to_string("reporting/report_pdf.html", {"data": data})


_fonts = threading.local()


def font_config():
    """WeasyPrint's font configuration, one per thread and kept: the report's web fonts are
    decoded (WOFF2 to TrueType) and handed to fontconfig on the first render only, not on
    each (that took 0.7 s of CPU per report). The PDF still embeds a subset of each font."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=static_fetcher()).write_pdf(
        pdf_variant="pdf/ua-1", font_config=font_config()
    )


def render_report_pdf(report: Report) -> tuple[bytes, datetime.datetime]:
    data = data_for_report(report)
    return html_to_pdf(report_html(data)), data.as_of
