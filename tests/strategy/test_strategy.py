"""The Digital Strategy: permissions per page and role, revisions, as-of, compare, restore."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strategy import services
from strategy.demo import seed
from strategy.models import FieldOfAction, Goal, Revision, Strategy
from strategy.tree import build_tree
from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    """A strategy with two fields, three goals and one published revision."""
    strategy = StrategyFactory()
    first = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    second = FieldOfActionFactory(strategy=strategy, position=2, title="Digitale Arbeitswelt")
    goal = GoalFactory(field_of_action=first, position=1, title="Alles online")
    GoalFactory(field_of_action=first, position=2, title="Servicekonto")
    GoalFactory(field_of_action=second, position=1, title="E-Akte")
    revision = publish(personas["strategist"], strategy, 1)
    return {"strategy": strategy, "field": first, "goal": goal, "revision": revision, **personas}


def publish(actor, strategy, number, **changes):
    data = {
        "number": number,
        "title": f"Fortschreibung {number}",
        "decided_on": timezone.localdate(),
        "decision_reference": f"DS {number:04d}/2026",
        "summary": "",
        **changes,
    }
    return services.publish_revision(actor=actor, strategy=strategy, **data)


def edit_goal(actor, goal, **values):
    for name, value in values.items():
        setattr(goal, name, value)
    return services.save_goal(goal, actor=actor, reason="Test")


# --------------------------------------------------------------------------- permissions


def strategy_urls(world):
    goal, field, revision = world["goal"], world["field"], world["revision"]
    record = goal.history.first()
    return {
        "detail": reverse("strategy_detail"),
        "as_of": reverse("strategy_as_of") + "?revision=1",
        "as_of_date": reverse("strategy_as_of") + f"?datum={timezone.localdate():%Y-%m-%d}",
        "compare": reverse("strategy_compare") + "?von=1&bis=1",
        "compare_draft": reverse("strategy_compare") + "?von=1&bis=entwurf",
        "revisions": reverse("revision_list"),
        "revision_history": reverse("revision_history", args=[revision.pk]),
        "publish": reverse("revision_publish"),
        "revision_edit": reverse("revision_edit", args=[revision.pk]),
        "strategy_edit": reverse("strategy_edit"),
        "strategy_history": reverse("strategy_history"),
        "field_add": reverse("fieldofaction_add"),
        "field_edit": reverse("fieldofaction_edit", args=[field.pk]),
        "field_delete": reverse("fieldofaction_delete", args=[field.pk]),
        "field_history": reverse("fieldofaction_history", args=[field.pk]),
        "field_restore": reverse(
            "fieldofaction_restore", args=[field.pk, field.history.first().history_id]
        ),
        "goal_add": reverse("goal_add") + f"?handlungsfeld={field.pk}",
        "goal_edit": reverse("goal_edit", args=[goal.pk]),
        "goal_delete": reverse("goal_delete", args=[goal.pk]),
        "goal_history": reverse("goal_history", args=[goal.pk]),
        "goal_restore": reverse("goal_restore", args=[goal.pk, record.history_id]),
    }


# The status of every page per role is in tests/permissions/test_harness.py.


@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
@pytest.mark.parametrize(
    "page", ["field_edit", "goal_edit", "goal_delete", "goal_restore", "publish", "revision_edit"]
)
def test_forbidden_posts_change_nothing(world, client_for, who, page):
    before = (Goal.history.count(), FieldOfAction.history.count(), Revision.history.count())
    response = client_for(world[who]).post(
        strategy_urls(world)[page], {"title": "Gekapert", "number": 9}
    )
    assert response.status_code == 403
    assert (Goal.history.count(), FieldOfAction.history.count(), Revision.history.count()) == before


@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
def test_moving_is_forbidden_for_readers(world, client_for, who):
    url = reverse("goal_move", args=[world["goal"].pk])
    assert client_for(world[who]).post(url, {"richtung": "runter"}).status_code == 403


def test_readers_see_no_edit_controls(world, client_for):
    for who in ("council", "staff", "lead32"):
        page = client_for(world[who]).get(reverse("strategy_detail")).content.decode()
        assert reverse("goal_edit", args=[world["goal"].pk]) not in page
        assert reverse("revision_publish") not in page
    page = client_for(world["strategist"]).get(reverse("strategy_detail")).content.decode()
    assert reverse("goal_edit", args=[world["goal"].pk]) in page
    assert reverse("revision_publish") in page


def test_tree_shows_markup_as_text_and_names_each_control(world, client_for):
    """The tree (rendered in Python) escapes titles and texts and gives every repeated
    control the number of its field or goal as accessible name."""
    FieldOfAction.objects.filter(pk=world["field"].pk).update(
        title='<b>Services</b> & "mehr"', description="<script>alert(1)</script>"
    )
    Goal.objects.filter(pk=world["goal"].pk).update(
        title="<i>Alles</i> online", description="A & B", target_year=2030
    )
    page = client_for(world["strategist"]).get(reverse("strategy_detail")).content.decode()
    assert "<b>Services" not in page and "<script>alert" not in page and "<i>Alles" not in page
    assert "1 &lt;b&gt;Services&lt;/b&gt; &amp; &quot;mehr&quot;</h3>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "1.1 &lt;i&gt;Alles&lt;/i&gt; online</h4>" in page
    assert '<p class="kern-body fb15-prewrap">A &amp; B</p>' in page
    assert "Zieljahr: 2030" in page
    goal_edit = reverse("goal_edit", args=[world["goal"].pk])
    assert f'href="{goal_edit}" aria-label="Bearbeiten – Ziel 1.1"' in page
    assert 'Nach unten<span class="kern-sr-only"> – Ziel 1.1</span>' in page
    assert 'Nach oben<span class="kern-sr-only"> – Handlungsfeld 2</span>' in page
    assert 'aria-label="Ziel hinzufügen – Handlungsfeld 1"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 5  # one per move form
    staff_page = client_for(world["staff"]).get(reverse("strategy_detail")).content.decode()
    goal_history = reverse("goal_history", args=[world["goal"].pk])
    assert (
        f'<a class="kern-link" href="{goal_history}">Historie'
        '<span class="kern-sr-only"> – Ziel 1.1</span></a>'
    ) in staff_page
    assert goal_edit not in staff_page


def test_council_reads_the_latest_revision_and_staff_the_draft(world, client_for):
    edit_goal(world["strategist"], world["goal"], title="Alles online bis 2030")
    council_page = client_for(world["council"]).get(reverse("strategy_detail")).content.decode()
    assert "Alles online</h4>" in council_page
    assert "Fortschreibung Nr. 1" in council_page
    assert "Alles online bis 2030" not in council_page
    staff_page = client_for(world["staff"]).get(reverse("strategy_detail")).content.decode()
    assert "Alles online bis 2030" in staff_page
    assert "Entwurf" in staff_page


def test_council_asking_for_a_date_gets_the_revision_in_force(world, client_for):
    edit_goal(world["strategist"], world["goal"], title="Entwurfstext")
    url = reverse("strategy_as_of") + f"?datum={timezone.localdate():%Y-%m-%d}"
    page = client_for(world["council"]).get(url).content.decode()
    assert "Entwurfstext" not in page
    assert "gültig war Fortschreibung Nr. 1" in page
    page = client_for(world["strategist"]).get(url).content.decode()
    assert "Entwurfstext" in page


# --------------------------------------------------------------------------- revisions, as-of


def test_published_revision_keeps_its_text_after_later_edits(world, client_for):
    strategist = world["strategist"]
    edit_goal(strategist, world["goal"], title="Neuer Titel", description="Neu beschrieben")
    world["strategy"].vision = "Neues Leitbild"
    world["strategy"]._history_user = strategist
    world["strategy"].save()

    tree = services.revision_tree(world["revision"])
    assert tree.fields[0].goals[0].goal.title == "Alles online"
    assert tree.strategy.vision == "Die Stadt ist digital, einfach und barrierefrei."
    page = client_for(world["council"]).get(reverse("strategy_as_of") + "?revision=1")
    text = page.content.decode()
    assert "Alles online</h4>" in text
    assert "Neuer Titel" not in text
    assert "Fortschreibung Nr. 1" in text


def test_deleted_goal_is_still_in_the_old_revision(world):
    goal = world["goal"]
    goal._history_user = world["strategist"]
    goal.delete()
    titles = [g.goal.title for g in services.revision_tree(world["revision"]).goals]
    assert "Alles online" in titles
    assert "Alles online" not in [g.goal.title for g in build_tree(world["strategy"]).goals]


def test_numbering_follows_the_order(world):
    tree = build_tree(world["strategy"])
    assert [(n.number, n.field.title) for n in tree.fields] == [
        ("1", "Digitale Services"),
        ("2", "Digitale Arbeitswelt"),
    ]
    assert [g.number for g in tree.goals] == ["1.1", "1.2", "2.1"]


def test_publish_through_the_browser_form(world, client_for):
    client = client_for(world["strategist"])
    response = client.post(
        reverse("revision_publish"),
        {
            "number": 2,
            "title": "1. Fortschreibung",
            "decided_on": timezone.localdate().isoformat(),
            "decision_reference": "DS 0456/2026",
            "summary": "Neu",
        },
    )
    assert response.status_code == 302
    revision = Revision.objects.get(number=2)
    assert revision.published_at is not None
    assert revision.history.first().history_user == world["strategist"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": 1}, "number", "gibt es bereits"),
        ({"number": 0}, "number", ""),
        ({"title": "  "}, "title", "Bitte einen Titel angeben"),
        ({"decision_reference": ""}, "decision_reference", ""),
        ({"decided_on": "2999-01-01"}, "decided_on", "liegt in der Zukunft"),
    ],
)
def test_bad_revision_input_is_refused_in_german(world, client_for, changes, field, message):
    data = {
        "number": 2,
        "title": "Titel",
        "decided_on": timezone.localdate().isoformat(),
        "decision_reference": "DS 1/2026",
        **changes,
    }
    response = client_for(world["strategist"]).post(reverse("revision_publish"), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert message in " ".join(response.context["form"].errors[field])
    assert Revision.objects.count() == 1


def test_revision_numbers_must_increase(world):
    publish(world["strategist"], world["strategy"], 5)
    with pytest.raises(ValidationError) as error:
        publish(world["strategist"], world["strategy"], 3)
    assert "größer sein als die der letzten Fortschreibung (5)" in str(error.value)


def test_service_refuses_a_future_council_decision(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Zukunft"):
        publish(world["strategist"], world["strategy"], 2, decided_on=tomorrow)


def test_duplicate_revision_number_is_refused_by_the_database_too(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(
            strategy=world["strategy"],
            number=1,
            title="Doppelt",
            decided_on=timezone.localdate(),
            decision_reference="DS",
            published_at=timezone.now(),
        )


def test_editing_a_published_revision_is_refused(world, client_for):
    revision = world["revision"]
    response = client_for(world["strategist"]).post(
        reverse("revision_edit", args=[revision.pk]),
        {
            "number": 7,
            "title": "Umbenannt",
            "decided_on": revision.decided_on.isoformat(),
            "decision_reference": revision.decision_reference,
            "summary": "x",
        },
    )
    assert response.status_code == 422
    assert "eingefroren" in response.content.decode()
    revision.refresh_from_db()
    assert (revision.number, revision.title, revision.summary) == (1, "Fortschreibung 1", "")


def test_summary_of_a_published_revision_can_be_amended(world, client_for):
    revision = world["revision"]
    response = client_for(world["strategist"]).post(
        reverse("revision_edit", args=[revision.pk]),
        {
            "number": 1,
            "title": revision.title,
            "decided_on": revision.decided_on.isoformat(),
            "decision_reference": revision.decision_reference,
            "summary": "Link zum Ratsinformationssystem ergänzt",
            "change_reason": "Ergänzung",
        },
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.summary == "Link zum Ratsinformationssystem ergänzt"
    assert revision.history.first().history_change_reason == "Ergänzung"


@pytest.mark.parametrize("url_name", ["fieldofaction_add", "goal_add"])
def test_empty_titles_are_refused_in_german(world, client_for, url_name):
    before = Goal.objects.count(), FieldOfAction.objects.count()
    response = client_for(world["strategist"]).post(
        reverse(url_name),
        {"title": "   ", "field_of_action": world["field"].pk, "description": ""},
    )
    assert response.status_code == 422
    assert "Bitte einen Titel" in response.content.decode()
    assert (Goal.objects.count(), FieldOfAction.objects.count()) == before


def test_future_date_for_as_of_is_refused(world, client_for):
    response = client_for(world["council"]).get(reverse("strategy_as_of") + "?datum=2999-01-01")
    assert response.status_code == 400
    assert "in der Zukunft" in response.content.decode()


# --------------------------------------------------------------------------- editing


def test_strategist_adds_a_goal_at_the_end_with_a_reason(world, client_for):
    response = client_for(world["strategist"]).post(
        reverse("goal_add"),
        {
            "field_of_action": world["field"].pk,
            "title": "Digitale Terminvergabe",
            "description": "",
            "target_year": 2027,
            "change_reason": "Ratsanfrage",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Digitale Terminvergabe")
    assert goal.position == 3
    assert goal.history.first().history_change_reason == "Ratsanfrage"
    assert [g.number for g in build_tree(world["strategy"]).goals][:3] == ["1.1", "1.2", "1.3"]


def test_moving_a_goal_down_swaps_positions_and_records_history(world, client_for):
    goal = world["goal"]
    response = client_for(world["strategist"]).post(
        reverse("goal_move", args=[goal.pk]), {"richtung": "runter"}
    )
    assert response.status_code == 302
    titles = [g.goal.title for g in build_tree(world["strategy"]).goals]
    assert titles[:2] == ["Servicekonto", "Alles online"]
    assert goal.history.first().history_change_reason == "Reihenfolge geändert"
    # Revision 1 still shows the old order.
    old_goals = services.revision_tree(world["revision"]).goals
    assert old_goals[0].goal.title == "Alles online"


def test_moving_the_first_field_up_does_nothing(world):
    assert not services.move(actor=world["strategist"], obj=world["field"], direction="up")


def test_goal_moved_to_another_field_goes_to_its_end(world):
    goal = world["goal"]
    goal.field_of_action = FieldOfAction.objects.get(title="Digitale Arbeitswelt")
    services.save_goal(goal, actor=world["strategist"])
    assert [g.number for g in build_tree(world["strategy"]).goals if g.goal.pk == goal.pk] == [
        "2.2"
    ]


def test_field_with_goals_cannot_be_deleted(world, client_for):
    url = reverse("fieldofaction_delete", args=[world["field"].pk])
    response = client_for(world["strategist"]).post(url, follow=True)
    assert "kann nicht gelöscht werden" in response.content.decode()
    assert FieldOfAction.objects.filter(pk=world["field"].pk).exists()


# --------------------------------------------------------------------------- compare


def test_compare_lists_exactly_the_changes_made(world, client_for):
    strategist, strategy = world["strategist"], world["strategy"]
    edit_goal(strategist, world["goal"], title="Alles online, barrierefrei", target_year=2030)
    new = GoalFactory(field_of_action=world["field"], position=3, title="Neues Ziel")
    gone = Goal.objects.get(title="E-Akte")
    gone._history_user = strategist
    gone.delete()
    services.move(actor=strategist, obj=Goal.objects.get(title="Servicekonto"), direction="up")
    publish(strategist, strategy, 2)

    diff = services.diff_revisions(world["revision"], Revision.objects.get(number=2))
    assert diff.fields == []
    changes = {(c.title, tuple(c.kinds)) for c in diff.goals}
    assert changes == {
        ("Alles online, barrierefrei", ("moved", "renamed", "changed")),
        ("Neues Ziel", ("added",)),
        ("E-Akte", ("removed",)),
    }
    changed = next(c for c in diff.goals if c.title == "Alles online, barrierefrei")
    assert [(v.label, v.old, v.new) for v in changed.changes] == [
        ("Nummer", "1.1", "1.2"),
        ("Titel", "Alles online", "Alles online, barrierefrei"),
        ("Zieljahr", "2027", "2030"),
    ]
    assert new.pk

    page = client_for(world["council"]).get(reverse("strategy_compare") + "?von=1&bis=2")
    text = page.content.decode()
    assert "Alles online, barrierefrei" in text
    assert "entfallen" in text
    assert "verschoben" in text


def test_compare_with_the_draft_and_no_changes(world, client_for):
    page = client_for(world["strategist"]).get(reverse("strategy_compare"))
    assert page.status_code == 200
    assert "Keine Unterschiede" in page.content.decode()


def test_compare_with_an_unknown_revision_is_a_clear_error(world, client_for):
    page = client_for(world["council"]).get(reverse("strategy_compare") + "?von=1&bis=9")
    assert page.status_code == 400
    assert "Bitte zwei veröffentlichte Fortschreibungen" in page.content.decode()


# --------------------------------------------------------------------------- history, restore


def test_restore_writes_a_new_history_entry(world, client_for):
    goal, strategist = world["goal"], world["strategist"]
    original = goal.history.first()
    edit_goal(strategist, goal, title="Verschlimmbessert", description="")
    client = client_for(strategist)
    url = reverse("goal_restore", args=[goal.pk, original.history_id])
    confirm = client.get(url)
    assert "Verschlimmbessert" in confirm.content.decode()
    response = client.post(url, {"reason": "Versehen"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Alles online"
    assert goal.description == "Beschreibung des Ziels."
    latest = goal.history.first()
    assert latest.history_change_reason.startswith("Wiederhergestellt aus Version vom")
    assert latest.history_change_reason.endswith(": Versehen")
    assert latest.history_user == strategist
    assert goal.history.count() == 3  # created, edited, restored: nothing rewritten
    history = client.get(reverse("goal_history", args=[goal.pk])).content.decode()
    assert "Wiederhergestellt aus Version vom" in history


def test_restore_of_another_objects_record_is_404(world, client_for):
    other = Goal.objects.get(title="E-Akte")
    url = reverse("goal_restore", args=[world["goal"].pk, other.history.first().history_id])
    assert client_for(world["strategist"]).get(url).status_code == 404


def test_history_shows_who_changed_what_and_why(world, client_for):
    edit_goal(world["strategist"], world["goal"], target_year=2029)
    page = client_for(world["staff"]).get(reverse("goal_history", args=[world["goal"].pk]))
    text = page.content.decode()
    assert "Zieljahr" in text
    assert "2027" in text
    assert "2029" in text
    assert "Test" in text


# --------------------------------------------------------------------------- query counts


def grow(strategy, fields: int, goals_per_field: int, offset: int):
    for index in range(fields):
        field = FieldOfActionFactory(strategy=strategy, position=offset + index)
        for position in range(1, goals_per_field + 1):
            GoalFactory(field_of_action=field, position=position)


@pytest.mark.parametrize(("fields", "goals"), [(2, 2), (12, 6)])
@pytest.mark.parametrize(
    "url",
    [
        reverse("strategy_detail"),
        reverse("strategy_as_of") + "?revision=2",
        reverse("strategy_as_of") + "?datum=2020-01-01",
        reverse("strategy_compare") + "?von=1&bis=2",
        reverse("strategy_compare") + "?von=1&bis=entwurf",
        reverse("revision_list"),
    ],
)
def test_query_counts_do_not_grow_with_the_strategy(
    world, client_for, fields, goals, url, django_assert_max_num_queries
):
    grow(world["strategy"], fields, goals, offset=100)
    publish(world["strategist"], world["strategy"], 2)
    grow(world["strategy"], fields, goals, offset=200)
    # 17 since the measures merge: the navigation's unit-lead check, and measures below the
    # goals of both compared snapshots (one query each, with the reader's restriction);
    # 18 with the city's settings in the header.
    client = client_for(world["strategist"])
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
    client = client_for(world["council"])
    with django_assert_max_num_queries(18):
        assert client.get(url.replace("entwurf", "2")).status_code == 200


# --------------------------------------------------------------------------- demo data


def test_demo_seed_is_idempotent_and_comparable(personas):
    seed(lambda message: None)
    counts = (Goal.history.count(), FieldOfAction.history.count(), Revision.objects.count())
    seed(lambda message: None)
    assert (Goal.history.count(), FieldOfAction.history.count(), Revision.objects.count()) == counts
    first, second = Revision.objects.order_by("number")
    assert not services.diff_revisions(first, second).is_empty
    assert not services.diff_revisions(second, None).is_empty
    assert 7 <= FieldOfAction.objects.count() <= 9
    assert Strategy.objects.count() == 1
