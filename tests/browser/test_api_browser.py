"""A unit lead creates a personal access token, files a status update with it from outside
the browser and revokes it; the API documentation renders from our own files under the
pages' Content-Security-Policy. axe checks the token page (WCAG 2.1 AA)."""

import json
import urllib.error
import urllib.request

import pytest
from drf_spectacular.generators import SchemaGenerator
from playwright.sync_api import expect

from measures.models import StatusUpdate
from tests.browser.conftest import assert_accessible
from tests.factories import make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def call_api(url: str, secret: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_lead_creates_uses_and_revokes_a_token(page, live_server, personas, login):
    world = make_world(personas, make_periods())
    measure = world["own"]["measure"]
    login("leitung32")
    page.get_by_role("link", name="Zugangstokens").click()
    expect(page.get_by_role("heading", name="Zugangstokens", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bezeichnung").fill("Projekttool FB 32")
    page.get_by_label("Berechtigung").select_option("write")
    page.get_by_role("button", name="Token anlegen").click()
    expect(page.get_by_role("alert")).to_contain_text("nur dieses eine Mal angezeigt")
    secret = page.get_by_label("Ihr neues Token").input_value()
    assert secret.startswith("fb15_")
    assert_accessible(page)

    status, answer = call_api(
        f"{live_server.url}/api/v1/status-updates/",
        secret,
        {
            "measure": measure.pk,
            "traffic_light": "green",
            "progress": 35,
            "status": "in_progress",
            "summary": "Pilot läuft, Rückmeldungen gut.",
        },
    )
    assert status == 201, answer
    assert StatusUpdate.objects.get().author == personas["lead32"]

    page.reload()  # the secret is not shown again
    expect(page.get_by_label("Ihr neues Token")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="Projekttool FB 32")
    expect(row).to_contain_text("gültig")
    row.get_by_role("button", name="Widerrufen").click()
    expect(page.get_by_role("status").first).to_contain_text("wurde widerrufen")
    expect(page.get_by_role("row").filter(has_text="Projekttool FB 32")).to_contain_text(
        "widerrufen"
    )
    status, answer = call_api(f"{live_server.url}/api/v1/measures/", secret)
    assert (status, answer["detail"]) == (401, "Dieses Zugangstoken wurde widerrufen.")


def test_documentation_page_renders_every_endpoint_without_csp_violations(
    page, live_server, personas, login
):
    login("leitung32")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    text = page.locator("#swagger-ui").inner_text()
    for path in ("/api/v1/status-updates/", "/api/v1/measures/", "/api/v1/reports/{id}/pdf/"):
        assert path in text, path
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert page.locator(".opblock").count() == operations
