"""The public portal as an anonymous reader sees it: on or off, what it shows and what it
never shows, how caches may keep it, and what it costs."""

import html
import json

import pytest
from django.urls import reverse

from portal.models import PortalSettings
from tests.portal.conftest import make_report, public_measures, switch_portal

pytestmark = pytest.mark.django_db

PAGES = ["portal_home", "portal_strategy", "portal_lagebild", "portal_reports", "portal_open_data"]
EXPORTS = ["portal_measures_csv", "portal_measures_json", "portal_catalog"]


def portal_urls(world) -> list[str]:
    return [
        *(reverse(name) for name in PAGES + EXPORTS),
        reverse("portal_report_download", args=[world["reports"]["public"].pk]),
    ]


def text_of(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    content_type = response["Content-Type"]
    if content_type.startswith("application/pdf"):
        return body.decode("latin-1")
    text = body.decode("utf-8-sig")
    if "json" in content_type:
        # Compare with the decoded strings, not their escapes.
        return json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def test_every_portal_page_and_export_answers_an_anonymous_reader(client, portal_world):
    switch_portal()
    for url in portal_urls(portal_world):
        response = client.get(url)
        assert response.status_code == 200, url


def test_every_portal_url_answers_404_while_the_portal_is_off(client, portal_world):
    urls = portal_urls(portal_world)
    for url in urls:  # off by default
        assert client.get(url).status_code == 404, url
    switch_portal(on=False)
    for url in urls:
        assert client.get(url).status_code == 404, url
    PortalSettings.objects.all().delete()  # a database without the row: off as well
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_portal_shows_the_adopted_strategy_its_public_measures_and_public_reports(
    client, portal_world
):
    switch_portal()
    strategy_page = text_of(client.get(reverse("portal_strategy")))
    assert "Alles online" in strategy_page  # the goal's adopted title
    assert "Digitale Services" in strategy_page
    for measure in portal_world["measures"]:
        assert f"{measure.code} {measure.title}" in strategy_page
    assert "Sicherheit und Ordnung" in strategy_page
    assert "Fortschreibung 1" in strategy_page and "DS 0001/2026" in strategy_page
    home = text_of(client.get(reverse("portal_home")))
    assert "Adoptiertes Leitbild" in home
    reports = client.get(reverse("portal_reports"))
    public = portal_world["reports"]["public"]
    assert reverse("portal_report_download", args=[public.pk]) in reports.content.decode()
    download = client.get(reverse("portal_report_download", args=[public.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content == b"%PDF-1.7 2026-Q1"


def test_no_draft_confidential_unreleased_internal_report_or_staff_name_on_any_portal_url(
    client, portal_world
):
    switch_portal()
    secret = portal_world["secret"]
    forbidden = [
        secret.code,
        secret.title,
        "Entwurfstitel des Ziels",
        "Entwurfsleitbild",
        "Entwurfsfeld Zukunft",
        "Entwurfsziel ohne Beschluss",
        "INTERN-2025-Q4",
        "Nur für den Rat",
        "ENTWURF-2026-Q2",
        "Entwurf der Einschätzung",
        "Verantwortlich-Zimmermann",
        "Petra",
        portal_world["lead32"].username,
        portal_world["lead32"].email,
        portal_world["strategist"].get_full_name(),
        portal_world["lead50"].get_full_name(),
    ]
    checked = 0
    for url in portal_urls(portal_world):
        text = text_of(client.get(url))
        leaks = [secret_text for secret_text in forbidden if secret_text in text]
        assert not leaks, f"{url} shows {leaks}"
        checked += 1
    assert checked == len(PAGES + EXPORTS) + 1
    for report in (portal_world["reports"]["internal"], portal_world["reports"]["draft"]):
        url = reverse("portal_report_download", args=[report.pk])
        assert client.get(url).status_code == 404


def test_staff_names_only_when_fb15_allows_them(client, portal_world):
    switch_portal(names=True)
    name = "Petra Verantwortlich-Zimmermann"
    assert name in text_of(client.get(reverse("portal_strategy")))
    assert name in text_of(client.get(reverse("portal_measures_csv")))
    assert name in text_of(client.get(reverse("portal_measures_json")))
    # Names of people responsible for confidential measures stay hidden with them.
    lead50 = portal_world["lead50"].get_full_name()
    for name_ in PAGES + EXPORTS:
        assert not lead50 or lead50 not in text_of(client.get(reverse(name_)))


def test_portal_pages_are_cacheable_and_set_no_cookie(client, portal_world):
    switch_portal()
    for url in portal_urls(portal_world):
        response = client.get(url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "max-age=300"} <= cache_control, url
        assert not response.cookies, f"{url} sets {list(response.cookies)}"
    page = client.get(reverse("portal_strategy"))
    again = client.get(reverse("portal_strategy"), headers={"If-None-Match": page["ETag"]})
    assert again.status_code == 304
    public = portal_world["reports"]["public"]
    pdf = client.get(reverse("portal_report_download", args=[public.pk]))
    assert "Last-Modified" in pdf


def test_a_signed_in_visitor_gets_private_answers(client, portal_world):
    switch_portal()
    client.force_login(portal_world["council"])
    response = client.get(reverse("portal_home"))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_portal_before_the_first_revision_says_so_and_shows_no_draft(client, personas):
    switch_portal()
    from tests.factories import FieldOfActionFactory, StrategyFactory

    strategy = StrategyFactory(vision="Leitbild im Entwurf")
    FieldOfActionFactory(strategy=strategy, title="Feld im Entwurf")
    for name in PAGES:
        text = text_of(client.get(reverse(name)))
        assert "Leitbild im Entwurf" not in text and "Feld im Entwurf" not in text
    assert "Noch keine beschlossene Strategie" in text_of(client.get(reverse("portal_strategy")))
    assert client.get(reverse("portal_measures_csv")).status_code == 404


@pytest.mark.parametrize(
    "name, limit",
    [
        ("portal_home", 10),
        ("portal_strategy", 9),
        ("portal_lagebild", 9),
        ("portal_reports", 3),
        ("portal_measures_csv", 9),
        ("portal_measures_json", 10),
        ("portal_catalog", 10),
    ],
)
def test_query_counts_do_not_grow_with_the_number_of_measures(
    client, portal_world, django_assert_max_num_queries, name, limit
):
    switch_portal(names=True)
    make_report("2026-Q2", released=True, public=True, text="Zweiter Bericht")
    url = reverse(name)
    with django_assert_max_num_queries(limit):
        small = client.get(url)
        text_of(small)
    public_measures(portal_world["goal"], portal_world["unit50"], 60, start=100)
    with django_assert_max_num_queries(limit):
        large = client.get(url)
        body = text_of(large)
    if name == "portal_strategy":
        assert "Öffentliche Maßnahme 159" in body


def test_settings_row_is_single_and_off_by_default(db):
    from portal.models import portal_settings

    assert PortalSettings.objects.count() == 1
    assert portal_settings().is_enabled is False
    assert portal_settings().shows_staff_names is False
