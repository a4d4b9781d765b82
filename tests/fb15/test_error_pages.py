"""Server error, bad request and CSRF failure answer German KERN pages, not Django's English."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.fb15.error_urls")
def test_a_server_error_shows_the_german_error_page():
    response = Client(raise_request_exception=False).get("/kaputt/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in page
    assert "kern.min.css" in page and 'class="kern-alert kern-alert--danger"' in page
    assert "Server Error" not in page


def test_an_unknown_host_gets_the_german_bad_request_page(client):
    response = client.get(reverse("login"), HTTP_HOST="angreifer.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ungültige Anfrage" in page and "kern.min.css" in page
    assert "Bad Request" not in page


def test_an_expired_form_gets_the_german_csrf_page_and_nothing_happens(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "rat", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in page and "kern.min.css" in page
    assert "CSRF verification failed" not in page
    assert "_auth_user_id" not in client.session
