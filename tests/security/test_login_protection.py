"""Brute-force protection of the login (django-axes) and the client address behind proxies."""

import datetime
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from fb15.login_protection import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche."


def attempt(client, username, password="falsch", ip="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def is_signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_right_password_after_the_failure_limit_is_refused_in_german(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "rat").status_code == 200  # the form again, with its error
    assert attempt(client, "rat").status_code == 429  # the failure that reaches the limit
    response = attempt(client, "rat", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in page
    assert "Bitte warten Sie 15 Minuten" in page
    assert "kern-alert--danger" in page and 'lang="de"' in page
    assert not is_signed_in(client)


def test_an_address_is_locked_out_across_user_names(client, personas):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"geraten{number}", ip="192.0.2.20")
    response = attempt(client, "leitung32", PASSWORD, ip="192.0.2.20")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The same user from another address is not affected by that address's lockout.
    response = attempt(client, "leitung32", PASSWORD, ip="192.0.2.21")
    assert response.status_code == 302 and is_signed_in(client)


def test_a_user_name_is_locked_out_across_addresses(client, personas):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "strategie", ip=f"192.0.2.{30 + number}")
    response = attempt(client, "strategie", PASSWORD, ip="192.0.2.99")
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_login_works_again_after_the_cool_off(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "rat")
    assert attempt(client, "rat", PASSWORD).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    response = attempt(client, "rat", PASSWORD)
    assert response.status_code == 302 and is_signed_in(client)
    assert not AccessLog.objects.exists(), "successful logins are not recorded"


def test_a_superuser_unlocks_in_the_admin(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "rat")
    assert attempt(client, "rat", PASSWORD).status_code == 429
    admin = UserFactory(username="fb15-admin", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "rat" in changelist.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt(client, "rat", PASSWORD).status_code == 302 and is_signed_in(client)


def test_staff_without_superuser_cannot_see_the_attempts(client, personas):
    clerk = UserFactory(username="sachbearbeitung", is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/anmelden/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_only_the_peer_address_counts():
    assert client_ip(_request("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


@override_settings(LOGIN_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_counts_and_forged_entries_do_not():
    # nginx appends the address it was reached from; the client forged the left entry.
    assert client_ip(_request("10.0.0.2", "8.8.8.8, 10.20.30.40")) == "10.20.30.40"
    assert client_ip(_request("10.0.0.2", "10.20.30.40")) == "10.20.30.40"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2", "kein-ip")) == "10.0.0.2"


@override_settings(LOGIN_PROXY_COUNT=2)
def test_behind_two_proxies_the_outer_proxys_entry_counts():
    assert client_ip(_request("10.0.0.3", "1.1.1.1, 10.20.30.40, 10.0.0.2")) == "10.20.30.40"


@override_settings(LOGIN_PROXY_COUNT=1)
def test_lockout_behind_a_proxy_follows_the_forwarded_client(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"x{_}", "password": "falsch"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="10.20.30.40",
        )
    blocked = client.post(
        reverse("login"),
        {"username": "rat", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.20.30.40",
    )
    assert blocked.status_code == 429
    colleague = client.post(
        reverse("login"),
        {"username": "rat", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.20.30.41",
    )
    assert colleague.status_code == 302


def test_limits_come_from_the_environment():
    env = {
        **os.environ,
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_COOLOFF_MINUTES": "30",
        "LOGIN_PROXY_COUNT": "1",
        "SESSION_IDLE_HOURS": "2",
        "DEBUG": "1",
    }
    code = (
        "import fb15.settings as s;"
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(),"
        " s.LOGIN_PROXY_COUNT, s.SESSION_COOKIE_AGE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["3", "1800.0", "1", "7200"]
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username"], ["ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
