"""Personal access tokens: created on their page (secret shown once, stored hashed), used,
limited by scope and expiry, revoked by their owner; every step in history."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fb15.models import ApiToken
from measures.models import StatusUpdate
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def create_on_page(client, **data):
    form = {
        "name": "Projekttool FB 32",
        "scope": "write",
        "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        **data,
    }
    return client.post(reverse("token_list"), form)


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(personas, client_for):
    client = client_for(personas["lead32"])
    response = create_on_page(client)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    secret = re.search(r'value="(fb15_[\w-]+)"', page).group(1)
    assert "nur dieses eine Mal angezeigt" in page
    token = ApiToken.objects.get()
    assert token.owner == personas["lead32"]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    again = client.get(reverse("token_list")).content.decode()
    assert secret not in again
    assert "Projekttool FB 32" in again and token.prefix in again


def test_token_page_refuses_a_past_or_too_distant_expiry_in_german(personas, client_for):
    client = client_for(personas["lead32"])
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = create_on_page(client, expires_on=past)
    assert response.status_code == 422
    assert "Das Ablaufdatum darf nicht in der Vergangenheit liegen." in response.content.decode()
    far = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = create_on_page(client, expires_on=far)
    assert "Ein Token gilt höchstens 365 Tage." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_owner_revokes_the_token_and_it_stops_working_with_a_german_401(personas, client_for):
    lead = personas["lead32"]
    secret = token_for(lead)
    api = ApiClient(secret)
    assert api.get(reverse("api-measure-list")).status_code == 200
    token = ApiToken.objects.get()
    # Another user cannot even find it.
    other = client_for(personas["lead50"])
    assert other.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert api.get(reverse("api-measure-list")).status_code == 200
    owner = client_for(lead)
    assert owner.post(reverse("token_revoke", args=[token.pk])).status_code == 302
    response = api.get(reverse("api-measure-list"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Dieses Zugangstoken wurde widerrufen."}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    reasons = [
        (entry.history_change_reason, entry.history_user)
        for entry in token.history.order_by("history_date")
    ]
    assert reasons == [("Zugangstoken angelegt", lead), ("Zugangstoken widerrufen", lead)]
    assert "Zugangstoken widerrufen" in owner.get(reverse("token_list")).content.decode()


def test_expired_unknown_and_malformed_tokens_answer_401_in_german(personas):
    secret = token_for(personas["lead32"])
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse("api-measure-list")
    expired = ApiClient(secret).get(url)
    assert expired.status_code == 401
    assert expired.json()["detail"] == "Dieses Zugangstoken ist abgelaufen."
    unknown = ApiClient("fb15_nicht-vergeben").get(url)
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "Ungültiges Zugangstoken.")
    anonymous = ApiClient().get(url)
    assert (anonymous.status_code, anonymous.json()["detail"]) == (401, "Anmeldedaten fehlen.")
    malformed = ApiClient().client.get(url, headers={"Authorization": "Bearer a b"})
    assert malformed.status_code == 401
    assert "Bearer <Token>" in malformed.json()["detail"]


def test_token_of_a_deactivated_account_no_longer_works(personas):
    secret = token_for(personas["lead32"])
    personas["lead32"].is_active = False
    personas["lead32"].save()
    response = ApiClient(secret).get(reverse("api-measure-list"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Das Konto dieses Zugangstokens ist gesperrt."


def test_read_token_reads_but_may_not_write(personas):
    from tests.factories import make_periods, make_world

    world = make_world(personas, make_periods())
    api = ApiClient(token_for(personas["lead32"], scope="read"))
    assert (
        api.get(reverse("api-measure-detail", args=[world["own"]["measure"].pk])).status_code == 200
    )
    response = api.post(
        reverse("api-statusupdate-list"),
        {
            "measure": world["own"]["measure"].pk,
            "traffic_light": "green",
            "progress": 20,
            "status": "in_progress",
            "summary": "Läuft.",
        },
    )
    assert response.status_code == 403
    assert "darf nur lesen" in response.json()["detail"]
    assert not StatusUpdate.objects.exists()


def test_using_a_token_stamps_last_used_without_a_history_entry(personas):
    secret = token_for(personas["lead32"])
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    ApiClient(secret).get(reverse("api-unit-list"))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.history.count() == 1  # created only


def test_session_writes_need_the_csrf_token(personas):
    from django.test import Client

    from tests.factories import make_periods, make_world

    world = make_world(personas, make_periods())
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["lead32"])
    assert browser.get(reverse("api-measure-list")).status_code == 200
    body = {
        "measure": world["own"]["measure"].pk,
        "traffic_light": "green",
        "progress": 20,
        "status": "in_progress",
        "summary": "Läuft.",
    }
    response = browser.post(reverse("api-statusupdate-list"), body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF-Prüfung fehlgeschlagen" in response.json()["detail"]
    browser.get(reverse("token_list"))  # sets the CSRF cookie, as any page does
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        reverse("api-statusupdate-list"),
        body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get().author == personas["lead32"]


def test_throttling_counts_per_token_and_answers_429_in_german(personas, settings):
    from rest_framework.settings import api_settings

    from fb15.api.auth import TokenRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api": "3/min"}
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = rates
    try:
        first, second = (
            ApiClient(token_for(personas["lead32"])),
            ApiClient(token_for(personas["lead32"])),
        )
        url = reverse("api-unit-list")
        assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
        throttled = first.get(url)
        assert throttled.status_code == 429
        assert throttled.json()["detail"].startswith("Die Anfrage wurde gedrosselt.")
        assert "Retry-After" in throttled.headers
        assert second.get(url).status_code == 200  # another token counts on its own
    finally:
        TokenRateThrottle.THROTTLE_RATES = original


def test_an_empty_token_form_is_refused_with_422_and_german_messages(personas, client_for):
    response = client_for(personas["staff"]).post(reverse("token_list"), {})
    assert response.status_code == 422
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not ApiToken.objects.exists()
