"""FB 15 switches the portal on and marks released reports public; others cannot."""

import pytest
from django.urls import reverse

from portal.models import PortalSettings
from reporting.lifecycle import set_public
from reporting.periods import ReportError
from tests.portal.conftest import make_report, switch_portal

pytestmark = pytest.mark.django_db


def test_strategy_team_switches_the_portal_on_and_the_app_links_it(client_for, personas):
    client = client_for(personas["strategist"])
    url = reverse("portal_settings_edit")
    page = client.get(url)
    assert page.status_code == 200
    assert "Portal eingeschaltet" in page.content.decode()
    assert "Öffentliches Portal ansehen" not in page.content.decode()
    version = page.context["form"].initial["version"]
    response = client.post(url, {"is_enabled": "on", "contributor_id": "", "version": version})
    assert response.status_code == 302
    settings = PortalSettings.objects.get()
    assert settings.is_enabled and not settings.shows_staff_names
    assert settings.history.first().history_user == personas["strategist"]
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("portal_home")}"' in home  # the footer's link


def test_settings_refuse_a_contributor_id_that_is_no_address(client_for, personas):
    client = client_for(personas["strategist"])
    version = client.get(reverse("portal_settings_edit")).context["form"].initial["version"]
    response = client.post(
        reverse("portal_settings_edit"),
        {"is_enabled": "on", "contributor_id": "stadt ms", "version": version},
    )
    assert response.status_code == 422
    assert "vollständige Adresse" in response.content.decode()
    assert not PortalSettings.objects.get().is_enabled


@pytest.mark.parametrize("who", ["council", "staff", "lead32"])
def test_only_the_strategy_team_may_change_the_portal(client_for, personas, who):
    client = client_for(personas[who])
    assert client.get(reverse("portal_settings_edit")).status_code == 403
    response = client.post(reverse("portal_settings_edit"), {"is_enabled": "on"})
    assert response.status_code == 403
    assert not PortalSettings.objects.get().is_enabled


def test_settings_page_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("portal_settings_edit"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_footer_has_no_portal_link_while_it_is_off(client_for, personas):
    client = client_for(personas["council"])
    switch_portal(on=False)
    assert reverse("portal_home") not in client.get(reverse("home")).content.decode()


def test_strategy_team_marks_a_released_report_public_and_takes_it_back(client_for, personas):
    switch_portal()
    report = make_report("2026-Q1", released=True, public=False, text="Einschätzung")
    client = client_for(personas["strategist"])
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Im Portal veröffentlichen" in detail
    client.post(reverse("report_publicity", args=[report.pk]), {"is_public": "1"})
    report.refresh_from_db()
    assert report.is_public
    assert report.history.first().history_change_reason == "im Portal veröffentlicht"
    anonymous = client.__class__()
    assert anonymous.get(reverse("portal_report_download", args=[report.pk])).status_code == 200
    client.post(reverse("report_publicity", args=[report.pk]), {"is_public": "0"})
    report.refresh_from_db()
    assert not report.is_public
    assert anonymous.get(reverse("portal_report_download", args=[report.pk])).status_code == 404


def test_a_draft_report_cannot_be_made_public(personas):
    draft = make_report("2026-Q2", released=False, public=False, text="Entwurf")
    with pytest.raises(ReportError, match="Nur ein freigegebener Bericht"):
        set_public(actor=personas["strategist"], report=draft, is_public=True)
    draft.refresh_from_db()
    assert not draft.is_public


@pytest.mark.parametrize("who", ["council", "staff"])
def test_readers_cannot_publish_a_report(client_for, personas, who):
    report = make_report("2026-Q1", released=True, public=False, text="Einschätzung")
    client = client_for(personas[who])
    response = client.post(reverse("report_publicity", args=[report.pk]), {"is_public": "1"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert not report.is_public
