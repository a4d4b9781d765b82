"""The strategy page at any size: roll-ups counted in SQL, a large goal's measures on demand."""

import pytest
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from measures.models import Measure
from strategy import services
from strategy.tree import Rollup, build_tree
from strategy.views import GOAL_ITEMS_PAGE_SIZE, INLINE_ITEMS
from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

pytestmark = pytest.mark.django_db

LIGHTS = ["green", "amber", "red", ""]


def add_measures(goal, unit, count, offset=0):
    bulk_create_with_history(
        [
            Measure(
                goal=goal,
                owner=unit,
                code=f"M-{goal.pk}-{offset + n:04d}",
                title=f"Maßnahme {offset + n} zu {goal.title}",
                traffic_light=LIGHTS[n % 4],
                progress=n % 101,
            )
            for n in range(count)
        ],
        Measure,
    )


@pytest.fixture
def world(personas):
    """A small goal (shown inline) and a large one (loaded on demand), one revision."""
    strategy = StrategyFactory()
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    small = GoalFactory(field_of_action=field, position=1, title="Servicekonto")
    large = GoalFactory(field_of_action=field, position=2, title="Alles online")
    add_measures(small, personas["unit32"], 3)
    add_measures(large, personas["unit32"], INLINE_ITEMS + 40)
    services.publish_revision(
        actor=personas["strategist"],
        strategy=strategy,
        number=1,
        title="Fortschreibung 1",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    return {"strategy": strategy, "small": small, "large": large, **personas}


def items_url(goal, query=""):
    return reverse("goal_items", args=[goal.pk, "measures"]) + query


def test_roll_ups_counted_in_sql_equal_those_of_the_loaded_measures(world):
    counted = build_tree(world["strategy"], inline_limit=INLINE_ITEMS)
    loaded = build_tree(world["strategy"])
    for counted_goal, loaded_goal in zip(counted.goals, loaded.goals, strict=True):
        assert counted_goal.rollup == loaded_goal.rollup
        assert counted_goal.rollup == Rollup.of(loaded_goal.items["measures"])
    assert counted.fields[0].rollup == loaded.fields[0].rollup
    assert counted.fields[0].rollup.count == INLINE_ITEMS + 43


@pytest.mark.parametrize("who", ["strategist", "council"])
def test_large_goal_shows_its_roll_up_and_a_link_instead_of_its_measures(world, client_for, who):
    page = client_for(world[who]).get(reverse("strategy_detail")).content.decode()
    assert "Maßnahme 2 zu Servicekonto" in page  # the small goal lists its measures
    assert "zu Alles online" not in page
    assert f"{INLINE_ITEMS + 40} Maßnahmen" in page  # the roll-up still counts them all
    assert f'href="{items_url(world["large"])}"' in page
    assert f"Maßnahmen anzeigen ({INLINE_ITEMS + 40})" in page


def test_as_of_page_links_to_the_measures_of_that_revision(world, client_for):
    page = client_for(world["strategist"]).get(reverse("strategy_as_of") + "?revision=1")
    assert f'href="{items_url(world["large"], "?revision=1")}"' in page.content.decode()


def test_the_plain_link_pages_through_a_goals_measures(world, client_for):
    client = client_for(world["council"])
    first = client.get(items_url(world["large"])).content.decode()
    assert "<h1" in first and "Alles online" in first
    assert "Maßnahme 0 zu Alles online" in first
    assert f"Maßnahme {GOAL_ITEMS_PAGE_SIZE - 1} zu Alles online" in first
    assert f"Maßnahme {GOAL_ITEMS_PAGE_SIZE} zu" not in first
    assert "Seite 1 von 2" in first
    second = client.get(items_url(world["large"], "?seite=2")).content.decode()
    assert f"Maßnahme {INLINE_ITEMS + 39} zu Alles online" in second
    assert "Maßnahme 0 zu" not in second


def test_htmx_gets_the_list_alone(world, client_for):
    response = client_for(world["strategist"]).get(
        items_url(world["large"], "?revision=1"), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="ziel-{world["large"].pk}-measures"' in body
    assert "revision=1&amp;seite=2" in body


def test_a_revision_shows_the_measures_as_they_were(world, client_for):
    renamed = Measure.objects.get(goal=world["large"], code__endswith="-0000")
    renamed.title = "Nach der Fortschreibung umbenannt"
    renamed._change_reason = "Test"
    renamed.save()
    client = client_for(world["strategist"])
    then = client.get(items_url(world["large"], "?revision=1")).content.decode()
    assert "Maßnahme 0 zu Alles online" in then
    now = client.get(items_url(world["large"])).content.decode()
    assert "Nach der Fortschreibung umbenannt" in now


def test_goal_added_after_the_revision_is_not_found_for_the_council(world, client_for):
    added = GoalFactory(field_of_action=world["large"].field_of_action, position=3)
    assert client_for(world["council"]).get(items_url(added)).status_code == 404
    assert client_for(world["strategist"]).get(items_url(added)).status_code == 200
    assert client_for(world["strategist"]).get(items_url(added, "?revision=1")).status_code == 404


def test_measures_a_reader_may_not_see_are_not_listed(world, client_for):
    hidden = Measure.objects.filter(goal=world["large"]).order_by("code").first()
    hidden.is_confidential = True
    hidden._change_reason = "Vertraulich"
    hidden.save()
    lead = client_for(world["lead50"]).get(items_url(world["large"])).content.decode()
    assert hidden.title not in lead
    strategist = client_for(world["strategist"]).get(items_url(world["large"])).content.decode()
    assert hidden.title in strategist


@pytest.mark.parametrize(
    "query", ["?revision=9", "?datum=kein-datum", "?datum=2999-01-01"], ids=str
)
def test_unknown_moment_or_key_is_404(world, client_for, query):
    client = client_for(world["strategist"])
    assert client.get(items_url(world["large"], query)).status_code == 404
    assert client.get(reverse("goal_items", args=[world["large"].pk, "x"])).status_code == 404


def test_readers_without_a_strategy_role_are_refused(world, client):
    assert client.get(items_url(world["large"])).status_code == 302  # to the login


@pytest.mark.parametrize("per_goal", [INLINE_ITEMS + 10, 4 * INLINE_ITEMS])
@pytest.mark.parametrize(
    "url",
    [
        reverse("strategy_detail"),
        reverse("strategy_as_of") + "?revision=1",
        "items",
        "items?revision=1",
        reverse("strategy_compare") + "?von=1&bis=2",
        reverse("strategy_compare") + "?von=2&bis=1&ansicht=umsetzung",
        reverse("strategy_compare") + "?von=1&bis=entwurf",
        reverse("revision_publish"),
    ],
)
def test_query_counts_do_not_grow_with_the_measures(
    world, client_for, per_goal, url, django_assert_max_num_queries
):
    for position in range(3, 7):
        goal = GoalFactory(field_of_action=world["large"].field_of_action, position=position)
        add_measures(goal, world["unit50"], per_goal)
    add_measures(world["large"], world["unit50"], per_goal, offset=1000)
    services.publish_revision(
        actor=world["strategist"],
        strategy=world["strategy"],
        number=2,
        title="Fortschreibung 2",
        decided_on=timezone.localdate(),
        decision_reference="DS 0002/2026",
    )
    if url.startswith("items"):
        url = items_url(world["large"], url.removeprefix("items"))
    for who in ("strategist", "council"):
        if who == "council" and ("entwurf" in url or "neu" in url):
            continue  # the draft and publishing are the strategy office's
        client = client_for(world[who])
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200


def test_comparison_reads_only_changed_measures_and_finds_the_same_changes(world):
    """A measure without a history record between two moments is the same in both: the
    comparison leaves it unread and still lists every change (added, removed, moved, edited,
    made confidential), either way round."""
    from strategy.tree import changed_items, diff_trees

    strategist, large, small = world["strategist"], world["large"], world["small"]
    measures = list(Measure.objects.filter(goal=large).order_by("code"))
    for measure, change in zip(
        measures, [{"goal": small}, {"title": "Neu benannt"}, {"progress": 99}], strict=False
    ):
        for name, value in change.items():
            setattr(measure, name, value)
        measure._change_reason = "Test"
        measure.save()
    measures[3].is_confidential = True
    measures[3].save()
    measures[4].delete()
    add_measures(small, world["unit50"], 2, offset=500)
    second = services.publish_revision(
        actor=strategist,
        strategy=world["strategy"],
        number=2,
        title="Fortschreibung 2",
        decided_on=timezone.localdate(),
        decision_reference="DS 0002/2026",
    )
    first = second.strategy.revisions.get(number=1)

    def signature(diff):
        return [
            (row.title, row.old_number, row.new_number, row.kinds, len(row.progress_changes))
            for row in diff.items["measures"]
        ]

    for old, new in ((first, second), (second, first)):
        for user in (strategist, world["lead50"]):
            full = diff_trees(
                services.revision_tree(old, user=user), services.revision_tree(new, user=user)
            )
            only = changed_items(*sorted([old.published_at, new.published_at]))
            part = diff_trees(
                services.revision_tree(old, user=user, only_items=only),
                services.revision_tree(new, user=user, only_items=only),
            )
            assert signature(part) == signature(full)
            assert len(full.items["measures"]) >= 4


@pytest.mark.parametrize("language", ["de", "en"])
def test_goal_item_line_is_the_markup_of_the_former_template(world, language):
    """Each row's link, badge and progress come out as the per-row template wrote them."""
    from django.template import engines
    from django.utils import translation

    former = engines["django"].from_string(
        '{% load lights %}<a class="kern-link kern-link--no-visited-state" '
        'href="{{ item.get_absolute_url }}">{{ item }}</a>{% if item.traffic_light is not None %}'
        " {{ item.traffic_light|light_badge:item.get_traffic_light_display }}{% endif %}"
        '{% if item.progress is not None %} <span class="kern-body kern-body--small">'
        "{{ item.progress }} %</span>{% endif %}"
    )
    line = engines["django"].from_string("{% load goal_items %}{{ item|goal_item_line }}")
    measures = Measure.objects.filter(goal=world["small"])
    measures.filter(pk=measures[0].pk).update(title="<Sonderzeichen> & Co")
    with translation.override(language):
        for measure in measures:
            assert line.render({"item": measure}) == former.render({"item": measure})
