"""The API tests' world (the permission harness's, plus what only the API reads) and clients
that call the API with a personal access token or a browser session."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fb15.services import create_api_token
from measures.models import IndicatorValue
from reporting.models import Report, ReportStatus
from tests.permissions.harness import build_world


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttling counts in the cache (Redis when REDIS_URL is set): start every test at 0."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def token_for(user, scope: str = "write", days: int = 30) -> str:
    """A fresh token of `user`; returns the secret."""
    expires_on = timezone.localdate() + datetime.timedelta(days=days)
    return create_api_token(actor=user, name=f"Test {scope}", scope=scope, expires_on=expires_on)[1]


class ApiClient:
    """JSON requests with `Authorization: Bearer <secret>` (or none for anonymous)."""

    def __init__(self, secret: str | None = None):
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def send(self, method: str, url: str, body=None, *, raw: str | None = None):
        payload = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method.lower())(
            url, payload, content_type="application/json", headers=self.headers
        )

    def post(self, url, body=None, **kwargs):
        return self.send("POST", url, body, **kwargs)

    def patch(self, url, body=None, **kwargs):
        return self.send("PATCH", url, body, **kwargs)


@pytest.fixture
def api_world(db, media):
    """The harness world, with a value per indicator, a draft report and an API client with
    a write token for every logged-in role."""
    world = build_world()
    for variant, indicator in world["indicator"].items():
        world.setdefault("indicatorvalue", {})[variant] = IndicatorValue.objects.create(
            indicator=indicator, measured_on=datetime.date(2026, 1, 15), value=7
        )
    world["report_by_state"] = {
        "released": world["report"],
        "draft": Report.objects.create(
            period_label="2026-Q3",
            period_starts_on=datetime.date(2026, 7, 1),
            period_ends_on=datetime.date(2026, 9, 30),
            status=ReportStatus.DONE,
            sha256=world["report"].sha256,
            size=world["report"].size,
            file=world["report"].file.name,
            data_as_of=timezone.now(),
            finished_at=timezone.now(),
        ),
    }
    world["clients"] = {
        role: ApiClient(token_for(user) if user is not None else None)
        for role, user in world["users"].items()
    }
    return world
