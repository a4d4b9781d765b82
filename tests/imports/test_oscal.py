"""Standards from the BSI's OSCAL catalogs: the dry run, the write, re-import and update by
control id with history, and files that are no catalog (German message, nothing stored)."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRun, RunStatus
from imports.oscal import read_catalog, run_catalog
from standards.models import Obligation, Standard, StandardStatus

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "oscal"
TLS = DATA / "Entwurf-Mindeststandard-TLS-catalog.json"
WLAN = DATA / "WLAN-resolved_catalog.json"


def upload(client, post, name: str, content: bytes):
    return post(client, reverse("import_upload"), {"file": SimpleUploadedFile(name, content)})


def confirm(client, post, run):
    return post(client, reverse("import_confirm", args=[run.pk]), {"mode": "all"})


def obligations() -> dict[str, int]:
    counts = dict.fromkeys(Obligation.values, 0)
    for value in Standard.objects.values_list("obligation", flat=True):
        counts[value] += 1
    return counts


def test_dry_run_of_the_tls_catalog_lists_new_standards_and_writes_nothing(
    client_for, personas, post
):
    client = client_for(personas["strategist"])

    response = upload(client, post, TLS.name, TLS.read_bytes())

    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.CHECKED
    assert run.counts == {"create": 17, "update": 0, "unchanged": 0, "error": 0}
    assert not Standard.objects.exists()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "OSCAL-Katalog „Entwurf Mindeststandard Bund TLS“" in page
    assert "Noch ist nichts gespeichert." in page
    assert "KONF.14.1.2 HTTPS für Webserver" in page
    assert "Tabellen und Spalten zuordnen" not in page


def test_import_of_the_tls_catalog_maps_groups_controls_and_modal_verbs(client_for, personas, post):
    client = client_for(personas["strategist"])
    upload(client, post, TLS.name, TLS.read_bytes())

    confirm(client, post, ImportRun.objects.get())

    assert ImportRun.objects.get().status == RunStatus.DONE
    assert Standard.objects.count() == 17
    # 6 MUSS, 1 SOLLTE, 1 KANN as `modal_verb` props; 9 TLS controls say it in the prose
    # (among them "DARF dies NUR …", which binds like MUSS).
    assert obligations() == {"must": 14, "should": 2, "may": 1, "must_not": 0}
    tls = Standard.objects.get(code="KONF.14.1")
    assert tls.title == "Verschlüsselung beim Transport"
    assert tls.topic == "Verwendung von TLS-Protokoll-Versionen"
    assert tls.obligation == Obligation.MAY
    # The parameter is inserted with its wording, not as "{{ insert: param, … }}".
    assert tls.description == (
        "Konfiguration für Anwendungen KANN Kommunikation beim Transport über Netze nach "
        "TLS 1.3 (oder TLS 1.2 mit PFS) verschlüsseln."
    )
    assert tls.status == StandardStatus.DRAFT
    assert (tls.source_catalog, tls.source_version) == (
        "Entwurf Mindeststandard Bund TLS",
        "2026-04-23T13:28:32.097584+00:00",
    )
    assert Standard.objects.get(code="UMS.5.1.1").obligation == Obligation.MUST
    assert Standard.objects.get(code="BES.2.1.4.2").obligation == Obligation.SHOULD
    record = tls.history.get()
    assert record.history_user == personas["strategist"]
    assert record.history_change_reason == f"Import aus {TLS.name}"

    page = client.get(tls.get_absolute_url()).content.decode()
    assert "Katalog „Entwurf Mindeststandard Bund TLS“, Version 2026-04-23" in page
    assert "Verwendung von TLS-Protokoll-Versionen" in page


def test_import_of_the_wlan_catalog_counts_sollte_and_kann(personas):
    catalog = read_catalog(WLAN.read_bytes())

    result = run_catalog(catalog, actor=personas["strategist"], write=True, reason="Import")

    assert result["counts"]["create"] == 61 and result["written"]
    assert obligations() == {"must": 0, "should": 48, "may": 13, "must_not": 0}
    assert Standard.objects.filter(topic="Segmentierung und sichere Netzzonen").count() == 14
    assert Standard.objects.get(code="ARCH.2.2.12").title == "Sprungserver"


def test_re_import_of_the_same_catalog_changes_nothing(personas):
    actor = personas["strategist"]
    run_catalog(read_catalog(WLAN.read_bytes()), actor=actor, write=True, reason="erster")

    result = run_catalog(read_catalog(WLAN.read_bytes()), actor=actor, write=True, reason="zweiter")

    assert result["counts"] == {"create": 0, "update": 0, "unchanged": 61, "error": 0}
    assert Standard.history.filter(history_change_reason="zweiter").count() == 0


def test_a_changed_control_updates_its_standard_by_id_with_history(personas, tmp_path):
    actor = personas["strategist"]
    run_catalog(read_catalog(TLS.read_bytes()), actor=actor, write=True, reason="erster")
    standard = Standard.objects.get(code="BES.4.3")
    standard.status = StandardStatus.BINDING  # FB 15 decided meanwhile; the import keeps it
    standard.valid_from = "2026-01-01"
    standard.save()
    document = json.loads(TLS.read_text())
    control = document["catalog"]["groups"][1]["controls"][1]
    assert control["id"] == "BES.4.3"
    control["title"] = "Beschaffung anhand festgelegter Kriterien"
    statement = next(part for part in control["parts"] if part["name"] == "statement")
    for prop in statement["props"]:
        if prop["name"] == "modal_verb":
            prop["value"] = "MUSS"
    statement["prose"] = statement["prose"].replace("SOLLTE", "MUSS")
    document["catalog"]["metadata"]["version"] = "2026-05-01"

    dry = run_catalog(
        read_catalog(json.dumps(document).encode()), actor=actor, write=False, reason="x"
    )
    changed = [row for row in dry["rows"] if row["action"] == "update"]
    assert dry["counts"]["update"] == 17  # every standard gets the new catalog version
    bes = next(row for row in changed if row["label"].startswith("BES.4.3"))
    assert "Verbindlichkeit: Soll → Muss" in bes["changes"]
    assert Standard.objects.get(code="BES.4.3").obligation == Obligation.SHOULD  # dry run

    run_catalog(read_catalog(json.dumps(document).encode()), actor=actor, write=True, reason="neu")

    standard.refresh_from_db()
    assert standard.title == "Beschaffung anhand festgelegter Kriterien"
    assert standard.obligation == Obligation.MUST
    assert standard.source_version == "2026-05-01"
    assert standard.status == StandardStatus.BINDING
    assert Standard.objects.count() == 17
    latest = standard.history.latest()
    assert latest.history_change_reason == "neu"
    assert latest.prev_record.obligation == Obligation.SHOULD


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kaputt.json", b'{"catalog": {"metadata": ', "ist kein gültiges JSON (Zeile 1"),
        (
            "profil.json",
            json.dumps({"profile": {"uuid": "x", "imports": []}}).encode(),
            "ist ein OSCAL-Profil (profile), kein Katalog (catalog)",
        ),
        (
            "ssp.json",
            json.dumps({"system-security-plan": {}}).encode(),
            "ist ein OSCAL-Sicherheitskonzept (system-security-plan), kein Katalog",
        ),
        ("liste.json", b"[1, 2, 3]", "ist kein OSCAL-Katalog: das Objekt „catalog“ fehlt"),
        (
            "typen.json",
            json.dumps({"catalog": {"metadata": {"title": "K"}, "groups": "VER"}}).encode(),
            "„groups“ ist im Katalog keine Liste von Objekten.",
        ),
        (
            "leer.json",
            json.dumps({"catalog": {"metadata": {"title": "K"}, "groups": []}}).encode(),
            "Der OSCAL-Katalog enthält keine Anforderungen (controls).",
        ),
        (
            "ohne-titel.json",
            json.dumps({"catalog": {"metadata": {}, "controls": []}}).encode(),
            "Dem OSCAL-Katalog fehlen die Metadaten mit Titel (metadata.title).",
        ),
        ("gross.json", b" " * (5 * 1024 * 1024 + 1), "größer als 5 MB"),
    ],
)
def test_a_file_that_is_no_catalog_gets_a_german_message_and_nothing_is_stored(
    client_for, personas, post, name, content, message
):
    response = upload(client_for(personas["strategist"]), post, name, content)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportRun.objects.exists() and not Standard.objects.exists()


def test_duplicate_control_ids_are_refused_with_the_id_named(client_for, personas, post):
    document = json.loads(TLS.read_text())
    groups = document["catalog"]["groups"]
    groups[2]["controls"].append(groups[0]["controls"][0])

    response = upload(
        client_for(personas["strategist"]), post, "doppelt.json", json.dumps(document).encode()
    )

    assert response.status_code == 422
    assert "Die Kennung „KONF.2.2“ kommt im Katalog mehrfach vor" in response.content.decode()
    assert not ImportRun.objects.exists() and not Standard.objects.exists()


def test_a_dry_run_that_died_with_its_worker_is_checked_again(client_for, personas, post):
    client = client_for(personas["strategist"])
    upload(client, post, TLS.name, TLS.read_bytes())
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.CHECKING, updated_at=run.updated_at - timezone.timedelta(hours=1)
    )
    run.refresh_from_db()
    assert run.is_stale
    assert "Erneut prüfen" in client.get(run.get_absolute_url()).content.decode()

    post(client, reverse("import_words", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.counts["create"] == 17


@pytest.mark.parametrize("persona", ["lead32", "council", "staff"])
def test_only_fb15_may_import_a_catalog(client_for, personas, post, persona):
    response = upload(client_for(personas[persona]), post, TLS.name, TLS.read_bytes())

    assert response.status_code == 403
    assert not Standard.objects.exists()


def test_the_command_imports_a_catalog_and_refuses_a_profile(personas, tmp_path):
    out = io.StringIO()
    call_command("import_data", str(WLAN), "--dry-run", "--user", "strategie", stdout=out)
    assert "Probelauf, nichts gespeichert: 61 neu" in out.getvalue()
    assert not Standard.objects.exists()

    call_command("import_data", str(WLAN), "--user", "strategie", stdout=(out := io.StringIO()))
    assert "Übernommen: 61 neu" in out.getvalue() and Standard.objects.count() == 61

    profile = tmp_path / "profil.json"
    profile.write_text(json.dumps({"profile": {}}))
    with pytest.raises(CommandError, match="kein Katalog"):
        call_command("import_data", str(profile), "--user", "strategie")
