"""`?next=` never sends anyone off the site: hostile targets fall back to the page's default."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

HOSTILE = ["javascript:alert(1)", "https://evil.example/", "//evil.example/"]


def assert_no_hostile_target(body: str) -> None:
    """No link or form field points at the hostile target (the language switch carries the
    current path, URL-encoded, which is harmless and checked by Django's set_language)."""
    targets = re.findall(r'(?:href|value)="([^"]*)"', body)
    assert not [t for t in targets if t.startswith(("javascript:", "https://evil", "//evil"))]


@pytest.mark.parametrize("target", HOSTILE)
def test_compliance_edit_cancel_link_ignores_hostile_next(world, client_for, target):
    cell = world["cells"]["own"]
    url = reverse("compliance_edit", args=[cell.unit_id, cell.standard_id])
    body = client_for(world["lead32"]).get(url, {"next": target}).content.decode()
    assert_no_hostile_target(body)
    assert f'href="{reverse("compliance_matrix")}"' in body


@pytest.mark.parametrize("target", HOSTILE)
def test_compliance_confirmation_does_not_redirect_off_site(world, client_for, target):
    cell = world["cells"]["own"]
    url = reverse("compliance_confirm", args=[cell.unit_id, cell.standard_id])
    response = client_for(world["strategist"]).post(url, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance_matrix")


def test_compliance_confirmation_follows_a_next_on_this_site(world, client_for):
    cell = world["cells"]["own"]
    url = reverse("compliance_confirm", args=[cell.unit_id, cell.standard_id])
    back = reverse("compliance_matrix") + "?category=software"
    response = client_for(world["strategist"]).post(url, {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("target", HOSTILE)
def test_create_form_has_no_cancel_link_to_a_hostile_next(world, client_for, target):
    body = (
        client_for(world["strategist"])
        .get(reverse("standard_add"), {"next": target})
        .content.decode()
    )
    assert_no_hostile_target(body)


def test_create_form_cancel_link_keeps_a_next_on_this_site(world, client_for):
    back = reverse("standard_list")
    body = client_for(world["strategist"]).get(reverse("standard_add"), {"next": back})
    assert f'href="{back}"' in body.content.decode()


@pytest.mark.parametrize("target", HOSTILE)
def test_login_ignores_hostile_next(db, personas, client, target):
    body = client.get(reverse("login"), {"next": target}).content.decode()
    assert_no_hostile_target(body)
    response = client.post(
        reverse("login") + "?next=" + target,
        {"username": "rat", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
