"""A report a council member reads through: the summary names ten red items and counts the
rest; the annex lists missing status updates as codes per unit; contents and summary share a
page. Read back from the PDF."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from reporting import services
from tests.factories import MeasureFactory, ProjectFactory

from .conftest import report_world
from .test_services import pdf_text, render

pytestmark = pytest.mark.django_db


def summary_of(text: str) -> str:
    start = text.index("Zusammenfassung", text.index("Anhang: alle Maßnahmen"))
    return " ".join(text[start : text.index("Ampeln je Handlungsfeld", start)].split())


def test_the_summary_names_ten_red_measures_and_counts_the_others(personas):
    world = report_world(personas, measures_per_goal=18)  # 36 measures, every third red
    red = [m.code for index, m in enumerate(world["measures"]) if index % 3 == 2]
    assert len(red) == 12
    summary = summary_of(pdf_text(render(services.request_report(actor=None, enqueue=False))))
    assert [code for code in red if code in summary] == red[:10]
    assert (
        "2 weitere Maßnahmen und Projekte mit roter Ampel stehen mit Sachstand in den Kapiteln "
        "der Handlungsfelder und in der Projektübersicht." in summary
    )


def test_a_few_red_measures_are_all_named_without_a_count(world):
    summary = summary_of(pdf_text(render(services.request_report(actor=None, enqueue=False))))
    assert "Sachstand Text M-2.1-01" in summary  # the one red measure
    assert "weitere Maßnahme" not in summary


def test_missing_updates_are_listed_as_codes_per_unit_in_the_annex(world):
    MeasureFactory(
        goal=world["measures"][0].goal,
        code="M-1.1-99",
        title="Ohne Meldung",
        owner=world["unit50"],
    )
    content = render(services.request_report(actor=None, enqueue=False))
    text = pdf_text(content)
    annex = " ".join(text[text.index("Fehlende Statusmeldungen (") :].split())
    assert annex.startswith("Fehlende Statusmeldungen (2)")
    assert "FB 32 (1): P-2026-01" in annex  # the project without an update
    assert "FB 50 (1): M-1.1-99" in annex
    # Codes only: the title stands in the table of all measures above.
    assert "Ohne Meldung" not in annex[: annex.index("Fachbereiche")]
    assert "M-1.1-99 Ohne Meldung FB 50" in " ".join(text.split())


def test_contents_and_summary_share_the_second_page(world):
    pages = PdfReader(BytesIO(render(services.request_report(actor=None, enqueue=False)))).pages
    second = " ".join(pages[1].extract_text().split())
    assert "Inhalt" in second and "Zusammenfassung Die Einschätzung" in second


def test_the_project_overview_shows_red_projects_and_the_annex_all(world):
    from measures.services import file_status_update

    red = world["project"]
    quiet = ProjectFactory(code="P-2026-02", title="Ruhiges Projekt", owner=world["unit50"])
    file_status_update(
        actor=world["strategist"],
        subject=red,
        period=world["period"],
        traffic_light="red",
        progress=20,
        status="in_progress",
        summary="Der Dienstleister liefert nicht.",
    )
    text = " ".join(pdf_text(render(services.request_report(actor=None, enqueue=False))).split())
    overview = text[text.rindex("Projektübersicht") : text.rindex("Änderungen seit dem letzten")]
    assert "P-2026-01 Portal" in overview and "Der Dienstleister liefert nicht." in overview
    assert "P-2026-02" not in overview
    quiet_line = "1 weiteres Projekt ohne rote Ampel oder Entscheidungsbedarf steht im Anhang."
    assert quiet_line in overview
    annex = text[text.rindex("Alle Projekte") :]
    assert "P-2026-01 Portal FB 32 in Umsetzung · rot · 20 % ·" in annex
    assert f"P-2026-02 Ruhiges Projekt FB 50 {quiet.get_status_display()} · keine Meldung" in annex


def test_the_demo_quarterly_report_has_at_most_twelve_pages_before_the_annex(settings):
    from django.core.management import call_command

    from reporting.models import Report, ReportStatus

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    report = Report.objects.get(status=ReportStatus.DONE, released_at__isnull=False)
    pages = PdfReader(BytesIO(services.verify_file(report))).pages
    annex = next(
        number
        for number, page in enumerate(pages, start=1)
        if number > 2 and page.extract_text().lstrip().count("Anhang: alle Maßnahmen")
    )
    assert annex - 1 <= 12, f"{annex - 1} pages before the annex"
