"""Sessions end when the browser closes and after the configured idle time."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fb15.security import LAST_SEEN
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client):
    response = client.post(reverse("login"), {"username": "rat", "password": PASSWORD})
    assert response.status_code == 302
    return response


def expiry(session: Session) -> datetime.datetime:
    return Session.objects.get(pk=session.pk).expire_date


def test_session_cookie_is_dropped_when_the_browser_closes(client, personas):
    cookie = sign_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"]


def test_default_idle_time_is_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@override_settings(SESSION_COOKIE_AGE=600)
def test_a_request_after_a_minute_extends_the_session_by_the_idle_time(client, personas):
    sign_in(client)
    session = Session.objects.get()
    # Five minutes ago was the last request: the session would end in five minutes.
    store = SessionStore(session_key=session.pk)
    store[LAST_SEEN] = int(time.time()) - 300
    store.save()
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get(reverse("home")).status_code == 200
    assert expiry(session) > timezone.now() + datetime.timedelta(minutes=9)


@override_settings(SESSION_COOKIE_AGE=600)
def test_requests_within_a_minute_do_not_write_the_session(client, personas):
    sign_in(client)
    session = Session.objects.get()
    before = expiry(session)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("orgunit_list")).status_code == 200
    assert expiry(session) == before


@override_settings(SESSION_COOKIE_AGE=600)
def test_an_idle_session_has_expired_on_the_server(client, personas):
    sign_in(client)
    assert client.get(reverse("home")).status_code == 200
    # Eleven minutes without a request: the stored session has passed its expiry.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_force_login_stamps_the_session_so_the_first_page_writes_nothing(personas, client_for):
    client = client_for(personas["council"])
    session = Session.objects.get()
    assert isinstance(session.get_decoded()[LAST_SEEN], int)
    before = expiry(session)
    assert client.get(reverse("home")).status_code == 200
    assert expiry(session) == before
