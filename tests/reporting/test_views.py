"""Reporting: forbidden writes, the download (name, checksum), the archive's live updates."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import lifecycle, services
from reporting.models import Report, ReportSchedule, ReportStatus
from reporting.storage import report_storage

pytestmark = pytest.mark.django_db

WHO = [None, "strategist", "lead32", "council", "staff"]
READERS = {None: 302, "strategist": 200, "lead32": 200, "council": 200, "staff": 200}
STRATEGY_ONLY = {None: 302, "strategist": 200, "lead32": 403, "council": 403, "staff": 403}
# Failed reports are FB 15's business: readers do not even see them.
STRATEGY_ONLY_HIDDEN = {None: 302, "strategist": 302, "lead32": 404, "council": 404, "staff": 404}
# Plans are invisible to everyone but FB 15: unknown to readers, hence 404.
HIDDEN_FROM_READERS = {None: 302, "strategist": 200, "lead32": 404, "council": 404, "staff": 404}

# The status of every page per role is in tests/permissions/test_harness.py.


@pytest.fixture
def objects(world):
    # A finished report with a stored file (rendering is tested in test_services).
    done = services.request_report(actor=None, enqueue=False)
    services.claim_report(done.pk, "task-1")
    services._record_success(done, "task-1", b"%PDF-1.7 Bericht", timezone.now())
    # FB 15 releases it; the final rendering (here: stored bytes again) makes it readable.
    lifecycle.save_assessment(actor=world["strategist"], report=done, text="Im Plan.")
    lifecycle.release_report(actor=world["strategist"], report=done)
    services.claim_report(done.pk, "task-2")
    services._record_success(done, "task-2", b"%PDF-1.7 Bericht", timezone.now())
    failed = Report.objects.create(
        period_label="2026-Q1",
        period_starts_on="2026-01-01",
        period_ends_on="2026-03-31",
        status=ReportStatus.FAILED,
        error="Zeitüberschreitung – bitte erneut erzeugen",
    )
    schedule = ReportSchedule.objects.create(name="Quartalsbericht")
    return {**world, "done": done, "failed": failed, "schedule": schedule}


@pytest.mark.parametrize("who", WHO)
def test_only_the_strategy_team_may_queue_retry_or_change_plans(
    objects, client_for, who, django_capture_on_commit_callbacks
):
    client = client_for(objects[who] if who else None)
    before = Report.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("report_add"), {"scope_kind": "strategy", "period": "2026-Q3"})
        retried = client.post(reverse("report_retry", args=[objects["failed"].pk]))
    edited = client.post(
        reverse("reportschedule_edit", args=[objects["schedule"].pk]),
        {"name": "Umbenannt", "frequency": "monthly", "scope_kind": "strategy"},
    )
    deleted = client.post(reverse("reportschedule_delete", args=[objects["schedule"].pk]))
    objects["failed"].refresh_from_db()
    if who == "strategist":
        assert queued.status_code == retried.status_code == deleted.status_code == 302
        assert Report.objects.count() == before + 1
        assert objects["failed"].status == ReportStatus.DONE  # eager worker rendered it
        assert not ReportSchedule.objects.exists()
    else:
        assert queued.status_code == STRATEGY_ONLY[who]
        assert retried.status_code == STRATEGY_ONLY_HIDDEN[who]
        assert edited.status_code == deleted.status_code == HIDDEN_FROM_READERS[who]
        assert Report.objects.count() == before
        assert objects["failed"].status == ReportStatus.FAILED
        assert ReportSchedule.objects.filter(name="Quartalsbericht").exists()


def test_readers_see_only_finished_reports(objects, client_for):
    page = client_for(objects["council"]).get(reverse("report_list")).content.decode()
    assert "PDF herunterladen" in page
    assert "Zeitüberschreitung" not in page and "Erneut erzeugen" not in page
    page = client_for(objects["strategist"]).get(reverse("report_list")).content.decode()
    assert "Zeitüberschreitung – bitte erneut erzeugen" in page and "Erneut erzeugen" in page


def test_download_has_the_report_name_and_the_stored_checksum(objects, client_for):
    report = objects["done"]
    report.refresh_from_db()
    response = client_for(objects["council"]).get(reverse("report_download", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="Statusbericht_Digitalstrategie_{report.period_label}.pdf"'
    )
    assert hashlib.sha256(response.content).hexdigest() == report.sha256


def test_a_changed_file_is_refused_with_a_german_page_and_logged(objects, client_for, caplog):
    report = objects["done"]
    report.refresh_from_db()
    with open(report_storage().path(report.file.name), "ab") as handle:
        handle.write(b"manipuliert")
    response = client_for(objects["council"]).get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 409
    assert "Prüfsumme" in response.content.decode()
    assert any("Prüfsumme" in record.getMessage() for record in caplog.records)


def test_the_archive_polls_only_while_a_report_is_in_progress(objects, client_for):
    client = client_for(objects["strategist"])
    assert 'hx-trigger="every 3s"' not in client.get(reverse("report_list")).content.decode()
    services.request_report(actor=objects["strategist"], enqueue=False)
    page = client.get(reverse("report_list")).content.decode()
    assert 'hx-trigger="every 3s"' in page and "in Warteschlange" in page
    partial = client.get(reverse("report_list"), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("{#") is False and "<html" not in partial
    assert 'id="list-table"' in partial


def test_dashboard_shows_charts_with_tables_and_changes(objects, client_for):
    page = client_for(objects["council"]).get(reverse("report_dashboard")).content.decode()
    assert page.count("fb15-report-chart") >= 4 and page.count("<desc") == 4
    assert "Ampeln je Handlungsfeld (Tabelle)" in page
    assert "Änderungen seit dem letzten Bericht" in page
    assert "Pilot live" in page
    assert "Geheime Maßnahme" not in page


def test_start_page_shows_lagebild_to_council_and_missing_updates_to_leads(objects, client_for):
    council_home = client_for(objects["council"]).get("/").content.decode()
    assert "Lagebild Digitalstrategie" in council_home
    lead_home = client_for(objects["lead32"]).get("/").content.decode()
    assert "Lagebild Digitalstrategie" not in lead_home
    # The lead's duty is the inbox's task, leading to where it is done.
    assert re.search(r"\d+ Statusmeldung(?:en)? für \S+ fällig", lead_home)
    assert f'href="{reverse("my_unit")}"' in lead_home


@pytest.mark.parametrize("size", [2, 20])
def test_dashboard_query_count_does_not_grow_with_measures(
    personas, client_for, size, django_assert_max_num_queries
):
    from .conftest import report_world

    world = report_world(personas, measures_per_goal=size)
    client = client_for(world["council"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("report_dashboard")).status_code == 200


def test_without_a_strategy_the_lagebild_says_so_and_the_start_page_works(personas, client_for):
    client = client_for(personas["strategist"])
    assert client.get("/").status_code == 200
    page = client.get(reverse("report_dashboard")).content.decode()
    assert "Es gibt noch keine Strategie" in page
