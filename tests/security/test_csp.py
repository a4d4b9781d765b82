"""The Content-Security-Policy header on pages; downloads (PDF, CSV) go without it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import Report

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src 'self'",
    "img-src 'self' data:",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
}


def directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def test_login_page_and_home_carry_the_policy(client, personas, client_for):
    assert directives(client.get(reverse("login"))) == POLICY
    response = client_for(personas["council"]).get(reverse("home"))
    assert response.status_code == 200 and directives(response) == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_have_no_inline_script_or_style(personas, client_for):
    page = client_for(personas["strategist"]).get(reverse("home")).content.decode()
    assert 'name="htmx-config"' in page and '"includeIndicatorStyles": false' in page
    assert "<style" not in page and " style=" not in page
    for chunk in page.split("<script")[1:]:
        assert " src=" in chunk.split(">", 1)[0], "every script is a file"


def test_pdf_download_goes_without_the_page_policy(personas, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.request_report(actor=None, enqueue=False)
    services.claim_report(report.pk, "task-1")
    services._record_success(report, "task-1", b"%PDF-1.7 Bericht", timezone.now())
    report = Report.objects.get(pk=report.pk)
    response = client_for(personas["strategist"]).get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response


def test_csv_export_goes_without_the_page_policy(personas, client_for):
    response = client_for(personas["council"]).get(reverse("measure_export"))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
