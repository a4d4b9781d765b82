"""One search across the application: German matching, ranking, restriction, hostile input.

The matching tests run on both databases: on PostgreSQL through German full text, on SQLite
(DATABASE_URL unset) through the folding fallback.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fb15.search import MAX_QUERY_LENGTH, search
from measures.models import Measure
from standards.models import Exemption, Standard
from strategy.services import publish_revision
from tests.factories import (
    ExemptionFactory,
    FieldOfActionFactory,
    GoalFactory,
    MeasureFactory,
    OrgUnitFactory,
    ProjectFactory,
    StandardFactory,
    TrendFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def found(user, query):
    return [hit.object for hit in search(user, query).hits]


def test_anträge_finds_a_measure_titled_antrag(personas):
    antrag = MeasureFactory(title="Antrag auf Wohngeld online stellen")
    MeasureFactory(title="Schulhof sanieren")
    assert found(personas["strategist"], "Anträge") == [antrag]


def test_digitalisierung_finds_digitalisierten_in_a_description(personas):
    measure = MeasureFactory(
        title="Bauakten", description="Alle Bauakten liegen 2027 in digitalisierten Archiven."
    )
    MeasureFactory(title="Papierakten", description="Akten bleiben im Keller.")
    assert found(personas["strategist"], "Digitalisierung") == [measure]


def test_strasse_finds_strasse_with_sharp_s_and_back(personas):
    standard = StandardFactory(title="Schnittstelle für Straßenverzeichnisse")
    trend = TrendFactory(title="Digitale Strasse")
    assert set(found(personas["strategist"], "Strasse")) == {standard, trend}
    assert set(found(personas["strategist"], "Straße")) == {standard, trend}


def test_umlauts_match_with_and_without_marks_and_as_ae(personas):
    measure = MeasureFactory(title="Schülerausweis digital ausgeben")
    assert found(personas["strategist"], "schule") == [measure]
    assert found(personas["strategist"], "SCHÜLER") == [measure]
    assert found(personas["strategist"], "Schueler") == [measure]
    project = ProjectFactory(title="Anträge im Bürgerportal")
    assert found(personas["strategist"], "Antraege") == [project]


def test_title_match_ranks_above_description_match(personas):
    in_text = MeasureFactory(title="Bürgerservice", description="Ein Chatbot beantwortet Fragen.")
    in_title = MeasureFactory(title="Chatbot für Bürgeranfragen", description="Rund um die Uhr.")
    assert found(personas["strategist"], "Chatbot") == [in_title, in_text]


def test_a_code_is_found_as_typed(personas):
    measure = MeasureFactory(code="M-2.3-01", title="Formularserver")
    MeasureFactory(code="M-4.1-02", title="Anderes")
    assert found(personas["strategist"], "M-2.3") == [measure]
    assert found(personas["strategist"], "m-2.3-01") == [measure]


def test_every_kind_of_object_is_found_with_its_german_type(personas):
    word = "Barrierefreiheit"
    field = FieldOfActionFactory(title=f"{word} und Teilhabe")
    goal = GoalFactory(
        field_of_action=field, title="Alle Formulare sind zugänglich", description=word
    )
    MeasureFactory(goal=goal, title=f"{word} der Website prüfen")
    ProjectFactory(title=f"{word} im Portal")
    standard = StandardFactory(code="BF-01", title=f"BITV und {word}")
    ExemptionFactory(
        unit=personas["unit32"], standard=standard, justification=f"{word} folgt 2027."
    )
    TrendFactory(title="Leichte Sprache", description=f"Baustein der {word}.")
    OrgUnitFactory(code="FB 99", name=f"Stabsstelle {word}")
    labels = {hit.type_label for hit in search(personas["strategist"], word).hits}
    assert labels == {
        "Handlungsfeld",
        "Ziel",
        "Maßnahme",
        "Projekt",
        "Standard",
        "Ausnahme",
        "Trend",
        "Fachbereich",
    }


def test_lead_of_another_unit_never_finds_a_confidential_measure(personas):
    secret = MeasureFactory(
        owner=personas["unit32"], title="Videoüberwachung am Bahnhof", is_confidential=True
    )
    public = MeasureFactory(owner=personas["unit32"], title="Videoüberwachung Hinweisschilder")
    assert found(personas["lead50"], "Videoüberwachung") == [public]
    assert found(personas["council"], "Videoüberwachung") == [public]
    assert set(found(personas["lead32"], "Videoüberwachung")) == {secret, public}
    assert set(found(personas["strategist"], "Videoüberwachung")) == {secret, public}


def test_council_finds_published_goals_but_never_a_draft_goal(personas):
    field = FieldOfActionFactory(title="Daten")
    adopted = GoalFactory(field_of_action=field, title="Verwaltungsdaten offen bereitstellen")
    publish_revision(
        actor=personas["strategist"],
        strategy=field.strategy,
        number=1,
        title="Fortschreibung 1",
        decided_on=timezone.localdate(),
        decision_reference="DS 1/2026",
    )
    draft = GoalFactory(field_of_action=field, title="Verwaltungsdaten im Portal")
    assert found(personas["council"], "Verwaltungsdaten") == [adopted]
    assert set(found(personas["strategist"], "Verwaltungsdaten")) == {adopted, draft}


def test_a_user_without_rights_finds_nothing_a_list_would_hide(personas):
    stranger = UserFactory(username="fremd")
    standard = StandardFactory(code="SW-03", title="E-Akte Altverfahren")
    ExemptionFactory(unit=personas["unit32"], standard=standard, justification="Altverfahren")
    MeasureFactory(owner=personas["unit32"], title="Altverfahren ablösen")
    assert found(stranger, "Altverfahren") == []
    # Whoever may read the lists finds the same rows there and in the search.
    for who in ("lead50", "council", "strategist"):
        user = personas[who]
        hits = set(found(user, "Altverfahren"))
        assert hits == {
            *Exemption.objects.restrict(user, "view").filter(justification="Altverfahren"),
            *Measure.objects.restrict(user, "view").filter(title__contains="Altverfahren"),
            *Standard.objects.restrict(user, "view").filter(title__contains="Altverfahren"),
        }


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("search"), {"q": "Antrag"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_results_page_shows_type_link_and_highlighted_title(personas, client_for):
    measure = MeasureFactory(
        title="Antrag <b>online</b>", description="Der Antrag wird digital gestellt."
    )
    page = client_for(personas["lead32"]).get(reverse("search"), {"q": "Anträge"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Maßnahme" in html and measure.get_absolute_url() in html
    assert "<mark>Antrag</mark> &lt;b&gt;online&lt;/b&gt;" in html
    assert "<b>online</b>" not in html
    # The header search keeps the query.
    assert 'name="q" type="search" maxlength="200" value="Anträge"' in html


def test_empty_query_explains_what_to_type(personas, client_for):
    page = client_for(personas["staff"]).get(reverse("search"), {"q": "   "})
    assert page.status_code == 200
    assert "Bitte geben Sie oben einen Suchbegriff ein." in page.content.decode()


@pytest.mark.parametrize("query", ["'\"&|!:*()", "<script>alert(1)</script>", "-", '"', "!!!"])
def test_hostile_queries_give_a_german_hint_not_an_error(personas, client_for, query):
    MeasureFactory(title="Antrag")
    page = client_for(personas["staff"]).get(reverse("search"), {"q": query})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "Der Suchbegriff enthält kein Wort" in html or "Keine Treffer" in html


@pytest.mark.parametrize(
    "query",
    [
        "Antrag & | ! : * ( ) ' \"",
        "Antrag:* | x",
        "'Antrag'",
        "Antrag -Wohngeld oder Schule",
        "\\' OR 1=1 --",
        "a" * 5000,
        "Antrag " * 1000,
    ],
)
def test_odd_and_very_long_queries_never_fail(personas, client_for, query):
    MeasureFactory(title="Antrag auf Wohngeld")
    page = client_for(personas["staff"]).get(reverse("search"), {"q": query})
    assert page.status_code == 200
    if len(query) > MAX_QUERY_LENGTH:
        assert "wurde gekürzt" in page.content.decode()


def test_natural_syntax_excludes_and_alternates(personas):
    wohngeld = MeasureFactory(title="Antrag auf Wohngeld")
    kita = MeasureFactory(title="Antrag auf einen Kitaplatz")
    assert found(personas["strategist"], "Antrag -Wohngeld") == [kita]
    assert set(found(personas["strategist"], "Wohngeld oder Kitaplatz")) == {wohngeld, kita}
    assert set(found(personas["strategist"], "Wohngeld or Kitaplatz")) == {wohngeld, kita}


def test_results_are_paginated_and_filtered_by_type(personas, client_for):
    for number in range(25):
        MeasureFactory(title=f"Breitbandausbau Abschnitt {number}")
    TrendFactory(title="Breitband per Satellit")
    client = client_for(personas["strategist"])
    html = client.get(reverse("search"), {"q": "Breitband"}).content.decode()
    assert "26 Treffer" in html and "Seite 1 von 2" in html
    assert "Maßnahmen (25)" in html and "Trends (1)" in html
    trends = client.get(reverse("search"), {"q": "Breitband", "typ": "trend"}).content.decode()
    main = trends[trends.index("<main") :]
    assert "<mark>Breitband</mark> per Satellit" in main and "Abschnitt" not in main


def _make_matching_rows(personas, count, offset):
    standard = StandardFactory(code=f"Q-{offset}", title="Zählstandard Quelle")
    for number in range(offset, offset + count):
        field = FieldOfActionFactory(title=f"Quelle Feld {number}")
        goal = GoalFactory(field_of_action=field, title=f"Quelle Ziel {number}")
        MeasureFactory(goal=goal, owner=personas["unit32"], title=f"Quelle Maßnahme {number}")
        ProjectFactory(owner=personas["unit32"], title=f"Quelle Projekt {number}")
        StandardFactory(code=f"Q-{number + 1000}", title=f"Quelle Standard {number}")
        ExemptionFactory(unit=personas["unit32"], standard=standard, justification="Quelle")
        TrendFactory(title=f"Quelle Trend {number}")
        OrgUnitFactory(code=f"FB {number + 500}", name=f"Quelle Amt {number}")


@pytest.mark.parametrize("who", ["strategist", "lead32", "council"])
def test_query_count_does_not_grow_with_the_number_of_results(personas, client_for, who):
    user = personas[who]
    _make_matching_rows(personas, 1, 0)
    client = client_for(user)
    client.get(reverse("search"), {"q": "Quelle"})  # session and permission caches warm
    with CaptureQueriesContext(connection) as few:
        small = client.get(reverse("search"), {"q": "Quelle"})
    _make_matching_rows(personas, 12, 100)
    with CaptureQueriesContext(connection) as many:
        large = client.get(reverse("search"), {"q": "Quelle"})
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("fb15-search-hit__type") == 20  # one full page
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    # One query per searchable model (9, needs included), session and user (2), permission
    # caches (2) and the latest revision for the draft rule of fields of action and goals (2).
    assert len(many) <= 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_the_measure_search_uses_its_gin_index(personas):
    """The index (search/migrations/0001) is on the very expression the search queries."""
    MeasureFactory(title="Antrag auf Wohngeld")
    with CaptureQueriesContext(connection) as queries:
        search(personas["strategist"], "Anträge")
    sql = next(q["sql"] for q in queries.captured_queries if 'FROM "measures_measure"' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_measure_fts" in plan
