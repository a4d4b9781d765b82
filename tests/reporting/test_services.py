"""Reports: data in bounded queries, one render per report, failures, the update cycle."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from fb15.history import save_with_history
from fb15.models import Notification
from measures.models import ReportingPeriod
from measures.services import ensure_quarter, file_status_update, lock_period
from reporting import lifecycle, notifications, pdf, periods, report_data, services, tasks
from reporting.models import Report, ReportSchedule, ReportStatus, ScopeKind
from tests.factories import MeasureFactory

from .conftest import released_before, report_world

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """All text of a PDF, with WeasyPrint's hyphenation (U+2010 at line ends) undone."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u2010\n", "").replace("\u00ad", "")


def render(report: Report) -> bytes:
    assert services.run_report(report.pk) == "done"
    report.refresh_from_db()
    return services.verify_file(report)


@pytest.mark.parametrize("per_goal", [2, 30])
def test_report_data_is_read_with_a_fixed_number_of_queries(
    personas, per_goal, django_assert_max_num_queries
):
    world = report_world(personas, measures_per_goal=per_goal)
    # One of them reads the city's settings, two the trend, one the milestones moved.
    with django_assert_max_num_queries(20):
        data = report_data.gather_report_data(
            period=periods.quarter_period(timezone.localdate()), reporting_period=world["period"]
        )
    assert len(data.measures) == 2 * per_goal


def test_pdf_lists_measures_traffic_lights_status_text_and_changes(world, weasyprint_errors):
    strategist = world["strategist"]
    earlier = released_before(world)
    assert earlier.pk
    amber = world["measures"][1]  # filed "amber" by the fixture
    file_status_update(
        actor=strategist,
        subject=amber,
        period=world["period"],
        traffic_light="red",
        progress=15,
        status="in_progress",
        summary="Verzug beim Dienstleister",
    )
    report = services.request_report(actor=strategist, enqueue=False)
    text = pdf_text(render(report))
    assert "Statusbericht Digitalstrategie" in text
    assert "M-1.1-01" in text and "M-2.1-02" in text
    assert "Verzug beim Dienstleister" in text
    assert "grün" in text and "gelb" in text and "rot" in text
    assert "Änderungen seit dem letzten Bericht" in text
    assert "Ampel gelb → rot" in text
    assert "Ampeln je Handlungsfeld (Anzahl der Maßnahmen)" in text  # the chart's visible title
    assert "Pilot live" in text  # overdue milestone
    assert "Online-Anteil" in text  # indicator below its path
    assert "Geheime Maßnahme" not in text
    report.refresh_from_db()
    assert report.download_name == f"Statusbericht_Digitalstrategie_{report.period_label}.pdf"
    assert len(report.sha256) == 64 and report.size > 1000 and report.duration is not None


def test_pdf_is_tagged_german_with_metadata_and_bookmarks(world, weasyprint_errors):
    content = render(services.request_report(actor=None, enqueue=False))
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title.startswith("Statusbericht Digitalstrategie")
    # The city's settings name the author; a fresh instance has the defaults.
    author = "Stadtverwaltung – FB 15 – Digitale Verwaltung und IT-Steuerung"
    assert reader.metadata.author == author
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Zusammenfassung" in titles
    assert "Änderungen seit dem letzten Bericht" in titles


def test_field_and_unit_reports_hold_only_their_measures_and_are_named_for_them(world):
    field_report = services.request_report(
        actor=None, scope_kind=ScopeKind.FIELD, field_of_action=world["fields"][1], enqueue=False
    )
    text = pdf_text(render(field_report))
    assert "M-2.1-01" in text and "M-1.1-01" not in text
    assert field_report.download_name.startswith("Statusbericht_Handlungsfeld-2_")
    unit_report = services.request_report(
        actor=None, scope_kind=ScopeKind.UNIT, unit=world["unit32"], enqueue=False
    )
    text = pdf_text(render(unit_report))
    assert "M-1.1-01" in text and "M-1.1-02" not in text  # -02 belongs to FB 50
    assert unit_report.download_name.startswith("Statusbericht_FB-32_")


def test_locked_period_is_reported_as_it_was_locked(world):
    measure = world["measures"][0]  # green
    lock_period(world["period"])
    file_status_update(
        actor=world["strategist"],
        subject=measure,
        period=world["period"],
        traffic_light="red",
        progress=5,
        status="in_progress",
        summary="Nach der Sperre geändert",
    )
    data = report_data.gather_report_data(
        period=periods.quarter_period(timezone.localdate()),
        reporting_period=ReportingPeriod.objects.get(pk=world["period"].pk),
    )
    row = next(m for m in data.measures if m.pk == measure.pk)
    assert data.is_locked
    assert row.traffic_light == "green"
    assert row.summary != "Nach der Sperre geändert"


def test_duplicate_delivery_renders_once_and_keeps_one_file(world, monkeypatch, media):
    calls = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: calls.append(1) or real(html))
    report = services.request_report(actor=None, enqueue=False)
    assert tasks.render_report(report.pk) == "done"
    assert tasks.render_report(report.pk) == "skipped"
    assert len(calls) == 1
    assert len(list((media / "reports").iterdir())) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 1


def test_a_permanent_error_is_recorded_and_the_report_can_be_generated_again(world, monkeypatch):
    def broken(html):
        raise ValueError("Schriftart fehlt")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    report = services.request_report(actor=None, enqueue=False)
    assert tasks.render_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "Schriftart fehlt" in report.error
    monkeypatch.undo()
    assert services.retry_report(actor=world["strategist"], report=report)
    assert services.run_report(report.pk) == "done"


def test_a_transient_error_requeues_the_report_for_a_retry(world, monkeypatch):
    from django.db import OperationalError

    def flaky(html):
        raise OperationalError("Verbindung verloren")

    monkeypatch.setattr(pdf, "html_to_pdf", flaky)
    report = services.request_report(actor=None, enqueue=False)
    with pytest.raises(OperationalError):
        services.run_report(report.pk, transient=tasks.TRANSIENT_ERRORS, final_attempt=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert services.run_report(report.pk, transient=tasks.TRANSIENT_ERRORS) == "failed"


def test_a_report_running_too_long_fails_with_a_hint_and_is_never_finished_late(world):
    report = services.request_report(actor=None, enqueue=False)
    assert services.claim_report(report.pk, "task-1")
    # Within the time the broker needs to redeliver a dead worker's task, nothing happens.
    soon = timezone.now() + services.redelivery_deadline() - datetime.timedelta(minutes=1)
    assert services.fail_stuck_reports(soon) == 0
    later = timezone.now() + services.redelivery_deadline() + datetime.timedelta(minutes=1)
    assert services.fail_stuck_reports(later) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error == services.STUCK_ERROR
    # The worker that was thought dead finishes after all: its result is discarded.
    assert services._record_success(report, "task-1", b"%PDF-late", timezone.now()) == "skipped"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.file


def test_the_url_fetcher_serves_only_our_static_files():
    fetcher = pdf.static_fetcher()
    assert fetcher.fetch("fbstatic:css/report.css").read().startswith(b"/*")
    for url in (
        "file:///etc/passwd",
        "https://example.org/x.css",
        "fbstatic:../../etc/passwd",
        "fbstatic:css/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_reminders_go_to_leads_before_the_reporting_date_once(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    world = report_world(personas)
    period = world["period"]
    next_period = ensure_quarter(period.ends_on + datetime.timedelta(days=1))
    day = next_period.reporting_date - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_reminders(day) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_reminders(day) == 0
    to_lead32 = next(m for m in mailoutbox if m.to == ["leitung32@stadt.example"])
    assert "Erinnerung: Statusmeldungen" in to_lead32.subject
    assert "M-1.1-01 Onlinedienst 1-1" in to_lead32.body
    assert "M-1.1-02" not in to_lead32.body  # FB 50's
    assert len(mailoutbox) == 2


def test_after_the_grace_period_missing_updates_are_escalated_and_the_period_locked(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    world = report_world(personas)
    period = world["period"]
    project = world["project"]  # never reported
    day = period.closes_on + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_update_cycle(day)
    assert result["escalations"] >= 1 and result["locked"] >= 1
    mail = next(m for m in mailoutbox if period.label in m.subject)
    assert mail.to == ["strategie@stadt.example"]
    assert "Eskalation" in mail.subject
    assert f"{project.code} {project.title}" in mail.body
    assert "FB 32" in mail.body
    period.refresh_from_db()
    assert period.locked_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_update_cycle(day)["escalations"] == 0


def test_fb15_is_told_of_the_draft_and_everyone_only_of_the_release(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    report = services.request_report(actor=None, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_report(report.pk)
    assert [mail.to for mail in mailoutbox] == [["strategie@stadt.example"]]
    assert "Entwurf zur Freigabe" in mailoutbox[0].subject
    assert reverse("report_detail", args=[report.pk]) in mailoutbox[0].body
    assert not Notification.objects.filter(key=f"report:{report.pk}").exists()

    strategist = world["strategist"]
    lifecycle.save_assessment(actor=strategist, report=report, text="Im Plan.")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.release_report(actor=strategist, report=report)
        services.run_report(report.pk)
    notice = mailoutbox[-1]
    assert sorted(notice.to) == ["rat@stadt.example", "strategie@stadt.example"]
    assert "Neuer Statusbericht" in notice.subject
    assert Notification.objects.filter(key=f"report:{report.pk}").count() == 1


def test_a_schedule_keeps_its_beat_entry_in_step(world):
    from reporting.forms import ReportScheduleForm

    form = ReportScheduleForm(
        data={
            "name": "Quartalsbericht",
            "frequency": "quarterly",
            "scope_kind": "unit",
            "unit": world["unit32"].pk,
            "reporting_day": 10,
            "reminder_days": 14,
            "grace_days": 7,
            "notify_council": "on",
            "extra_recipients": "buero@stadt.example",
            "is_active": "on",
        }
    )
    assert form.is_valid(), form.errors
    schedule = services.save_schedule(form.save(commit=False), actor=world["strategist"])
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.task == "reporting.run_schedule" and task.enabled
    assert json.loads(task.kwargs) == {"schedule_id": schedule.pk}
    assert task.crontab.month_of_year == "1,4,7,10" and task.crontab.day_of_month == "10"
    schedule.frequency, schedule.is_active = "monthly", False
    services.sync_schedule(schedule)
    task.refresh_from_db()
    assert task.crontab.month_of_year == "*" and not task.enabled
    services.delete_schedule(actor=world["strategist"], schedule=schedule)
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


def test_a_scheduled_run_reports_the_period_just_ended_once(
    world, django_capture_on_commit_callbacks
):
    schedule = ReportSchedule.objects.create(name="Monatsbericht", frequency="monthly")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_schedule(schedule.pk, today=datetime.date(2026, 8, 10))
    again = services.run_schedule(schedule.pk, today=datetime.date(2026, 8, 11))
    assert first.pk == again.pk
    first.refresh_from_db()
    assert first.period_label == "2026-07" and first.status == ReportStatus.DONE


def test_periodic_jobs_have_a_name_schedule_and_expiry():
    import importlib

    from django.apps import apps

    # Run the data migration again (idempotent; a transactional test may have flushed it).
    importlib.import_module("reporting.migrations.0002_periodic_jobs").schedule(apps, None)
    importlib.import_module("reporting.migrations.0004_notification_retry_job").schedule(apps, None)
    importlib.import_module("fb15.migrations.0004_mail_retry_job").schedule(apps, None)
    jobs = PeriodicTask.objects.filter(task__startswith="reporting.") | PeriodicTask.objects.filter(
        task__startswith="fb15."
    )
    assert {job.task for job in jobs} >= {
        "reporting.fail_stuck_reports",
        "reporting.update_cycle",
        "fb15.send_pending_notifications",
    }
    assert not PeriodicTask.objects.filter(task="reporting.send_pending_notifications").exists()
    assert all(job.expire_seconds and job.crontab and job.description for job in jobs)


def test_generate_report_prints_the_pdf_path(world):
    out = io.StringIO()
    call_command("generate_report", "--scope", "unit:FB-32", "--period", "2026-Q3", stdout=out)
    path = out.getvalue().strip()
    report = Report.objects.get()
    # The file name is the id and a slug of the download name, never the raw unit code.
    assert path.endswith(f"/reports/{report.pk:06d}-statusbericht_fb-32_2026-q3.pdf")
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_generate_report_fails_with_a_german_message(world, monkeypatch):
    with pytest.raises(CommandError, match="Unbekannter Umfang"):
        call_command("generate_report", "--scope", "galaxy")
    with pytest.raises(CommandError, match="Unbekannter Zeitraum"):
        call_command("generate_report", "--period", "Q3")
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: 1 / 0)
    with pytest.raises(CommandError, match="konnte nicht erzeugt werden"):
        call_command("generate_report", "--scope", "field:1")


def test_the_open_period_takes_the_grace_days_of_the_active_schedules(world):
    ReportSchedule.objects.create(name="Quartal", grace_days=10)
    ReportSchedule.objects.create(name="Alt", grace_days=30, is_active=False)
    services.run_update_cycle(timezone.localdate())
    world["period"].refresh_from_db()
    assert world["period"].grace_days == 10


def test_the_summary_names_decisions_and_red_measures_dates_old_sachstaende_and_units(world):
    measures, strategist = world["measures"], world["strategist"]
    file_status_update(
        actor=strategist,
        subject=measures[1],
        period=world["period"],
        traffic_light="amber",
        progress=10,
        status="in_progress",
        summary="Ausschreibung vorbereitet.",
        needs_decision=True,
        decision_note="Der Rat muss die Mittel für 2027 freigeben.",
    )
    late = MeasureFactory(
        goal=measures[0].goal, code="M-1.1-09", title="Späte Maßnahme", owner=world["unit50"]
    )
    file_status_update(
        actor=strategist,
        subject=late,
        period=world["previous"],
        traffic_light="green",
        progress=5,
        status="in_progress",
        summary="Vorbereitung läuft.",
    )
    text = pdf_text(render(services.request_report(actor=None, enqueue=False)))
    # The chapter, after the table of contents (whose last line is the annex).
    start = text.index("Zusammenfassung", text.index("Anhang: alle Maßnahmen"))
    summary = text[start : text.index("Ampeln je Handlungsfeld", start)]
    assert "Entscheidungsbedarf" in summary
    assert "M-1.1-02 Onlinedienst 1-2 (FB 50): Der Rat muss die Mittel für 2027 freigeben." in (
        " ".join(summary.split())
    )
    assert "Kritisch (Ampel rot)" in summary and "Sachstand Text M-2.1-01" in summary
    assert f"Sachstand {world['previous'].label}: Vorbereitung läuft." in " ".join(text.split())
    # Units are named by code in the tables; the annex says which unit each code is.
    annex = " ".join(text[text.rindex("Fachbereiche") :].split())
    assert "FB 32 Sicherheit und Ordnung" in annex and "FB 50 Soziales und Integration" in annex


def test_changes_since_the_last_report_come_grouped_most_important_first(world):
    strategist, (green, amber, red, other) = world["strategist"], world["measures"]
    other.planned_end = datetime.date(2027, 6, 30)
    save_with_history(other, actor=strategist)
    small = MeasureFactory(goal=green.goal, code="M-1.1-05", title="Kleine Maßnahme")
    released_before(world)

    def report(measure, **values):
        values = {"traffic_light": "green", "progress": 50, "status": "in_progress", **values}
        file_status_update(
            actor=strategist, subject=measure, period=world["period"], summary="Neu.", **values
        )

    report(green, traffic_light="red")
    report(amber, status="done", progress=100)
    report(red, traffic_light="red", status="on_hold")
    other.planned_end = datetime.date(2027, 12, 31)
    save_with_history(other, actor=strategist)
    report(small, progress=20)

    text = " ".join(pdf_text(render(services.request_report(actor=None, enqueue=False))).split())
    chapter = text[text.index("die wichtigen zuerst") :]
    groups = ["Neu auf Rot (1)", "Abgeschlossen (1)", "Zurückgestellt oder verworfen (1)"]
    groups += ["Termin verschoben (1)"]
    positions = [chapter.index(group) for group in groups]
    assert positions == sorted(positions)
    assert "M-1.1-01 Onlinedienst 1-1: Ampel grün → rot" in chapter
    assert "geplantes Ende 30.06.2027 → 31.12.2027" in chapter
    assert "Dazu 1 weitere Änderung (Fortschritt, Status oder Termin)" in chapter
    annex = text[text.rindex("Weitere Änderungen seit dem letzten Bericht") :]
    assert "M-1.1-05 Kleine Maßnahme" in annex and "Fortschritt 0 → 20 %" in annex


def test_a_priority_report_shows_only_the_high_priority_measures_and_their_projects(
    world, client_for, django_capture_on_commit_callbacks
):
    high = world["measures"][0]  # linked to the project P-2026-01
    high.priority = "high"
    save_with_history(high, actor=world["strategist"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["strategist"]).post(
            reverse("report_add"),
            {"scope_kind": "strategy", "period": world["period"].label, "priority_only": "on"},
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.priority_only and report.scope_label.endswith(", nur Priorität hoch")
    text = " ".join(pdf_text(services.verify_file(report)).split())
    assert "nur Maßnahmen mit Priorität hoch und ihre Projekte" in text
    assert high.code in text and "P-2026-01" in text
    assert not any(m.code in text for m in world["measures"][1:])


def test_the_cover_names_the_council_paper_the_report_is_linked_to(world):
    from django.contrib.contenttypes.models import ContentType

    from fb15.models import CouncilPaper, CouncilPaperLink

    report = services.request_report(actor=None, enqueue=False)
    paper = CouncilPaper.objects.create(
        url="https://ris.example/oparl/paper/1",
        reference="FB 15/0042/WP18",
        name="Statusbericht Digitalstrategie 2026-Q3",
    )
    CouncilPaperLink.objects.create(
        paper=paper, content_type=ContentType.objects.get_for_model(Report), object_id=report.pk
    )
    text = " ".join(pdf_text(render(report)).split())
    cover = text[: text.index("Inhalt")]
    assert "Drucksache FB 15/0042/WP18 Statusbericht Digitalstrategie 2026-Q3" in cover
