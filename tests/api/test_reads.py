"""What readers get: the strategy as of now, a revision or a day, exactly as the pages show
it; the report PDF as the download on the report's page."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def goal_titles(tree: dict) -> list[str]:
    return [node["goal"]["title"] for field in tree["fields_of_action"] for node in field["goals"]]


def test_council_reads_the_adopted_strategy_and_the_strategy_team_the_draft(api_world):
    url = reverse("api-strategy")
    council = api_world["clients"]["council"].get(url).json()
    assert council["is_draft"] is False
    assert council["revision"]["number"] == 1
    assert goal_titles(council) == ["Veröffentlichtes Ziel"]
    measures = council["fields_of_action"][0]["goals"][0]["items"]["measures"]
    assert [m["title"] for m in measures] == ["Maßnahme public"]  # not the confidential one
    draft = api_world["clients"]["strategist"].get(url).json()
    assert draft["is_draft"] is True and draft["revision"] is None
    assert goal_titles(draft) == ["Veröffentlichtes Ziel", "Entwurfsziel"]
    assert draft["fields_of_action"][0]["rollup"]["count"] == 2


def test_strategy_as_of_a_day_is_the_revision_in_force_for_the_council(api_world):
    today = timezone.localdate().isoformat()
    council = api_world["clients"]["council"].get(reverse("api-strategy"), date=today).json()
    assert council["revision"]["number"] == 1
    assert goal_titles(council) == ["Veröffentlichtes Ziel"]
    staff = api_world["clients"]["staff"].get(reverse("api-strategy"), date=today).json()
    assert goal_titles(staff) == ["Veröffentlichtes Ziel", "Entwurfsziel"]
    by_number = api_world["clients"]["staff"].get(reverse("api-strategy"), revision=1).json()
    assert goal_titles(by_number) == ["Veröffentlichtes Ziel"]


def test_strategy_as_of_refuses_bad_moments_in_german(api_world):
    client = api_world["clients"]["council"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = client.get(reverse("api-strategy"), date=tomorrow)
    assert future.status_code == 400
    assert future.json() == {
        "date": ["Das Datum liegt in der Zukunft. Den heutigen Stand zeigt der Entwurf."]
    }
    unknown = client.get(reverse("api-strategy"), revision=7)
    assert unknown.status_code == 400
    assert "revision" in unknown.json()
    before = client.get(reverse("api-strategy"), date="2001-01-01")
    assert before.status_code == 404
    assert before.json() == {"detail": "Zu diesem Datum war noch keine Fortschreibung beschlossen."}


def test_goals_read_as_adopted_by_readers_without_the_draft_right(api_world):
    goal = api_world["goal"]["published"]
    goal.title = "Im Entwurf umbenannt"
    goal.save()
    url = reverse("api-goal-detail", args=[goal.pk])
    assert api_world["clients"]["council"].get(url).json()["title"] == "Veröffentlichtes Ziel"
    assert api_world["clients"]["strategist"].get(url).json()["title"] == "Im Entwurf umbenannt"


def test_report_pdf_is_the_stored_file_with_its_checksum(api_world):
    report = api_world["report"]
    response = api_world["clients"]["council"].get(reverse("api-report-pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 harness"
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert "attachment" in response["Content-Disposition"]
    listed = api_world["clients"]["council"].get(reverse("api-report-list")).json()["results"]
    assert [item["id"] for item in listed] == [report.pk]  # the draft is FB 15's alone
    assert listed[0]["pdf"].endswith(f"/api/v1/reports/{report.pk}/pdf/")


def test_a_tampered_report_file_is_refused_with_409(api_world):
    report = api_world["report"]
    with report.file.open("wb") as stored:
        stored.write(b"%PDF-1.4 manipuliert")
    response = api_world["clients"]["council"].get(reverse("api-report-pdf", args=[report.pk]))
    assert response.status_code == 409
    assert "Prüfsumme" in response.json()["detail"]
