"""The one permission mechanism: restrict(user, action) on every model's queryset."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from guardian.shortcuts import assign_perm

from fb15.models import OrgUnit
from fb15.permissions import sync_unit_grants
from tests.factories import UserFactory
from tests.restrict_app.models import Gadget, Note, Widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def widgets(personas):
    return {
        "own": Widget.objects.create(name="Eigenes", owner=personas["unit32"]),
        "other": Widget.objects.create(name="Fremdes", owner=personas["unit50"]),
    }


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_lead_sees_and_changes_only_own_units_objects(personas, widgets):
    lead = personas["lead32"]
    assert names(Widget.objects.restrict(lead, "view")) == ["Eigenes"]
    assert names(Widget.objects.restrict(lead, "change")) == ["Eigenes"]
    assert not Widget.objects.restrict(lead, "delete").exists()
    assert not Widget.objects.can(lead, "change", widgets["other"])


def test_strategy_team_sees_and_changes_everything(personas, widgets):
    from django.contrib.auth.models import Group, Permission

    team = Group.objects.get(name="Strategieteam")
    team.permissions.add(*Permission.objects.filter(content_type__app_label="restrict_app"))
    strategist = personas["strategist"]
    for action in ("view", "change", "delete"):
        assert names(Widget.objects.restrict(strategist, action)) == ["Eigenes", "Fremdes"]


def test_anonymous_and_inactive_users_see_nothing(personas, widgets):
    assert not Widget.objects.restrict(AnonymousUser(), "view").exists()
    assert not OrgUnit.objects.restrict(AnonymousUser(), "view").exists()
    lead = personas["lead32"]
    lead.is_active = False
    assert not Widget.objects.restrict(lead, "view").exists()


def test_deputy_has_the_same_rights_as_the_lead(personas, widgets):
    deputy = UserFactory()
    unit = personas["unit32"]
    unit.deputies.add(deputy)
    sync_unit_grants(unit)
    assert names(Widget.objects.restrict(deputy, "change")) == ["Eigenes"]


def test_removed_lead_loses_the_units_rights(personas, widgets):
    unit = personas["unit32"]
    former = unit.lead
    unit.lead = UserFactory()
    unit.save()
    sync_unit_grants(unit)
    assert not Widget.objects.restrict(former, "change").exists()
    assert names(Widget.objects.restrict(unit.lead, "change")) == ["Eigenes"]


def test_unit_rights_via_a_group_count(personas, widgets):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Projektbüro FB 50")
    assign_perm("fb15.manage_unit_work", group, personas["unit50"])
    member = UserFactory()
    member.groups.add(group)
    assert names(Widget.objects.restrict(member, "change")) == ["Fremdes"]


def test_lead_cannot_change_units_themselves(personas):
    # Unit rights cover the unit's work, not the organisation: that is the strategy team's.
    lead = personas["lead32"]
    assert OrgUnit.objects.restrict(lead, "view").count() == 2
    assert not OrgUnit.objects.restrict(lead, "change").exists()
    assert OrgUnit.objects.restrict(personas["strategist"], "change").count() == 2


def test_user_without_role_or_unit_sees_no_units(db):
    assert not OrgUnit.objects.restrict(UserFactory(), "view").exists()


def test_unknown_action_is_a_programming_error(personas):
    with pytest.raises(ValueError):
        OrgUnit.objects.restrict(personas["lead32"], "approve")


def test_restrict_is_one_query_without_per_row_checks(personas, widgets, django_assert_num_queries):
    lead = personas["lead32"]
    for i in range(30):
        Widget.objects.create(name=f"W{i}", owner=personas["unit32"])
    lead = type(lead).objects.get(pk=lead.pk)  # fresh permission cache
    # user perms + group perms (global check), then the restricted rows themselves.
    with django_assert_num_queries(3):
        assert len(list(Widget.objects.restrict(lead, "view"))) == 31


@pytest.fixture
def gadgets(personas):
    from django.contrib.auth.models import Group, Permission

    # Readers get the global view right, the strategy team everything (as roles do for real models).
    for role in ("Mitarbeitende", "Rat"):
        Group.objects.get(name=role).permissions.add(
            Permission.objects.get(codename="view_gadget"),
            Permission.objects.get(codename="view_note"),
        )
    Group.objects.get(name="Strategieteam").permissions.add(
        *Permission.objects.filter(content_type__app_label="restrict_app")
    )
    own_secret = Gadget.objects.create(
        name="Eigen-vertraulich", owner=personas["unit32"], is_confidential=True
    )
    other_secret = Gadget.objects.create(
        name="Fremd-vertraulich", owner=personas["unit50"], is_confidential=True
    )
    public = Gadget.objects.create(name="Fremd-offen", owner=personas["unit50"])
    for gadget in (own_secret, other_secret, public):
        Note.objects.create(text=f"Notiz zu {gadget.name}", gadget=gadget)
    return {"own_secret": own_secret, "other_secret": other_secret, "public": public}


def test_readers_do_not_see_other_units_confidential_rows(personas, gadgets):
    assert names(Gadget.objects.restrict(personas["lead32"], "view")) == [
        "Eigen-vertraulich",
        "Fremd-offen",
    ]
    assert names(Gadget.objects.restrict(personas["council"], "view")) == ["Fremd-offen"]
    assert Gadget.objects.restrict(personas["strategist"], "view").count() == 3


def test_a_grant_on_one_object_gives_exactly_that_object(personas, gadgets):
    lead32 = personas["lead32"]
    assign_perm("restrict_app.change_gadget", lead32, gadgets["public"])
    assert names(Gadget.objects.restrict(lead32, "change")) == ["Eigen-vertraulich", "Fremd-offen"]
    assert not Gadget.objects.can(lead32, "change", gadgets["other_secret"])


def test_child_rows_follow_their_parents_rights(personas, gadgets):
    lead32, council = personas["lead32"], personas["council"]
    assert [n.gadget.name for n in Note.objects.restrict(council, "view")] == ["Fremd-offen"]
    assert [n.gadget.name for n in Note.objects.restrict(lead32, "add")] == ["Eigen-vertraulich"]
    assert Note.objects.may_add(lead32)
    assert not Note.objects.may_add(council)
    assert Note.objects.restrict(personas["strategist"], "delete").count() == 3


def test_remembered_grants_give_the_same_rows_in_fewer_queries(
    personas, gadgets, django_assert_num_queries
):
    from fb15.permissions import remembered_grants

    lead32, council = personas["lead32"], personas["council"]
    assign_perm("restrict_app.change_gadget", lead32, gadgets["public"])
    cases = [
        (who, model, action)
        for who in ("lead32", "lead50", "council", "strategist")
        for model, action in ((Gadget, "view"), (Gadget, "change"), (Note, "view"))
    ]

    def pks(who, model, action):
        return sorted(model.objects.restrict(personas[who], action).values_list("pk", flat=True))

    expected = [pks(*case) for case in cases]
    assert [gadgets["public"].pk] in expected and [] in expected
    with remembered_grants():
        assert [pks(*case) for case in cases] == expected
        # Read once: the council holds no unit and no object grant, so nothing is asked
        # beyond the rows themselves.
        council.get_all_permissions()
        with django_assert_num_queries(1):
            assert names(Gadget.objects.restrict(council, "change")) == []
            notes = Note.objects.restrict(council, "view").values_list("gadget__name", flat=True)
            assert list(notes) == ["Fremd-offen"]
    # Outside the block grants are read afresh: a new grant counts at once.
    assign_perm("restrict_app.change_gadget", council, gadgets["public"])
    assert names(Gadget.objects.restrict(council, "change")) == ["Fremd-offen"]


def test_a_reader_of_every_row_gets_no_condition_on_history(personas, gadgets):
    strategist, lead32 = personas["strategist"], personas["lead32"]
    assert Gadget.objects.history_condition(strategist) == Q()
    # A reader who may not see other units' confidential rows keeps the full rule.
    assert Gadget.objects.history_condition(lead32) != Q()
    assert Note.objects.restrict(strategist, "view").count() == 3
