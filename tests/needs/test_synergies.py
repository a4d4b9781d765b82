"""Synergies: similar items of other units, their quality on a realistic fixture, FB 15's
marks, the Synergien page, query counts."""

from __future__ import annotations

import sys

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from fb15.models import Role
from needs import tasks
from needs.models import Need, SynergyCandidate, SynergyMark
from needs.synergies import item_key, similar_items
from standards.models import Service
from tests.factories import (
    GoalFactory,
    MeasureFactory,
    NeedFactory,
    OrgUnitFactory,
    ProjectFactory,
    TrendFactory,
    UserFactory,
)
from tests.needs.similarity_fixture import ITEMS
from tests.reporting.test_broker_down import broker_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def build_fixture() -> list[tuple[str, object]]:
    goal = GoalFactory()
    units = {}
    items = []
    for cluster, code, kind, title, text in ITEMS:
        unit = units.get(code) or units.setdefault(code, OrgUnitFactory(code=code))
        if kind == "need":
            obj = NeedFactory(owner=unit, title=title, problem=text, benefit="")
        else:
            obj = MeasureFactory(owner=unit, goal=goal, title=title, description=text)
        items.append((cluster, obj))
    return items


def test_similar_items_find_the_same_thing_in_other_words(personas, capsys):
    """Precision of the top-3 suggestions over the fixture's known pairs (≥ 0.7 on PostgreSQL)."""
    items = build_fixture()
    cluster_of = {item_key(obj): cluster for cluster, obj in items}
    suggested = relevant = found_partners = partners = 0
    for cluster, obj in items:
        if not cluster:
            continue
        top = similar_items(personas["strategist"], obj, limit=3)
        suggested += len(top)
        relevant += sum(1 for item in top if cluster_of.get(item.key) == cluster)
        partners += min(3, sum(1 for c, _o in items if c == cluster) - 1)
        found_partners += sum(1 for item in top if cluster_of.get(item.key) == cluster)
    precision = relevant / suggested
    recall = found_partners / partners
    with capsys.disabled():
        sys.stdout.write(
            f"\nsynergies on {connection.vendor}: {len(items)} items, top-3 precision "
            f"{precision:.2f} ({relevant}/{suggested}), recall {recall:.2f}\n"
        )
    assert len(items) >= 40
    if connection.vendor == "postgresql":
        assert precision >= 0.7, f"precision {precision:.2f}"
    assert recall >= 0.5, f"recall {recall:.2f}"


def test_box_shows_other_units_items_only_as_the_reader_may_see_them(personas, client_for):
    unit32, unit50 = personas["unit32"], personas["unit50"]
    mine = NeedFactory(owner=unit32, title="Online-Terminvergabe Bürgerbüro")
    NeedFactory(owner=unit32, title="Terminbuchung im Internet (eigener FB)")
    public = NeedFactory(owner=unit50, title="Terminbuchung im Internet für Beratungen")
    NeedFactory(owner=unit50, title="Terminvergabe online, vertraulich", is_confidential=True)
    measure = MeasureFactory(owner=unit50, title="Online-Terminvergabe für alle Ämter")
    lead32 = client_for(personas["lead32"])
    page = lead32.get(mine.get_absolute_url()).content.decode()
    # The page names the box and links it; htmx swaps the items in (the page does not wait).
    box_url = reverse("similar_items", args=["need", mine.pk])
    assert "Ähnliche Vorhaben in anderen Fachbereichen" in page
    assert f'hx-get="{box_url}"' in page and "Terminbuchung" not in page
    box = lead32.get(box_url, headers={"HX-Request": "true"}).content.decode()
    assert box.strip().startswith("<section") and "Ähnliche Vorhaben in anderen" in box
    assert "Terminbuchung im Internet für Beratungen" in box
    assert public.get_absolute_url() not in box  # another unit's need: title only
    assert measure.get_absolute_url() in box
    assert "vertraulich" not in box and "eigener FB" not in box
    # Without JavaScript the link opens the same items as a page of its own.
    plain = lead32.get(box_url).content.decode()
    assert "<html" in plain and mine.get_absolute_url() in plain
    assert "Terminbuchung im Internet für Beratungen" in plain
    # The measure has the box too, with the need of FB 32 by title.
    lead50 = client_for(personas["lead50"])
    box = lead50.get(reverse("similar_items", args=["measure", measure.pk])).content.decode()
    assert "Online-Terminvergabe Bürgerbüro" in box.split("similar-heading")[-1]
    # Only for readers of the item: FB 50 may not read FB 32's need, nor guess other kinds.
    assert lead50.get(box_url).status_code == 404
    assert lead50.get(f"/synergien/aehnlich/user/{mine.pk}/").status_code == 404


def test_a_mark_from_the_box_on_an_items_page_returns_to_that_page(personas, client_for):
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe Bürgerbüro")
    other = MeasureFactory(owner=personas["unit50"], title="Online-Terminvergabe für alle Ämter")
    client = client_for(personas["strategist"])
    box = client.get(
        reverse("similar_items", args=["need", need.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert f'name="next" value="{need.get_absolute_url()}"' in box
    assert "Online-Terminvergabe für alle Ämter" in box
    response = client.post(
        reverse("synergy_mark"),
        {
            "key_a": item_key(need),
            "key_b": item_key(other),
            "kind": "unrelated",
            "next": need.get_absolute_url(),
        },
    )
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    box = client.get(
        reverse("similar_items", args=["need", need.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "für alle Ämter" not in box


def test_shared_trend_links_items(personas, client_for):
    trend = TrendFactory(title="Künstliche Intelligenz")
    need = NeedFactory(owner=personas["unit32"], title="Anfragen automatisch beantworten")
    need.trends.add(trend)
    measure = MeasureFactory(owner=personas["unit50"], title="Texterkennung Posteingang")
    measure.trends.add(trend)
    found = similar_items(personas["strategist"], need)
    assert [item.key for item in found] == [item_key(measure)]
    assert "gleicher Trend" in found[0].reasons


def test_shared_service_links_items_of_any_kind(personas):
    service = Service.objects.create(name="Wohnsitz anmelden")
    need = NeedFactory(owner=personas["unit32"], title="Meldebescheinigung per Post")
    need.services.add(service)
    project = ProjectFactory(owner=personas["unit50"], title="Neues Fachverfahren Bürgeramt")
    project.services.add(service)
    found = similar_items(personas["strategist"], need)
    assert [item.key for item in found] == [item_key(project)]
    assert "gleiche Verwaltungsleistung" in found[0].reasons
    # and back: a project carries services only, no trends
    assert [item.key for item in similar_items(personas["strategist"], project)] == [item_key(need)]


def test_marks_are_kept_and_dismissed_pairs_disappear(personas):
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe Bürgerbüro")
    other = NeedFactory(owner=personas["unit50"], title="Online-Terminvergabe Sozialamt")
    project = ProjectFactory(owner=personas["unit50"], title="Terminvergabe online")
    strategist = client_as(personas["strategist"])
    mark = reverse("synergy_mark")
    data = {"key_a": item_key(need), "key_b": item_key(other), "next": need.get_absolute_url()}
    response = strategist.post(mark, {**data, "kind": "coordinate"})
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    found = {item.key: item for item in similar_items(personas["strategist"], need)}
    assert found[item_key(other)].mark == "coordinate"
    strategist.post(mark, {**data, "kind": "unrelated"})
    assert SynergyMark.objects.get().kind == "unrelated"
    assert SynergyMark.objects.get().history.count() == 2
    keys = [item.key for item in similar_items(personas["strategist"], need)]
    assert item_key(other) not in keys and item_key(project) in keys
    # Seen from the other side too.
    assert item_key(need) not in [i.key for i in similar_items(personas["strategist"], other)]
    page = strategist.get(reverse("synergies")).content.decode()
    assert "Markierte Paare" in page and "kein Zusammenhang" in page


def test_only_fb15_marks_pairs_and_sees_the_synergies_page(personas):
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe")
    other = NeedFactory(owner=personas["unit50"], title="Online-Terminvergabe Sozialamt")
    lead = client_as(personas["lead32"])
    data = {"key_a": item_key(need), "key_b": item_key(other), "kind": "unrelated"}
    assert lead.post(reverse("synergy_mark"), data).status_code == 403
    assert lead.get(reverse("synergies")).status_code == 403
    assert not SynergyMark.objects.exists()
    strategist = client_as(personas["strategist"])
    bad = {**data, "key_b": "need:999999"}
    assert strategist.post(reverse("synergy_mark"), bad).status_code == 404
    response = strategist.post(reverse("synergy_mark"), {**data, "kind": "egal"})
    assert response.status_code == 302 and not SynergyMark.objects.exists()


def test_synergies_page_shows_the_stored_clusters_once_computed(personas):
    need = NeedFactory(owner=personas["unit32"], title="E-Akte im Ordnungsamt")
    measure = MeasureFactory(owner=personas["unit50"], title="Einführung der E-Akte im Sozialamt")
    strategist = client_as(personas["strategist"])
    page = strategist.get(reverse("synergies")).content.decode()
    assert "Noch nicht berechnet" in page and "Einführung der E-Akte im Sozialamt" not in page
    assert tasks.refresh_synergies() >= 1
    stored = SynergyCandidate.objects.get(need=need, item_key=item_key(measure))
    assert stored.unit == personas["unit50"] and "title" in stored.reasons
    page = strategist.get(reverse("synergies")).content.decode()
    assert "Zuletzt berechnet am" in page
    cluster = page.split("E-Akte im Ordnungsamt")[1]
    assert "Einführung der E-Akte im Sozialamt" in cluster and "ähnlicher Titel" in cluster


def test_synergies_page_names_the_service_a_pair_shares(personas):
    service = Service.objects.create(name="Gewerbe anmelden")
    need = NeedFactory(owner=personas["unit32"], title="Gewerbeanmeldung ohne Papier")
    need.services.add(service)
    project = ProjectFactory(owner=personas["unit50"], title="Unternehmenskonto")
    project.services.add(service)
    tasks.refresh_synergies()
    page = client_as(personas["strategist"]).get(reverse("synergies")).content.decode()
    cluster = page.split("Gewerbeanmeldung ohne Papier")[1]
    assert "Unternehmenskonto" in cluster
    assert "gleiche Verwaltungsleistung: Gewerbe anmelden" in cluster


def test_a_dismissed_pair_leaves_the_synergies_page_at_once(personas):
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe Bürgerbüro")
    measure = MeasureFactory(owner=personas["unit50"], title="Online-Terminvergabe Sozialamt")
    tasks.refresh_synergies()
    strategist = client_as(personas["strategist"])
    assert "Online-Terminvergabe Sozialamt" in strategist.get(reverse("synergies")).content.decode()
    data = {"key_a": item_key(measure), "key_b": item_key(need), "kind": "unrelated"}
    strategist.post(reverse("synergy_mark"), data, follow=True)  # shows the message
    page = strategist.get(reverse("synergies")).content.decode()
    clusters = page.split("Markierte Paare")[0]
    assert "Online-Terminvergabe Sozialamt" not in clusters
    assert "kein Zusammenhang" in page.split("Markierte Paare")[1]
    # Nor does the next computation store it again.
    tasks.refresh_synergies()
    assert not SynergyCandidate.objects.filter(item_key=item_key(measure)).exists()


def run_refresh_inline(monkeypatch) -> None:
    """The refresh runs in the test instead of going to the broker."""
    monkeypatch.setattr(
        tasks.refresh_item_synergies,
        "apply_async",
        lambda args, **options: tasks.refresh_item_synergies(*args),
    )


@pytest.mark.usefixtures("broker_down")
def test_a_save_while_the_broker_is_down_is_kept_and_only_warned_about(
    personas, django_capture_on_commit_callbacks, caplog
):
    measure = MeasureFactory(owner=personas["unit50"], title="Einführung der E-Akte")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measure.title = "E-Akte im Sozialamt"
        measure.save()
    assert len(callbacks) == 1  # published, refused by the broker, not raised
    measure.refresh_from_db()
    assert measure.title == "E-Akte im Sozialamt"
    assert "Broker nicht erreichbar" in caplog.text


def test_changing_a_needs_title_recomputes_its_pairs(
    personas, django_capture_on_commit_callbacks, monkeypatch
):
    need = NeedFactory(owner=personas["unit32"], title="Neue Sitzmöbel für das Bürgerbüro")
    measure = MeasureFactory(owner=personas["unit50"], title="Einführung der E-Akte im Sozialamt")
    tasks.refresh_synergies()
    assert not SynergyCandidate.objects.filter(need=need).exists()
    run_refresh_inline(monkeypatch)
    need = Need.objects.get(pk=need.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        need.rank_override = 3  # not what it is compared by: nothing to recompute
        need.save()
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        need.title = "E-Akte im Ordnungsamt"
        need.save()
    assert len(callbacks) == 1
    assert SynergyCandidate.objects.filter(need=need, item_key=item_key(measure)).exists()
    # A measure renamed away from the topic leaves the need's list.
    with django_capture_on_commit_callbacks(execute=True):
        measure.title = "Sitzmöbel für das Sozialamt"
        measure.save()
    assert not SynergyCandidate.objects.filter(need=need, item_key=item_key(measure)).exists()


def test_a_rejected_need_and_a_deleted_measure_leave_the_stored_pairs(
    personas, django_capture_on_commit_callbacks, monkeypatch
):
    need = NeedFactory(owner=personas["unit32"], title="E-Akte im Ordnungsamt")
    other = NeedFactory(owner=personas["unit50"], title="E-Akte im Sozialamt")
    measure = MeasureFactory(owner=OrgUnitFactory(code="FB 70"), title="E-Akte im Bauamt")
    tasks.refresh_synergies()
    assert SynergyCandidate.objects.filter(need=need, item_key=item_key(measure)).exists()
    run_refresh_inline(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        need.state = "rejected"
        need.save()
    assert not SynergyCandidate.objects.filter(need=need).exists()
    assert SynergyCandidate.objects.filter(need=other, item_key=item_key(measure)).exists()
    key = item_key(measure)
    with django_capture_on_commit_callbacks(execute=True):
        measure.delete()
    assert not SynergyCandidate.objects.filter(item_key=key).exists()
    page = client_as(personas["strategist"]).get(reverse("synergies")).content.decode()
    # No longer a cluster of its own (it may still be listed as another need's match).
    assert f'id="cluster-{need.pk}"' not in page and f'id="cluster-{other.pk}"' in page


@pytest.mark.parametrize("count", [3, 30])
def test_synergies_page_query_count_does_not_grow(personas, django_assert_max_num_queries, count):
    goal = GoalFactory()
    for index in range(count):
        NeedFactory(owner=personas["unit32"], title=f"E-Akte im Ordnungsamt {index}")
        MeasureFactory(owner=personas["unit50"], goal=goal, title=f"E-Akte Sozialamt {index}")
        ProjectFactory(owner=personas["unit50"], title=f"E-Akte Projekt {index}")
    tasks.refresh_synergies()
    client = client_as(personas["strategist"])
    # + up to 6 for the names of the links the pairs share (services, trends, standards)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("synergies"))
    assert response.status_code == 200
    assert response.content.decode().count("E-Akte Sozialamt") >= min(count, 5)


# The need page without its similar items, and the box htmx swaps in (14 for FB 15; a
# member's grants read once: units, grants on measures and on projects).
PAGE_QUERIES, BOX_QUERIES = 18, 17


@pytest.mark.parametrize("count", [3, 30])
def test_box_query_count_does_not_grow(personas, django_assert_max_num_queries, count):
    units = [OrgUnitFactory(code=f"FB {60 + index}") for index in range(3)]
    goal = GoalFactory()
    for index in range(count):
        unit = units[index % 3]
        NeedFactory(owner=unit, title=f"Online-Terminvergabe Variante {index}")
        MeasureFactory(owner=unit, goal=goal, title=f"Terminbuchung im Internet {index}")
        ProjectFactory(owner=unit, title=f"Terminvergabe Projekt {index}")
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe Bürgerbüro")
    SynergyMark.objects.create(key_a="measure:1", key_b=item_key(need), kind="unrelated")
    member = UserFactory(username="team32", roles=[Role.STAFF])
    personas["unit32"].members.add(member)
    box_url = reverse("similar_items", args=["need", need.pk])
    for user in (personas["strategist"], member):
        client = client_as(user)
        with django_assert_max_num_queries(PAGE_QUERIES):
            response = client.get(need.get_absolute_url())
        assert response.status_code == 200 and box_url in response.content.decode()
        with django_assert_max_num_queries(BOX_QUERIES):
            response = client.get(box_url, headers={"HX-Request": "true"})
        assert "Online-Terminvergabe Variante" in response.content.decode()
    assert Need.objects.count() == count + 1
