"""A report's life: rendered as a draft only FB 15 reads, assessed, released (rendered once
more, then announced), frozen; a correction is a new report naming what it corrects."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fb15.models import Notification
from reporting import lifecycle, services
from reporting.models import Report, ReportStatus
from reporting.periods import ReportError

from .conftest import released_before, report_world
from .test_services import pdf_text, render

pytestmark = pytest.mark.django_db

ASSESSMENT = (
    "Die Online-Anträge laufen gut. Kritisch ist die E-Akte; der Rat muss Mittel freigeben."
)


@pytest.fixture
def world(personas):
    return report_world(personas)


@pytest.fixture
def draft(world):
    report = services.request_report(actor=world["strategist"], enqueue=False)
    text = pdf_text(render(report))
    assert "Entwurf – nicht freigegeben".upper() in text.upper()
    assert "Die Einschätzung des FB 15 fehlt noch" in text
    return report


@pytest.fixture
def release(world, django_capture_on_commit_callbacks):
    """FB 15 assesses and releases `report`; the final rendering and the notice run here."""

    def assess_and_release(report) -> Report:
        lifecycle.save_assessment(actor=world["strategist"], report=report, text=ASSESSMENT)
        lifecycle.release_report(actor=world["strategist"], report=report)
        report.refresh_from_db()
        assert report.release_requested and report.status == ReportStatus.QUEUED
        with django_capture_on_commit_callbacks(execute=True):
            render(report)
        return report

    return assess_and_release


def test_a_draft_is_fb15s_alone(world, draft, client_for):
    council = client_for(world["council"])
    assert council.get(reverse("report_detail", args=[draft.pk])).status_code == 404
    assert council.get(reverse("report_download", args=[draft.pk])).status_code == 404
    assert draft.period_label not in council.get(reverse("report_list")).content.decode()
    page = client_for(world["strategist"]).get(reverse("report_detail", args=[draft.pk]))
    assert "Nur FB 15 sieht diesen Entwurf." in page.content.decode()
    assert "Entwurf lesen (PDF)" in page.content.decode()
    home = client_for(world["strategist"]).get(reverse("home")).content.decode()
    assert "1 Berichtsentwurf einschätzen und freigeben" in home


def test_release_needs_the_assessment_then_shows_it_and_announces_the_report(world, draft, release):
    with pytest.raises(ReportError, match="Einschätzung des FB 15"):
        lifecycle.release_report(actor=world["strategist"], report=draft)
    assert not Notification.objects.filter(key=f"report:{draft.pk}").exists()

    report = release(draft)
    assert report.is_released and report.released_by == world["strategist"]
    text = pdf_text(services.verify_file(report))
    assert "Einschätzung des FB 15" in text and "Kritisch ist die E-Akte" in text
    assert "ENTWURF" not in text.upper().replace("ENTWÜRF", "")
    assert Notification.objects.filter(key=f"report:{report.pk}").count() == 1
    reasons = list(report.history.values_list("history_change_reason", flat=True))
    assert "Einschätzung geschrieben" in reasons and "Freigabe angefordert" in reasons


def test_a_released_report_is_frozen(world, draft, client_for, release):
    report = release(draft)
    checksum, name = report.sha256, report.file.name
    with pytest.raises(ReportError, match="freigegebener Bericht"):
        lifecycle.save_assessment(actor=world["strategist"], report=report, text="Neu")
    with pytest.raises(ReportError, match="freigegebener Bericht"):
        lifecycle.release_report(actor=world["strategist"], report=report)
    response = client_for(world["strategist"]).post(
        reverse("report_assessment", args=[report.pk]), {"assessment": "Anders"}, follow=True
    )
    assert "Ein freigegebener Bericht kann nicht mehr geändert werden." in response.content.decode()
    report.refresh_from_db()
    assert (report.sha256, report.file.name, report.assessment) == (checksum, name, ASSESSMENT)


def test_a_correction_is_a_new_report_that_says_what_it_corrects(world, draft, client_for, release):
    original = release(draft)
    client = client_for(world["strategist"])
    response = client.post(reverse("report_correct", args=[original.pk]), {"note": ""})
    assert response.status_code == 422
    assert "Bitte beschreiben Sie, was berichtigt wird." in response.content.decode()

    note = "Der Sachstand von M-1.1-01 war vertauscht."
    response = client.post(reverse("report_correct", args=[original.pk]), {"note": note})
    correction = Report.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response["Location"] == correction.get_absolute_url()
    assert correction.replaces == original and correction.assessment == ASSESSMENT
    render(correction)
    correction = release(correction)
    text = pdf_text(services.verify_file(correction))
    assert "Berichtigt den Bericht vom" in text and note in text
    notice = Notification.objects.get(key=f"report:{correction.pk}")
    assert note in notice.body
    original.refresh_from_db()
    assert original.is_released and services.verify_file(original) is not None
    page = client_for(world["council"]).get(reverse("report_detail", args=[original.pk]))
    assert note in page.content.decode()  # "berichtigt durch" on the original


def test_only_fb15_assesses_releases_and_corrects(world, draft, client_for):
    for who in ("council", "lead32"):
        client = client_for(world[who])
        for name in ("report_assessment", "report_release", "report_correct"):
            response = client.post(reverse(name, args=[draft.pk]), {"assessment": "x"})
            assert response.status_code == 404  # a draft is not even readable for them
    with pytest.raises(PermissionDenied):
        lifecycle.save_assessment(actor=world["council"], report=draft, text="x")
    draft.refresh_from_db()
    assert draft.assessment == "" and draft.is_draft


def test_fb15_notes_a_single_measure_and_the_report_shows_it_under_it(
    world, draft, client_for, release
):
    quiet = world["measures"][3]  # green, medium priority: otherwise only in the annex
    client = client_for(world["strategist"])
    url = reverse("report_note", args=[draft.pk])
    response = client.post(url, {"text": "Ohne Maßnahme"})
    assert (
        response.status_code == 422
        and "Bitte wählen Sie eine Maßnahme." in response.content.decode()
    )
    response = client.post(url, {"measure": world["secret"].pk, "text": "Geheim"})
    assert response.status_code == 422  # confidential measures are not in the report
    note = "Wird im nächsten Quartal mit M-1.1-01 zusammengelegt."
    page = client.post(url, {"measure": quiet.pk, "text": note}, follow=True).content.decode()
    assert f"Anmerkung zu {quiet.code} gespeichert." in page and note in page

    # A report released before: nothing changed since, so only the note brings `quiet` in.
    released_before(world)
    released = release(Report.objects.get(pk=draft.pk))
    text = " ".join(pdf_text(services.verify_file(released)).split())
    chapters = text[: text.rindex("Anhang: alle Maßnahmen")]
    assert f"{quiet.code} {quiet.title}" in chapters
    assert f"Anmerkung des FB 15: {note}" in chapters
    response = client.post(url, {"measure": quiet.pk, "text": ""}, follow=True)
    assert "Ein freigegebener Bericht kann nicht mehr geändert werden." in response.content.decode()
