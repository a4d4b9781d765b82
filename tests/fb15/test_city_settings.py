"""Einstellungen der Stadt: the strategy team edits name, office, logo and contact."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fb15.models import LOGO_MAX_BYTES, CitySettings, city_settings

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_data(**changes) -> dict:
    city = city_settings()
    return {
        "city_name": "Stadt Musterhausen",
        "office_name": "Amt für Digitales",
        "email": "digital@musterhausen.example",
        "phone": "0123 456-0",
        "address": "Markt 1, 12345 Musterhausen",
        "version": city.updated_at.isoformat(),
        **changes,
    }


def test_strategist_saves_the_settings_and_every_page_shows_them(personas, client_for):
    client = client_for(personas["strategist"])
    assert client.get(reverse("city_settings_edit")).status_code == 200
    response = client.post(reverse("city_settings_edit"), form_data())
    assert response.status_code == 302
    city = CitySettings.objects.get()
    assert (city.city_name, city.office_name, city.phone) == (
        "Stadt Musterhausen",
        "Amt für Digitales",
        "0123 456-0",
    )
    assert city.history.first().history_user == personas["strategist"]
    page = client.get(reverse("measure_list")).content.decode()
    assert "Stadt Musterhausen" in page and "Amt für Digitales" in page
    assert "digital@musterhausen.example" in page  # the footer's contact line


def test_settings_are_in_the_organisation_navigation_for_the_strategy_team_only(
    personas, client_for
):
    url = reverse("city_settings_edit")
    assert (
        f'href="{url}"'
        in client_for(personas["strategist"]).get(reverse("orgunit_list")).content.decode()
    )
    assert (
        f'href="{url}"'
        not in client_for(personas["lead32"]).get(reverse("orgunit_list")).content.decode()
    )


@pytest.mark.parametrize("who", ["council", "staff", "lead32"])
def test_others_may_neither_open_nor_change_the_settings(personas, client_for, who):
    client = client_for(personas[who])
    assert client.get(reverse("city_settings_edit")).status_code == 403
    assert client.post(reverse("city_settings_edit"), form_data()).status_code == 403
    assert city_settings().city_name == "Stadtverwaltung"


def test_an_uploaded_svg_logo_is_shown_in_the_header_and_served_without_scripts(
    personas, client_for
):
    client = client_for(personas["strategist"])
    logo = SimpleUploadedFile("wappen.svg", SVG, content_type="image/svg+xml")
    assert client.post(reverse("city_settings_edit"), form_data(logo=logo)).status_code == 302
    city = city_settings()
    assert f'src="{city.logo_url}"' in client.get(reverse("home")).content.decode()
    response = client.get(city.logo_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", b"GIF89a", "PNG-, JPEG- oder SVG-Datei"),
        ("logo.png", b"<svg/>", "passt nicht zur Dateiendung"),
        ("logo.png", PNG + b"\x00" * LOGO_MAX_BYTES, "zu groß"),
    ],
)
def test_a_logo_of_another_kind_or_too_big_is_refused(personas, client_for, name, content, message):
    client = client_for(personas["strategist"])
    logo = SimpleUploadedFile(name, content)
    response = client.post(reverse("city_settings_edit"), form_data(logo=logo))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not city_settings().logo


def test_without_a_logo_the_logo_address_answers_404(client):
    assert client.get(reverse("city_logo")).status_code == 404


def test_changing_the_contact_keeps_the_logo(personas, client_for):
    client = client_for(personas["strategist"])
    logo = SimpleUploadedFile("wappen.png", PNG)
    client.post(reverse("city_settings_edit"), form_data(logo=logo))
    response = client.post(reverse("city_settings_edit"), form_data(phone="0123 999"))
    assert response.status_code == 302
    city = city_settings()
    assert city.phone == "0123 999" and city.logo.read() == PNG
