"""Sessions end when the browser closes and after the configured idle time."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client):
    response = client.post(reverse("login"), {"username": "rat", "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_session_cookie_is_dropped_when_the_browser_closes(client, personas):
    cookie = sign_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"]


def test_default_idle_time_is_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@override_settings(SESSION_COOKIE_AGE=600)
def test_each_request_extends_the_session_by_the_idle_time(client, personas):
    sign_in(client)
    session = Session.objects.get()
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=session.pk).update(expire_date=soon)
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=9)


@override_settings(SESSION_COOKIE_AGE=600)
def test_an_idle_session_has_expired_on_the_server(client, personas):
    sign_in(client)
    assert client.get(reverse("home")).status_code == 200
    # Eleven minutes without a request: the stored session has passed its expiry.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
