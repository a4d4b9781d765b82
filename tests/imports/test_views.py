"""The import pages as FB 15 clicks through them; nobody else may use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.exports import template_sheets
from imports.models import ImportMapping, ImportRun, RunStatus
from imports.workbooks import write_xlsx
from measures.models import Measure
from tests.imports.conftest import xlsx

pytestmark = pytest.mark.django_db


def upload(client, path, name=None):
    content = path.read_bytes() if hasattr(path, "read_bytes") else path
    return client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile(name or path.name, content)}
    )


def accept_proposed_plan(post, client, run):
    """Submit the mapping step as proposed (kind and field of every column)."""
    data = {f"kind-{i}": sheet["kind"] for i, sheet in enumerate(run.plan["sheets"])}
    for i, sheet in enumerate(run.plan["sheets"]):
        data |= {f"column-{i}-{p}": field for p, field in enumerate(sheet["columns"])}
    return post(client, reverse("import_plan", args=[run.pk]), data)


@pytest.mark.parametrize("persona", ["lead32", "council", "staff"])
def test_only_fb15_may_import(client_for, personas, persona):
    client = client_for(personas[persona])

    assert client.get(reverse("import_upload")).status_code == 403
    assert client.get(reverse("import_template", args=["xlsx"])).status_code == 403
    assert client.get(reverse("import_export", args=["xlsx"])).status_code == 403


def test_a_file_that_is_no_spreadsheet_gets_a_german_message_and_no_run(client_for, personas):
    client = client_for(personas["strategist"])

    response = upload(client, b"%PDF-1.7 not a table", "bericht.pdf")

    assert response.status_code == 422
    assert "ist keine Tabelle (erwartet: .xlsx, .ods oder .csv)" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_broken_xlsx_gets_a_german_message(client_for, personas):
    response = upload(client_for(personas["strategist"]), b"PK\x03\x04kaputt", "liste.xlsx")

    assert response.status_code == 422
    assert not ImportRun.objects.exists()


def test_upload_map_check_confirm_writes_the_file(client_for, personas, tmp_path, post):
    client = client_for(personas["strategist"])
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(write_xlsx(template_sheets()))

    response = upload(client, path)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Tabellen und Spalten zuordnen" in page and "federführender Fachbereich" in page

    accept_proposed_plan(post, client, run)
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED  # the eager worker ran the dry run
    assert ImportMapping.objects.count() == 7
    assert not Measure.objects.exists()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Probelauf" in page and "Noch ist nichts gespeichert." in page and "M-1.1-01" in page

    post(client, reverse("import_confirm", args=[run.pk]), {"mode": "all"})

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Measure.objects.get().code == "M-1.1-01"
    assert "Import aus vorlage.xlsx" in client.get(run.get_absolute_url()).content.decode()


def test_unknown_words_are_mapped_on_the_page_and_checked_again(
    client_for, personas, tmp_path, goals_world, post
):
    client = client_for(personas["strategist"])
    path = xlsx(
        tmp_path / "liste.xlsx",
        {
            "Maßnahmen": [
                ["Kennung", "Titel", "Ziel", "Fachbereich", "Status"],
                ["M-1", "T", "1.1", "FB 32", "laufend"],
            ]
        },
    )
    upload(client, path)
    run = ImportRun.objects.get()
    assert run.plan["sheets"][0]["kind"] == "measures"
    accept_proposed_plan(post, client, run)
    run.refresh_from_db()
    assert run.counts["error"] == 1
    page = client.get(run.get_absolute_url()).content.decode()
    assert "„laufend“ (Status) bedeutet" in page

    response = post(client, reverse("import_confirm", args=[run.pk]), {"mode": "all"})
    assert response.status_code == 422
    assert "fehlerhafte Zeilen" in response.content.decode()

    post(client, reverse("import_words", args=[run.pk]), {"word-status-0": "in_progress"})

    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.counts["error"] == 0
    assert ImportMapping.objects.get().values == {"status": {"laufend": "in_progress"}}


def test_valid_only_offers_the_rejected_rows_for_download(
    client_for, personas, tmp_path, goals_world, post
):
    client = client_for(personas["strategist"])
    path = xlsx(
        tmp_path / "liste.xlsx",
        {
            "Maßnahmen": [
                ["Kennung", "Titel", "Ziel", "Fachbereich"],
                ["M-1", "Gut", "1.1", "FB 32"],
                ["M-2", "Schlecht", "8.8", "FB 32"],
            ]
        },
    )
    upload(client, path)
    run = ImportRun.objects.get()
    assert run.plan["sheets"][0]["kind"] == "measures"
    accept_proposed_plan(post, client, run)

    post(client, reverse("import_confirm", args=[run.pk]), {"mode": "valid_only"})

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert list(Measure.objects.values_list("code", flat=True)) == ["M-1"]
    response = client.get(reverse("import_rejected", args=[run.pk]))
    assert response.status_code == 200
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][-1] == "Fehler"
    assert rows[1][:3] == ("M-2", "Schlecht", "8.8")
    assert "ein Ziel „8.8“ gibt es nicht" in rows[1][-1]


def test_a_run_whose_worker_died_says_so_and_can_be_checked_again(
    client_for, personas, tmp_path, goals_world, post
):
    import datetime

    client = client_for(personas["strategist"])
    path = xlsx(
        tmp_path / "liste.xlsx",
        {
            "Maßnahmen": [
                ["Kennung", "Titel", "Ziel", "Fachbereich"],
                ["M-1", "Gut", "1.1", "FB 32"],
            ]
        },
    )
    upload(client, path)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.CHECKING, updated_at=run.updated_at - datetime.timedelta(hours=1)
    )

    page = client.get(run.get_absolute_url()).content.decode()
    assert "abgebrochen" in page and "Erneut prüfen" in page

    post(client, reverse("import_words", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.counts["create"] == 1


def test_the_template_and_the_export_download_as_xlsx_and_ods(client_for, personas):
    client = client_for(personas["strategist"])
    for name in ("import_template", "import_export"):
        for suffix in ("xlsx", "ods"):
            response = client.get(reverse(name, args=[suffix]))
            assert response.status_code == 200
            assert f".{suffix}" in response["Content-Disposition"]
    assert client.get(reverse("import_template", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("measures", [2, 30])
def test_export_and_run_pages_read_a_fixed_number_of_queries(
    client_for, personas, goals_world, tmp_path, post, django_assert_max_num_queries, measures
):
    from tests.factories import MeasureFactory

    for number in range(measures):
        MeasureFactory(code=f"M-{number}", goal=goals_world["1.1"], owner=personas["unit32"])
    client = client_for(personas["strategist"])
    with django_assert_max_num_queries(17):
        assert client.get(reverse("import_export", args=["xlsx"])).status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(client.get(reverse("import_export", args=["xlsx"])).content)
    upload(client, path)
    run = ImportRun.objects.get()
    accept_proposed_plan(post, client, run)
    with django_assert_max_num_queries(8):
        page = client.get(run.get_absolute_url() + "?zeilen=alle")
    assert page.status_code == 200 and "unverändert" in page.content.decode()
