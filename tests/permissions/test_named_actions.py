"""Named actions of restrict(): deciding, confirming, the draft, structural edits, publishing.

Each is decided by restrict(user, action) on the model, so pages, services and templates
give the same answer: not readable → 404, readable but not allowed → 403.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fb15.querysets import mark_allowed
from measures.models import Measure, Project, StatusUpdate
from standards import services as standards_services
from standards.models import Compliance, Exemption
from strategy import services as strategy_services
from strategy.models import Goal, Strategy
from tests.factories import (
    ComplianceFactory,
    ExemptionFactory,
    GoalFactory,
    MeasureFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cells(personas):
    standard = StandardFactory(code="SW-01", title="Open-Source-first")
    return {
        "own": ComplianceFactory(unit=personas["unit32"], standard=standard, state="partial"),
        "other": ComplianceFactory(unit=personas["unit50"], standard=standard, state="partial"),
        "exemption": ExemptionFactory(
            unit=personas["unit32"], standard=standard, requested_by=personas["lead32"]
        ),
    }


def test_only_the_strategy_team_decides_exemptions(personas, cells):
    exemption = cells["exemption"]
    assert Exemption.objects.can(personas["strategist"], "decide", exemption)
    for who in ("lead32", "lead50", "council", "staff"):
        assert not Exemption.objects.restrict(personas[who], "decide").exists(), who
    with pytest.raises(PermissionDenied):
        standards_services.decide_exemption(
            actor=personas["lead32"], exemption=exemption, approve=True, reason=""
        )
    exemption.refresh_from_db()
    assert exemption.status == "requested"


def test_lead_cannot_decide_own_exemption_over_http_but_strategist_can(personas, cells, client_for):
    exemption = cells["exemption"]
    url = reverse("exemption_decide", args=[exemption.pk])
    data = {"decision": "approve", "reason": "ok"}
    assert client_for(personas["lead32"]).post(url, data).status_code == 403
    # Staff read every exemption (403); a user without any role cannot read it (404).
    assert client_for(personas["lead50"]).post(url, data).status_code == 403
    assert client_for(UserFactory(username="ohne-rolle")).post(url, data).status_code == 404
    detail = client_for(personas["lead32"]).get(exemption.get_absolute_url())
    assert "Entscheiden" not in detail.content.decode()
    detail = client_for(personas["strategist"]).get(exemption.get_absolute_url())
    assert "Entscheiden" in detail.content.decode()
    assert client_for(personas["strategist"]).post(url, data).status_code == 302
    exemption.refresh_from_db()
    assert exemption.status == "approved"


def test_a_lead_assesses_own_cell_but_only_the_strategy_team_confirms(personas, cells):
    own = cells["own"]
    assert Compliance.objects.can(personas["lead32"], "change", own)
    assert not Compliance.objects.can(personas["lead32"], "confirm", own)
    assert Compliance.objects.can(personas["strategist"], "confirm", own)
    with pytest.raises(PermissionDenied):
        standards_services.confirm_compliance(actor=personas["lead32"], cell=own)
    own.refresh_from_db()
    assert own.confirmed_at is None
    standards_services.confirm_compliance(actor=personas["strategist"], cell=own)
    own.refresh_from_db()
    assert own.confirmed_by == personas["strategist"]


def test_confirm_over_http_answers_404_without_role_and_403_to_leads(personas, cells, client_for):
    own = cells["own"]
    url = reverse("compliance_confirm", args=[own.unit_id, own.standard_id])
    assert client_for(UserFactory(username="ohne-rolle")).post(url).status_code == 404
    assert client_for(personas["lead50"]).post(url).status_code == 403
    assert client_for(personas["lead32"]).post(url).status_code == 403
    own.refresh_from_db()
    assert own.confirmed_at is None


def test_reading_the_draft_is_a_named_action_of_strategy_and_goals(personas):
    goal = GoalFactory(title="Nur im Entwurf")
    strategy = goal.field_of_action.strategy
    for who in ("strategist", "staff"):
        assert Strategy.objects.can(personas[who], "view_draft", strategy)
        assert Goal.objects.can(personas[who], "view_draft", goal)
    assert not Strategy.objects.restrict(personas["council"], "view_draft").exists()
    assert not Goal.objects.restrict(personas["council"], "view_draft").exists()
    assert Strategy.objects.holds(personas["staff"], "view_draft")
    assert not Strategy.objects.holds(personas["council"], "view_draft")


def test_publishing_needs_the_draft_right_and_adding_revisions(personas):
    strategy = GoalFactory().field_of_action.strategy
    kwargs = {
        "strategy": strategy,
        "number": 1,
        "title": "Erste Fassung",
        "decided_on": datetime.date(2026, 1, 15),
        "decision_reference": "DS 1/2026",
    }
    for who in ("staff", "council", "lead32"):
        with pytest.raises(PermissionDenied):
            strategy_services.publish_revision(actor=personas[who], **kwargs)
    assert not strategy.revisions.exists()
    revision = strategy_services.publish_revision(actor=personas["strategist"], **kwargs)
    assert revision.number == 1


def test_structure_of_measures_is_the_strategy_teams_the_status_the_leads(personas):
    measure = MeasureFactory(owner=personas["unit32"])
    lead = personas["lead32"]
    assert Measure.objects.can(lead, "change", measure)
    assert not Measure.objects.can(lead, "change_structure", measure)
    assert Measure.objects.can(personas["strategist"], "change_structure", measure)
    assert not Project.objects.restrict(lead, "change_structure").exists()
    assert StatusUpdate.objects.holds(personas["strategist"], "report_locked")
    assert not StatusUpdate.objects.holds(lead, "report_locked")


def test_unknown_actions_are_refused_loudly(personas):
    with pytest.raises(ValueError, match="unknown action"):
        Measure.objects.restrict(personas["strategist"], "decide")


def test_can_tag_reads_marks_without_a_query_per_row(personas, cells, django_assert_num_queries):
    exemptions = [cells["exemption"]] + [
        ExemptionFactory(unit=personas["unit32"], standard=cells["own"].standard) for _ in range(3)
    ]
    user = personas["lead32"]
    mark_allowed(user, exemptions, "change", "decide")
    request = RequestFactory().get("/")
    request.user = user
    template = Template(
        "{% load permissions %}{% for e in rows %}"
        "{% can 'change' e as c %}{% can 'decide' e as d %}{{ c|yesno:'C,-' }}{{ d|yesno:'D,-' }}"
        "{% endfor %}"
    )
    with django_assert_num_queries(0):
        html = template.render(Context({"rows": exemptions, "request": request}))
    assert html == "C-" * 4


def test_user_without_role_gets_404_on_every_object_page_not_403(personas, client_for):
    stranger = UserFactory(username="ohne-rolle")
    goal = GoalFactory()
    measure = MeasureFactory(owner=personas["unit32"], goal=goal)
    client = client_for(stranger)
    for url in (
        reverse("goal_edit", args=[goal.pk]),
        reverse("goal_history", args=[goal.pk]),
        reverse("fieldofaction_edit", args=[goal.field_of_action_id]),
        reverse("measure_edit", args=[measure.pk]),
        reverse("measure_status", args=[measure.pk]),
    ):
        assert client.get(url).status_code == 404, url
