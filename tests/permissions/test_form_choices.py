"""restrict_form_fields: every form offers only what the user may pick."""

import re

import pytest
from django.urls import reverse

from measures.forms import ProjectForm
from standards.models import Exemption
from tests.factories import MeasureFactory, StandardFactory

pytestmark = pytest.mark.django_db


def offered(html: str, name: str) -> set[str]:
    """The option values of the select `name` in a rendered page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


@pytest.fixture
def standard(db):
    return StandardFactory(code="SW-01", title="Open-Source-first")


def test_lead_requests_exemptions_for_own_unit_only(personas, standard, client_for):
    unit32, unit50 = personas["unit32"], personas["unit50"]
    client = client_for(personas["lead32"])
    page = client.get(reverse("exemption_add"))
    assert page.status_code == 200
    assert offered(page.content.decode(), "unit") == {str(unit32.pk)}
    data = {
        "unit": unit50.pk,
        "standard": standard.pk,
        "justification": "Altverfahren läuft noch.",
        "ends_on": "2099-12-31",
    }
    response = client.post(reverse("exemption_add"), data)
    assert response.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert not Exemption.objects.exists()
    response = client.post(reverse("exemption_add"), {**data, "unit": unit32.pk})
    assert response.status_code == 302
    assert Exemption.objects.get().unit == unit32


def test_lead_edits_own_request_and_still_cannot_pick_another_unit(personas, standard, client_for):
    client = client_for(personas["lead32"])
    exemption = Exemption.objects.create(
        unit=personas["unit32"],
        standard=standard,
        justification="Begründung",
        ends_on="2099-12-31",
        requested_by=personas["lead32"],
    )
    page = client.get(reverse("exemption_edit", args=[exemption.pk]))
    assert offered(page.content.decode(), "unit") == {str(personas["unit32"].pk)}


def test_strategy_team_may_pick_every_unit(personas, standard, client_for):
    page = client_for(personas["strategist"]).get(reverse("exemption_add"))
    units = {str(personas["unit32"].pk), str(personas["unit50"].pk)}
    assert units <= offered(page.content.decode(), "unit")


def test_forms_offer_no_confidential_measure_of_another_unit(personas):
    public = MeasureFactory(owner=personas["unit50"], title="Öffentlich")
    secret = MeasureFactory(owner=personas["unit50"], title="Geheim", is_confidential=True)
    own_secret = MeasureFactory(owner=personas["unit32"], title="Eigenes", is_confidential=True)
    form = ProjectForm(user=personas["lead32"])
    choices = {str(value) for value, _label in form["measures"].field.choices if value}
    assert str(public.pk) in choices
    assert str(own_secret.pk) in choices
    assert str(secret.pk) not in choices
    # A lead creates no projects at all: no unit is offered as owner.
    assert [value for value, _label in form["owner"].field.choices if value] == []
    form = ProjectForm(
        data={
            "code": "P-1",
            "title": "Neu",
            "owner": personas["unit32"].pk,
            "measures": [secret.pk],
        },
        user=personas["lead32"],
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"owner", "measures"}
