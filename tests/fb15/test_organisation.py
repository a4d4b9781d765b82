"""Organisation pages: forbidden writes, editing, validation, history."""

import pytest
from django.urls import reverse

from fb15.models import OrgUnit
from fb15.permissions import units_managed_by
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

READERS = ["strategist", "lead32", "lead50", "council", "staff"]


def unit_urls(unit):
    return {
        "list": reverse("orgunit_list"),
        "detail": reverse("orgunit_detail", args=[unit.pk]),
        "history": reverse("orgunit_history", args=[unit.pk]),
        "add": reverse("orgunit_add"),
        "edit": reverse("orgunit_edit", args=[unit.pk]),
        "delete": reverse("orgunit_delete", args=[unit.pk]),
    }


# The status of every page per role is in tests/permissions/test_harness.py.


@pytest.mark.parametrize("page", ["edit", "delete"])
@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
def test_forbidden_posts_change_nothing(personas, client_for, page, who):
    unit = personas["unit32"]
    before = OrgUnit.history.count()
    response = client_for(personas[who]).post(
        unit_urls(unit)[page], {"code": "FB 99", "name": "Gekapert", "division": unit.division_id}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.code == "FB 32"
    assert OrgUnit.history.count() == before


def test_user_without_any_role_gets_404_for_a_guessed_unit_id(personas, client_for):
    stranger = UserFactory()
    response = client_for(stranger).get(unit_urls(personas["unit32"])["detail"])
    assert response.status_code == 404
    assert client_for(stranger).get(reverse("orgunit_detail", args=[999999])).status_code == 404


def test_unknown_unit_id_is_404(personas, client_for):
    response = client_for(personas["strategist"]).get(reverse("orgunit_edit", args=[999999]))
    assert response.status_code == 404


def form_data(unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "division": unit.division_id,
        "email": unit.email,
        "lead": unit.lead_id or "",
        "deputies": [u.pk for u in unit.deputies.all()],
        "members": [u.pk for u in unit.members.all()],
        "version": unit.updated_at.isoformat(),
        "change_reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_strategist_assigns_a_new_lead_who_then_holds_the_units_rights(personas, client_for):
    unit = personas["unit32"]
    new_lead = UserFactory(username="neueleitung")
    response = client_for(personas["strategist"]).post(
        unit_urls(unit)["edit"],
        form_data(unit, lead=new_lead.pk, change_reason="Neubesetzung zum 1. Dezember"),
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.lead == new_lead
    assert list(units_managed_by(new_lead)) == [{"pk": unit.pk}]
    assert not units_managed_by(personas["lead32"]).exists()
    record = unit.history.first()
    assert record.history_user == personas["strategist"]
    assert record.history_change_reason == "Neubesetzung zum 1. Dezember"


def test_strategist_creates_a_unit_with_deputy(personas, client_for):
    deputy = UserFactory()
    response = client_for(personas["strategist"]).post(
        reverse("orgunit_add"),
        {
            "code": "FB  61",
            "name": "Stadtentwicklung",
            "division": personas["unit32"].division_id,
            "deputies": [deputy.pk],
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="FB 61")
    assert list(units_managed_by(deputy)) == [{"pk": unit.pk}]


def test_duplicate_code_gets_german_message_and_changes_nothing(personas, client_for):
    unit50 = personas["unit50"]
    response = client_for(personas["strategist"]).post(
        unit_urls(unit50)["edit"], form_data(unit50, code="FB 32")
    )
    assert response.status_code == 422
    assert "Es gibt bereits einen Fachbereich mit diesem Kürzel." in response.content.decode()
    unit50.refresh_from_db()
    assert unit50.code == "FB 50"


def test_lead_cannot_also_be_deputy(personas, client_for):
    unit = personas["unit32"]
    response = client_for(personas["strategist"]).post(
        unit_urls(unit)["edit"], form_data(unit, deputies=[unit.lead_id])
    )
    assert response.status_code == 422
    assert "kann nicht zugleich Stellvertretung sein" in response.content.decode()
    assert not unit.deputies.exists()


def test_empty_name_is_refused_in_german(personas, client_for):
    unit = personas["unit32"]
    response = client_for(personas["strategist"]).post(
        unit_urls(unit)["edit"], form_data(unit, name="")
    )
    assert response.status_code == 422
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


def test_concurrent_edit_is_refused_with_what_changed(personas, client_for):
    unit = personas["unit32"]
    stale = form_data(unit, name="Ordnung und Sicherheit")
    other = UserFactory(username="kollegin", first_name="Petra", last_name="Quast")
    unit.name = "Sicherheit, Ordnung und Verkehr"
    unit._history_user = other
    unit.save()

    response = client_for(personas["strategist"]).post(unit_urls(unit)["edit"], stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "wurde inzwischen von Petra Quast geändert" in page, page
    assert "Sicherheit, Ordnung und Verkehr" in page
    unit.refresh_from_db()
    assert unit.name == "Sicherheit, Ordnung und Verkehr"


def test_history_page_shows_who_changed_what_in_german(personas, client_for):
    unit = personas["unit32"]
    client = client_for(personas["strategist"])
    client.post(unit_urls(unit)["edit"], form_data(unit, name="Ordnung", change_reason="Umbenannt"))
    page = client.get(unit_urls(unit)["history"]).content.decode()
    assert "Bezeichnung" in page
    assert "Sicherheit und Ordnung" in page and "Ordnung" in page
    assert "Umbenannt" in page
    assert str(personas["strategist"]) in page


def test_strategist_deletes_a_unit_and_it_stays_in_history(personas, client_for):
    client = client_for(personas["strategist"])
    spare = OrgUnitFactory(code="FB 98", division=personas["unit32"].division)
    response = client.post(unit_urls(spare)["delete"])
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(code="FB 98").exists()
    assert OrgUnit.history.filter(code="FB 98", history_type="-").exists()


def test_list_filters_by_division_and_searches(personas, client_for):
    other = OrgUnitFactory(code="FB 61", name="Stadtentwicklung")
    client = client_for(personas["council"])
    page = client.get(reverse("orgunit_list"), {"division": other.division_id}).content.decode()
    assert "Stadtentwicklung" in page and "Soziales und Integration" not in page
    page = client.get(reverse("orgunit_list"), {"q": "sozial"}).content.decode()
    assert "Soziales und Integration" in page and "Stadtentwicklung" not in page


@pytest.mark.parametrize("count", [5, 60])
def test_list_query_count_does_not_grow_with_units(
    personas, client_for, count, django_assert_max_num_queries
):
    for _ in range(count):
        unit = OrgUnitFactory(lead=UserFactory())
        unit.members.add(UserFactory())
    client = client_for(personas["council"])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("orgunit_list")).status_code == 200


def test_read_only_users_see_no_edit_controls(personas, client_for):
    unit = personas["unit32"]
    page = client_for(personas["lead32"]).get(unit_urls(unit)["detail"]).content.decode()
    assert unit_urls(unit)["edit"] not in page
    page = client_for(personas["strategist"]).get(unit_urls(unit)["detail"]).content.decode()
    assert unit_urls(unit)["edit"] in page
