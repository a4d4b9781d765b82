"""The Erklärung zur Barrierefreiheit (BITV 2.0): public, linked from every page, with a
feedback form whose message reaches FB 15."""

import pytest
from django.urls import reverse

from fb15.models import CitySettings, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    settings, _created = CitySettings.objects.update_or_create(
        pk=1, defaults={"city_name": "Musterstadt", "email": "digital@musterstadt.example"}
    )
    return settings


def test_the_statement_is_public_and_says_how_far_the_app_complies(client, city):
    page = client.get(reverse("accessibility"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Musterstadt" in text and "teilweise vereinbar" in text
    assert "Durchsetzungsverfahren" in text and "digital@musterstadt.example" in text


def test_every_page_links_to_it_with_the_page_it_came_from(client, client_for, personas):
    assert (
        f"{reverse('accessibility')}?seite=/anmelden/"
        in client.get(reverse("login")).content.decode()
    )
    page = client_for(personas["lead32"]).get(reverse("measure_list")).content.decode()
    assert f"{reverse('accessibility')}?seite=/massnahmen/" in page


def test_feedback_needs_a_message_and_reaches_fb15(client, city):
    url = reverse("accessibility")
    response = client.post(url, {"message": "", "email": "kein-mail"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "Bitte beschreiben Sie die Barriere." in text
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in text
    assert not Notification.objects.exists()

    message = "Die Tabelle der Maßnahmen lässt sich mit der Tastatur nicht scrollen."
    response = client.post(
        url, {"message": message, "page": "/massnahmen/", "email": "b@example.org"}, follow=True
    )
    assert "Ihre Rückmeldung ist bei FB 15 eingegangen." in response.content.decode()
    mail = Notification.objects.get()
    assert mail.recipient_list == ["digital@musterstadt.example"]
    assert message in mail.body and "/massnahmen/" in mail.body and "b@example.org" in mail.body


def test_without_any_address_the_form_says_so_instead_of_thanking(client):
    response = client.post(reverse("accessibility"), {"message": "Kontrast zu schwach."})
    assert response.status_code == 422
    assert "keine Kontaktadresse hinterlegt" in response.content.decode()
    assert not Notification.objects.exists()
