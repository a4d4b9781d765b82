"""Comparing revisions: Strategieinhalt and Umsetzungsstand apart, texts word by word."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fb15.diffs import word_diff
from fb15.history import save_with_history
from measures.models import Measure
from strategy import services
from strategy.models import Revision
from tests.factories import FieldOfActionFactory, GoalFactory, MeasureFactory, StrategyFactory

pytestmark = pytest.mark.django_db

COMPARE = reverse("strategy_compare")


def publish(actor, strategy, number):
    return services.publish_revision(
        actor=actor,
        strategy=strategy,
        number=number,
        title=f"Fortschreibung {number}",
        decided_on=timezone.localdate(),
        decision_reference=f"DS {number:04d}/2026",
    )


def save(actor, obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    return save_with_history(obj, actor=actor, reason="Test")


@pytest.fixture
def world(personas):
    """Revision 1, then content and progress changes in the draft (see the comments)."""
    strategist = personas["strategist"]
    strategy = StrategyFactory()
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    goal = GoalFactory(
        field_of_action=field,
        position=1,
        title="Alles online",
        description="Alle Leistungen der Stadt sind online erreichbar.",
    )
    other_goal = GoalFactory(field_of_action=field, position=2, title="Servicekonto")
    unit32, unit50 = personas["unit32"], personas["unit50"]
    renamed = MeasureFactory(goal=goal, owner=unit32, code="M-1", title="Online-Antrag")
    reported = MeasureFactory(goal=goal, owner=unit32, code="M-2", title="E-Payment")
    dropped = MeasureFactory(goal=other_goal, owner=unit32, code="M-3", title="Faxgerät")
    secret = MeasureFactory(
        goal=goal, owner=unit50, code="M-9", title="Geheimer Pilot", is_confidential=True
    )
    publish(strategist, strategy, 1)
    # Content: a goal renamed and its description reworded, a measure renamed, one added,
    # one removed.
    save(
        strategist,
        goal,
        title="Alles online, barrierefrei",
        description="Alle Leistungen der Stadt sind barrierefrei online erreichbar.",
    )
    save(strategist, renamed, title="Online-Antrag Wohngeld", status="in_progress")
    added = MeasureFactory(goal=other_goal, owner=unit32, code="M-4", title="Chatbot")
    dropped._history_user = strategist
    dropped.delete()
    # Progress: status, traffic light, progress and the planned end of another measure.
    save(
        strategist,
        reported,
        status="in_progress",
        traffic_light="amber",
        progress=40,
        planned_end=datetime.date(2028, 6, 30),
    )
    # The confidential measure of FB 50 changes in both ways.
    save(strategist, secret, title="Geheimer Pilot, erweitert", status="done", progress=100)
    return {
        **personas,
        "strategy": strategy,
        "goal": goal,
        "renamed": renamed,
        "reported": reported,
        "added": added,
        "secret": secret,
    }


def page_of(client, **params):
    response = client.get(COMPARE, {"von": 1, "bis": "entwurf", **params})
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, title: str) -> str:
    """The table row whose header cell is `title` (the changes of one object)."""
    match = re.search(
        r'<tr class="kern-table__row">\s*<td[^>]*>[^<]*</td>\s*'
        rf'<th class="kern-table__header" scope="row">{re.escape(title)}</th>.*?</tr>',
        page,
        re.DOTALL,
    )
    assert match, f"no row {title!r}"
    return match.group(0)


def has_row(page: str, title: str) -> bool:
    return f'<th class="kern-table__header" scope="row">{title}</th>' in page


# --------------------------------------------------------------------------- the two views


def test_default_view_is_the_content_and_leaves_out_reported_progress(world, client_for):
    page = page_of(client_for(world["strategist"]))
    assert re.search(
        r'<a class="fb15-view-switch__link" href="[^"]*ansicht=inhalt[^"]*" '
        r'aria-current="page">Strategieinhalt \(',
        page,
    )
    assert '<h2 class="kern-heading-medium" id="view-heading">Strategieinhalt</h2>' in page
    assert has_row(page, "Alles online, barrierefrei")
    assert has_row(page, "Chatbot")
    assert has_row(page, "Faxgerät")
    renamed = row_of(page, "Online-Antrag Wohngeld")
    assert "umbenannt" in renamed
    # Its new status belongs to the other view; the measure with only progress is absent.
    assert "Status" not in renamed and "in Umsetzung" not in renamed
    assert not has_row(page, "E-Payment")
    assert "Fortschritt (%)" not in page and "Ampel" not in page


def test_progress_view_lists_status_light_progress_and_dates_only(world, client_for):
    page = page_of(client_for(world["strategist"]), ansicht="umsetzung")
    assert re.search(
        r'href="[^"]*ansicht=umsetzung[^"]*" aria-current="page">Umsetzungsstand', page
    )
    reported = row_of(page, "E-Payment")
    for expected in (
        "bisher: </span>geplant</del> → <ins",
        "neu: </span>in Umsetzung</ins>",
        "neu: </span>gelb</ins>",
        "bisher: </span>0</del>",
        "neu: </span>40</ins>",
        "geplantes Ende",
        "30. Juni 2028",
    ):
        assert expected in reported, expected
    # The renamed measure is here for its new status only, without its title change.
    renamed = row_of(page, "Online-Antrag Wohngeld")
    assert "in Umsetzung" in renamed and "Titel" not in renamed
    # Structure and texts stay in the content view.
    assert not has_row(page, "Chatbot") and not has_row(page, "Faxgerät")
    assert not has_row(page, "Alles online, barrierefrei")
    assert "Titel und Leitbild" not in page


def test_an_unknown_view_shows_the_content(world, client_for):
    page = page_of(client_for(world["strategist"]), ansicht="alles")
    assert '<h2 class="kern-heading-medium" id="view-heading">Strategieinhalt</h2>' in page


def test_view_links_keep_the_compared_revisions_and_the_form_keeps_the_view(world, client_for):
    page = page_of(client_for(world["strategist"]), ansicht="umsetzung")
    assert 'href="?von=1&amp;bis=entwurf&amp;ansicht=inhalt"' in page
    assert 'href="?von=1&amp;bis=entwurf&amp;ansicht=umsetzung" aria-current="page"' in page
    assert '<input type="hidden" name="ansicht" value="umsetzung">' in page
    content = page_of(client_for(world["strategist"]))
    assert 'name="ansicht"' not in content


def test_each_summary_counts_its_changes_and_links_to_the_section(world, client_for):
    client = client_for(world["strategist"])
    content = page_of(client)
    for text, anchor in (
        ("1 Ziel umbenannt", "inhalt-goals"),
        ("1 Ziel geändert", "inhalt-goals"),
        ("1 Maßnahme neu", "inhalt-measures"),
        ("1 Maßnahme entfallen", "inhalt-measures"),
        ("2 Maßnahmen umbenannt", "inhalt-measures"),
    ):
        assert f'<a class="kern-link" href="#{anchor}">{text}</a>' in content, text
        assert f'id="{anchor}"' in content
    # One goal and four measures (two renamed, one added, one removed); the view switch
    # counts each changed object once.
    assert "Strategieinhalt (5)" in content
    assert "Umsetzungsstand (3)" in content
    progress = page_of(client, ansicht="umsetzung")
    for text in (
        "3 Maßnahmen mit neuem Status",
        "1 Maßnahme mit neuer Ampel",
        "2 Maßnahmen mit neuem Fortschritt",
        "1 Maßnahme mit geänderten Terminen",
    ):
        assert f'<a class="kern-link" href="#umsetzung-measures">{text}</a>' in progress, text
    assert 'id="umsetzung-measures"' in progress
    assert "3 geänderte Einträge:" in progress


def test_no_changes_say_so_in_both_views(personas, client_for):
    strategy = StrategyFactory()
    GoalFactory(field_of_action=FieldOfActionFactory(strategy=strategy, position=1), position=1)
    publish(personas["strategist"], strategy, 1)
    client = client_for(personas["strategist"])
    assert "Keine Änderungen am Strategieinhalt." in page_of(client)
    assert "Keine Änderungen am Umsetzungsstand." in page_of(client, ansicht="umsetzung")


# --------------------------------------------------------------------------- word diff


def test_word_diff_marks_removed_and_added_words_only():
    diff = word_diff("Alle Leistungen sind online.", "Alle Leistungen sind barrierefrei online!")
    assert str(diff.old_html) == (
        "Alle Leistungen sind online"
        '<del class="fb15-word-diff__del"><span class="kern-sr-only">entfernt: </span>.</del>'
    )
    assert str(diff.new_html) == (
        "Alle Leistungen sind "
        '<ins class="fb15-word-diff__ins"><span class="kern-sr-only">hinzugefügt: </span>'
        "barrierefrei </ins>online"
        '<ins class="fb15-word-diff__ins"><span class="kern-sr-only">hinzugefügt: </span>!</ins>'
    )


def test_word_diff_joins_neighbouring_changed_words_and_keeps_line_breaks():
    diff = word_diff(
        "Die neue Akte kommt.\nDann mehr.", "Die digitale Vorgangsakte kommt.\nDann mehr."
    )
    assert "entfernt: </span>neue Akte</del> kommt.\nDann mehr." in str(diff.old_html)
    assert "hinzugefügt: </span>digitale Vorgangsakte</ins>" in str(diff.new_html)


def test_word_diff_escapes_markup_in_the_texts():
    diff = word_diff("<b>fett</b> & mehr", '<b>sehr fett</b> <script>alert("x")</script>')
    html = str(diff.old_html) + str(diff.new_html)
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;" in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "hinzugefügt: </span>sehr </ins>fett" in html


def test_word_diff_shortens_long_unchanged_stretches_around_the_change():
    words = [f"Wort{i}" for i in range(60)]
    changed = [*words[:30], "NEU", *words[31:]]
    diff = word_diff(" ".join(words), " ".join(changed))
    old = str(diff.old_html)
    assert old.count('<span class="fb15-word-diff__gap" aria-hidden="true">…</span>') == 2
    assert "(unveränderter Text ausgelassen)" in old
    assert "Wort0 " not in old and "Wort59" not in old
    assert "Wort22 Wort23" in old and "Wort37 Wort38" in old  # eight words either side
    assert "entfernt: </span>Wort30</del>" in old


def test_word_diff_of_an_empty_side_is_a_dash():
    diff = word_diff("", "Neu")
    assert str(diff.old_html) == "—"
    assert "hinzugefügt: </span>Neu</ins>" in str(diff.new_html)


def test_changed_texts_are_compared_word_by_word_on_the_page(world, client_for):
    goal = world["goal"]
    save(world["strategist"], goal, description="Mit <b>Fettdruck</b> und online erreichbar.")
    row = row_of(page_of(client_for(world["strategist"])), "Alles online, barrierefrei")
    assert '<div class="fb15-word-diff">' in row
    assert "Alles online" in row
    assert "hinzugefügt: </span>, barrierefrei</ins>" in row
    assert "&lt;b&gt;Fettdruck&lt;/b&gt;" in row and "<b>" not in row


def test_history_tab_shows_changed_texts_word_by_word(world, client_for):
    goal = world["goal"]
    page = client_for(world["staff"]).get(reverse("goal_history", args=[goal.pk]))
    text = page.content.decode()
    assert "hinzugefügt: </span>barrierefrei </ins>online erreichbar." in text
    assert "hinzugefügt: </span>, barrierefrei</ins>" in text


# --------------------------------------------------------------------------- restriction


def test_a_confidential_measure_stays_out_of_both_views_for_other_readers(world, client_for):
    publish(world["strategist"], world["strategy"], 2)
    secret = world["secret"]
    for who, sees in (
        ("strategist", True),
        ("lead50", True),
        ("lead32", False),
        ("council", False),
        ("staff", False),
    ):
        client = client_for(world[who])
        for view in ("inhalt", "umsetzung"):
            response = client.get(COMPARE, {"von": 1, "bis": 2, "ansicht": view})
            assert response.status_code == 200, who
            page = response.content.decode()
            assert has_row(page, "E-Payment" if view == "umsetzung" else "Chatbot"), who
            assert (secret.title in page) is sees, (who, view)
            assert ("Geheimer Pilot" in page) is sees, (who, view)
            if not sees:  # rows name objects by title; nor may its code appear anywhere
                assert secret.code not in page, (who, view)


# --------------------------------------------------------------------------- long lists


def grow_changed_measures(world, count: int) -> None:
    """`count` more measures, in revision 1 and then each with a new title and progress."""
    goal = world["goal"]
    rows = [
        Measure(goal=goal, owner=world["unit32"], code=f"X-{index:04d}", title=f"Zusatz {index}")
        for index in range(count)
    ]
    published = Revision.objects.get(number=1).published_at
    bulk_create_with_history(
        rows,
        Measure,
        default_user=world["strategist"],
        default_date=published - datetime.timedelta(minutes=1),
    )
    rows = list(Measure.objects.filter(code__startswith="X-"))
    for measure in rows:
        measure.title = f"{measure.title} (neu gefasst)"
        measure.progress = 50
    bulk_update_with_history(rows, Measure, ["title", "progress"], default_user=world["strategist"])


@pytest.mark.parametrize("extra", [2, 130])
@pytest.mark.parametrize("view", ["inhalt", "umsetzung"])
def test_query_count_does_not_grow_with_the_changes(
    world, client_for, extra, view, django_assert_max_num_queries
):
    grow_changed_measures(world, extra)
    client = client_for(world["strategist"])
    # 16 at both sizes: session, user, roles, navigation, the city's settings, the revisions;
    # each snapshot with one query per model (strategy, fields, goals, measures).
    with django_assert_max_num_queries(16):
        page = page_of(client, ansicht=view)
    assert "(neu gefasst)" in page


def test_more_than_a_hundred_changed_measures_are_paged(world, client_for):
    grow_changed_measures(world, 130)
    client = client_for(world["strategist"])
    first = page_of(client, ansicht="umsetzung")
    # 130 new progress values and the three of the fixture.
    assert "Maßnahmen (133) – Zeilen 1 bis 100" in first
    assert first.count('scope="row"') == 100
    assert "Seite 1 von 2" in first
    assert (
        'href="?von=1&amp;bis=entwurf&amp;ansicht=umsetzung&amp;seite=2#umsetzung-measures"'
        in first
    )
    second = page_of(client, ansicht="umsetzung", seite=2)
    assert "Maßnahmen (133) – Zeilen 101 bis 133" in second
    assert second.count('scope="row"') == 33
    # The view switch starts the other view on its first page.
    assert 'href="?von=1&amp;bis=entwurf&amp;ansicht=inhalt"' in second
    # The summary counts all, not only the shown page.
    assert ">133 Maßnahmen mit neuem Fortschritt<" not in second
    assert ">132 Maßnahmen mit neuem Fortschritt<" in second
    assert ">133 Maßnahmen mit neuem Status<" not in second  # 130 only changed progress
    assert ">3 Maßnahmen mit neuem Status<" in second


def test_goal_items_are_still_read_with_the_goals_of_each_snapshot(world):
    """The diff service gives the same split as the page (used by reports and tests)."""
    diff = services.diff_revisions(Revision.objects.get(number=1), None)
    content, progress = diff.content(), diff.progress()
    assert {row.title for s in content.sections for row in s.rows} >= {
        "Alles online, barrierefrei",
        "Chatbot",
        "Faxgerät",
        "Online-Antrag Wohngeld",
    }
    assert {row.title for s in progress.sections for row in s.rows} == {
        "E-Payment",
        "Online-Antrag Wohngeld",
        "Geheimer Pilot, erweitert",
    }
