"""The OpenAPI schema validates (drf-spectacular's own validation, warnings count as errors)
and lists every endpoint; the documentation page is served from our own static files."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.api.test_permission_table import api_url_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(tmp_path) -> dict:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    return json.loads(target.read_text())


def sample_url(name: str) -> str:
    try:
        return reverse(name)
    except Exception:
        return reverse(name, args=[1])


def test_schema_validates_and_lists_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    patterns = [
        re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$") for path in schema["paths"]
    ]
    undocumented = [
        name
        for name in api_url_names() - {"api-schema", "api-docs"}
        if not any(pattern.match(sample_url(name)) for pattern in patterns)
    ]
    assert not undocumented, undocumented
    assert set(schema["paths"]["/api/v1/status-updates/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/milestones/{id}/"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/indicator-values/"]) == {"get", "post"}
    assert {"zugangstoken", "sitzung"} <= set(schema["components"]["securitySchemes"])
    filters = {p["name"] for p in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]}
    assert {
        "q",
        "owner",
        "status",
        "traffic_light",
        "goal",
        "cursor",
        "page_size",
        "ordering",
    } <= filters
    filing = schema["components"]["schemas"]["StatusUpdateFilingRequest"]
    assert {"traffic_light", "progress", "status", "summary"} <= set(filing["required"])


def test_documentation_page_uses_only_our_own_scripts_and_styles(personas, client_for):
    assert client_for(None).get(reverse("api-docs")).status_code == 302  # to the login
    response = client_for(personas["council"]).get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "<script>" not in page.replace(" ", "")  # no inline script: the CSP allows none
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_schema_is_generated_without_reading_the_database(django_assert_num_queries):
    """`check --deploy` generates it before any migration has run (the production image)."""
    from drf_spectacular.generators import SchemaGenerator

    with django_assert_num_queries(0):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    measures = schema["paths"]["/api/v1/measures/"]["get"]["parameters"]
    assert {"owner", "traffic_light", "q"} <= {parameter["name"] for parameter in measures}
