"""Long pickers opt into the type-ahead combobox; short selects stay plain selects."""

import json

import pytest
from django.utils import translation

from fb15.forms import OrgUnitForm
from measures.filters import MeasureFilterForm, ProjectFilterForm
from measures.forms import MeasureForm, ProjectForm, RiskForm
from reporting.forms import ReportRequestForm, ReportScheduleForm
from standards.forms import ExemptionForm, StandardForm, TrendForm

pytestmark = pytest.mark.django_db

ATTRIBUTE = "data-fb15-combobox"


def rendered(form, name) -> str:
    return str(form[name])


@pytest.mark.parametrize(
    ("make_form", "pickers", "plain"),
    [
        (
            lambda user: MeasureForm(user=user),
            ["goal", "owner", "participants", "responsible", "dependencies", "trends", "tags"],
            ["priority"],
        ),
        (lambda user: ProjectForm(user=user), ["measures", "owner", "lead"], ["phase"]),
        (lambda user: RiskForm(user=user), ["owner"], ["probability", "impact"]),
        (lambda user: OrgUnitForm(user=user), ["lead", "deputies", "members"], ["division"]),
        (lambda user: StandardForm(user=user), ["responsible", "superseded_by"], ["status"]),
        (lambda user: ExemptionForm(user=user), ["unit", "standard"], []),
        (lambda user: TrendForm(user=user), ["units", "standards"], ["ring", "quadrant"]),
        (lambda user: ReportScheduleForm(user=user), ["unit"], ["frequency", "field_of_action"]),
        (lambda user: ReportRequestForm(), ["unit"], ["scope_kind"]),
        (lambda user: MeasureFilterForm({}, user=user), ["owner", "goal"], ["status", "priority"]),
        (lambda user: ProjectFilterForm({}, user=user), ["owner"], ["traffic_light", "phase"]),
    ],
)
def test_long_pickers_carry_the_combobox_attribute_and_short_selects_do_not(
    personas, make_form, pickers, plain
):
    form = make_form(personas["strategist"])
    for name in pickers:
        assert ATTRIBUTE in rendered(form, name), name
    for name in plain:
        assert ATTRIBUTE not in rendered(form, name), name


def test_the_combobox_messages_are_rendered_in_the_request_language(personas):
    form = MeasureForm(user=personas["strategist"])
    html = rendered(form, "participants")
    assert 'name="participants"' in html and "multiple" in html
    widget = form.fields["participants"].widget
    with translation.override("de"):
        context = widget.get_context("participants", [], {"id": "id_participants"})
    messages = json.loads(context["widget"]["attrs"][ATTRIBUTE])
    assert messages["many"] == "{count} Treffer"
    assert messages["remove"] == "{name} entfernen"
    assert messages["selected"] == "„{name}“ ausgewählt"
