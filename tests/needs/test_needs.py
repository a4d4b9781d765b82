"""Needs (Bedarfsmeldungen): filing with attachments, who reads what, bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fb15.models import Role
from needs.models import Need, NeedAttachment, NeedState
from tests.factories import NeedFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Gutachten\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def form_data(unit, **changes) -> dict:
    data = {
        "owner": unit.pk,
        "title": "E-Akte im Bürgerbüro",
        "problem": "Akten liegen auf Papier vor und werden per Hauspost verschickt.",
        "processes": "Meldewesen",
        "affected": "12 Beschäftigte, rund 40.000 Bürger*innen im Jahr",
        "legal_obligation": "EGovG NRW § 9",
        "deadline": "2027-01-01",
        "urgency": "high",
        "benefit": "Bearbeitung ohne Medienbruch.",
        "effort": "medium",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_lead_files_a_need_with_attachment_and_history(personas, client_for, media):
    client = client_for(personas["lead32"])
    upload = SimpleUploadedFile("gutachten.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("need_add"), {**form_data(personas["unit32"]), "attachment": upload}
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    assert need.owner == personas["unit32"]
    assert need.state == NeedState.SUBMITTED
    assert need.submitted_by == personas["lead32"]
    assert need.history.get().history_user == personas["lead32"]
    attachment = need.attachments.get()
    assert attachment.name == "gutachten.pdf"
    # Stored under a name of our own, below MEDIA_ROOT/needs/, never under a URL.
    assert attachment.file.path.startswith(str(media / "needs"))
    assert "gutachten" not in attachment.file.name
    page = client.get(need.get_absolute_url()).content.decode()
    assert "gutachten.pdf" in page and "eingereicht" in page
    download = client.get(reverse("need_attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_member_of_a_unit_files_and_reads_the_units_needs(personas, client_for):
    member = UserFactory(username="sachbearbeitung32", roles=[Role.STAFF])
    personas["unit32"].members.add(member)
    earlier = NeedFactory(owner=personas["unit32"], is_confidential=True)
    client = client_for(member)
    response = client.post(reverse("need_add"), form_data(personas["unit32"]))
    assert response.status_code == 302
    assert client.get(earlier.get_absolute_url()).status_code == 200
    assert earlier.title in client.get(reverse("need_list")).content.decode()


def test_lead_cannot_file_a_need_for_another_unit(personas, client_for):
    response = client_for(personas["lead32"]).post(
        reverse("need_add"), form_data(personas["unit50"])
    )
    assert response.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert not Need.objects.exists()


def test_other_unit_sees_only_titles_of_public_needs(personas, client_for):
    public = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe Bürgerbüro")
    secret = NeedFactory(owner=personas["unit32"], title="Geheimer Umbau", is_confidential=True)
    client = client_for(personas["lead50"])
    page = client.get(reverse("need_list")).content.decode()
    assert "Online-Terminvergabe Bürgerbüro" in page
    assert public.problem not in page
    assert public.get_absolute_url() not in page
    assert "Geheimer Umbau" not in page
    assert client.get(public.get_absolute_url()).status_code == 404
    assert client.get(secret.get_absolute_url()).status_code == 404
    attachment = NeedAttachment.objects.create(need=public, name="a.pdf", size=1, file="x.pdf")
    assert client.get(reverse("need_attachment", args=[attachment.pk])).status_code == 404


def test_strategy_team_reads_every_need(personas, client_for):
    secret = NeedFactory(owner=personas["unit32"], is_confidential=True)
    client = client_for(personas["strategist"])
    assert client.get(secret.get_absolute_url()).status_code == 200
    assert secret.title in client.get(reverse("need_list")).content.decode()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("tool.exe", b"MZ\x90\x00", "ist keine erlaubte Datei"),
        ("bericht.pdf", b"MZ\x90\x00 renamed program", "passt nicht zur Dateiendung"),
        ("liste.xlsx", b"%PDF-1.4", "passt nicht zur Dateiendung"),
    ],
)
def test_wrong_attachment_is_refused_and_nothing_written(
    personas, client_for, media, name, content, message
):
    upload = SimpleUploadedFile(name, content)
    response = client_for(personas["lead32"]).post(
        reverse("need_add"), {**form_data(personas["unit32"]), "attachment": upload}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Need.objects.exists() and not NeedAttachment.objects.exists()
    assert not (media / "needs").exists()


def test_too_large_attachment_is_refused(personas, client_for, settings):
    settings.NEED_ATTACHMENT_MAX_MB = 1
    upload = SimpleUploadedFile("gross.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for(personas["lead32"]).post(
        reverse("need_add"), {**form_data(personas["unit32"]), "attachment": upload}
    )
    assert response.status_code == 422
    assert "ist zu groß: höchstens 1 MB" in response.content.decode()
    assert not Need.objects.exists()


def test_empty_and_huge_texts_get_german_messages(personas, client_for):
    client = client_for(personas["lead32"])
    response = client.post(
        reverse("need_add"), form_data(personas["unit32"], title="   ", problem="", benefit="")
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Bitte geben Sie einen Titel an." in page
    assert "Bitte beschreiben Sie das Problem." in page
    assert "Bitte beschreiben Sie den erwarteten Nutzen." in page
    response = client.post(reverse("need_add"), form_data(personas["unit32"], problem="x" * 5001))
    assert response.status_code == 422
    assert "Höchstens 5000 Zeichen sind erlaubt (jetzt 5001)" in response.content.decode()
    assert not Need.objects.exists()


def test_unit_edits_its_open_need_but_not_a_decided_one(personas, client_for):
    need = NeedFactory(owner=personas["unit32"])
    client = client_for(personas["lead32"])
    data = form_data(personas["unit32"], title="Neuer Titel", version=need.updated_at.isoformat())
    assert client.post(reverse("need_edit", args=[need.pk]), data).status_code == 302
    need.refresh_from_db()
    assert need.title == "Neuer Titel" and need.history.count() == 2
    Need.objects.filter(pk=need.pk).update(state=NeedState.REJECTED)
    assert client.get(reverse("need_edit", args=[need.pk])).status_code == 403


@pytest.mark.parametrize("count", [3, 25])
def test_need_list_query_count_does_not_grow(
    personas, client_for, django_assert_max_num_queries, count
):
    for index in range(count):
        NeedFactory(owner=personas["unit32" if index % 2 else "unit50"])
    for who in ("strategist", "lead32"):
        client = client_for(personas[who])
        with django_assert_max_num_queries(13):
            assert client.get(reverse("need_list")).status_code == 200
