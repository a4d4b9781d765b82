"""FB 15's review of status updates: acknowledge, return with a question, the lead's answer,
"unverändert melden", the reason a drop in progress needs, and who may do what."""

import pytest
from django.urls import reverse

from fb15.models import Notification
from measures import services
from measures.models import ReviewState, StatusUpdate

pytestmark = pytest.mark.django_db


def file(world, who, period, **values):
    data = {
        "traffic_light": "green",
        "progress": 40,
        "status": "in_progress",
        "summary": "Pilot läuft in zwei Bürgerbüros.",
        **values,
    }
    return services.file_status_update(
        actor=world[who], subject=world["own"]["measure"], period=world[period], **data
    )


def status_form(world, **data):
    return {
        "period": world["current"].pk,
        "traffic_light": "green",
        "progress": "40",
        "status": "in_progress",
        "summary": "Pilot läuft.",
        **data,
    }


def test_a_new_update_waits_for_review_and_fb15_acknowledges_it(world, client_for):
    update = file(world, "lead32", "current")
    assert update.review_state == ReviewState.SUBMITTED
    client = client_for(world["strategist"])
    page = client.get(reverse("status_review_list")).content.decode()
    assert world["own"]["measure"].code in page and "zu prüfen" in page

    response = client.post(reverse("status_acknowledge", args=[update.pk]))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == ReviewState.ACKNOWLEDGED
    assert update.reviewed_by == world["strategist"]
    assert update.history.first().history_change_reason == "Statusmeldung bestätigt"
    # The measure's own history tells it too, without a changed field.
    measure_record = world["own"]["measure"].history.first()
    assert measure_record.history_change_reason.startswith("Statusmeldung")
    assert "bestätigt" in measure_record.history_change_reason
    page = client.get(reverse("status_review_list")).content.decode()
    assert "Alle Meldungen dieses Zeitraums sind geprüft." in page


def test_a_returned_update_mails_the_lead_and_asks_for_an_answer(world, client_for):
    update = file(world, "lead32", "current")
    client = client_for(world["strategist"])
    response = client.post(
        reverse("status_return", args=[update.pk]),
        {f"u{update.pk}-question": "Welche Bürgerbüros genau?"},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == ReviewState.RETURNED
    assert update.review_question == "Welche Bürgerbüros genau?"
    mail = Notification.objects.get(subject__startswith="Rückfrage zu Ihrer Statusmeldung")
    assert world["lead32"].email in mail.recipient_list
    assert "Welche Bürgerbüros genau?" in mail.body

    # The lead sees the question on the form and must answer it.
    lead = client_for(world["lead32"])
    url = reverse("measure_status", args=[world["own"]["measure"].pk])
    page = lead.get(url).content.decode()
    assert "Welche Bürgerbüros genau?" in page and "Antwort auf die Rückfrage" in page
    response = lead.post(url, status_form(world))
    assert response.status_code == 422
    assert "Bitte beantworten Sie die Rückfrage von FB 15." in response.content.decode()
    update.refresh_from_db()
    assert update.review_state == ReviewState.RETURNED

    response = lead.post(url, status_form(world, review_answer="Markt und Rathaus."))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED
    assert update.review_answer == "Markt und Rathaus."
    answer_mail = Notification.objects.get(subject__startswith="Rückfrage beantwortet")
    assert answer_mail.recipient_list == [world["strategist"].email]

    # The whole exchange is on the measure's timeline, in order.
    page = lead.get(world["own"]["measure"].get_absolute_url()).content.decode()
    question_at = page.index("Welche Bürgerbüros genau?")
    answer_at = page.index("Markt und Rathaus.")
    assert question_at < answer_at
    assert "bei FB 15 zur Prüfung" in page


def test_a_question_must_not_be_empty(world, client_for):
    update = file(world, "lead32", "current")
    response = client_for(world["strategist"]).post(
        reverse("status_return", args=[update.pk]),
        {f"u{update.pk}-question": "   "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Bitte formulieren Sie Ihre Rückfrage." in response.content.decode()
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED
    assert not Notification.objects.exists()


def test_leads_cannot_review_nor_reach_other_units_confidential_updates(world, client_for):
    own = file(world, "lead32", "current")
    world["other"]["measure"].is_confidential = True
    world["other"]["measure"].save()
    other = services.file_status_update(
        actor=world["lead50"],
        subject=world["other"]["measure"],
        period=world["current"],
        traffic_light="red",
        progress=10,
        status="in_progress",
        summary="Verzug.",
    )
    lead = client_for(world["lead32"])
    assert lead.get(reverse("status_review_list")).status_code == 403
    assert lead.post(reverse("status_acknowledge", args=[own.pk])).status_code == 403
    assert lead.post(reverse("status_acknowledge", args=[other.pk])).status_code == 404
    assert (
        lead.post(reverse("status_return", args=[other.pk]), {"question": "x"}).status_code == 404
    )
    lead.post(reverse("status_acknowledge_many"), {"update": [own.pk, other.pk]})
    assert not StatusUpdate.objects.filter(review_state=ReviewState.ACKNOWLEDGED).exists()


def test_bulk_acknowledge_confirms_the_chosen_updates(world, client_for):
    own = file(world, "lead32", "current")
    project_update = services.file_status_update(
        actor=world["lead32"],
        subject=world["own"]["project"],
        period=world["current"],
        traffic_light="green",
        progress=20,
        status="in_progress",
        summary="Ausschreibung.",
    )
    client = client_for(world["strategist"])
    response = client.post(reverse("status_acknowledge_many"), {"update": [own.pk]})
    assert response.status_code == 302
    own.refresh_from_db()
    project_update.refresh_from_db()
    assert own.review_state == ReviewState.ACKNOWLEDGED
    assert project_update.review_state == ReviewState.SUBMITTED


def test_an_update_changed_since_the_page_was_shown_is_not_acknowledged(world, client_for):
    update = file(world, "lead32", "current")
    seen_at = update.updated_at
    file(world, "lead32", "current", summary="Neue Fassung.")
    response = client_for(world["strategist"]).post(
        reverse("status_acknowledge", args=[update.pk]),
        {f"u{update.pk}-seen_at": seen_at.isoformat()},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


def test_correcting_an_acknowledged_update_puts_it_back_in_review(world):
    update = file(world, "lead32", "current")
    services.acknowledge_status_update(actor=world["strategist"], update=update)
    update = file(world, "lead32", "current", summary="Korrigiert.")
    assert update.review_state == ReviewState.SUBMITTED
    assert update.reviewed_by is None


def test_a_drop_in_progress_needs_a_reason(world, client_for):
    file(world, "strategist", "previous", progress=60)
    lead = client_for(world["lead32"])
    url = reverse("measure_status", args=[world["own"]["measure"].pk])
    response = lead.post(url, status_form(world, progress="30"))
    assert response.status_code == 422
    assert "sinkt gegenüber" in response.content.decode()
    assert "von 60 % auf 30 %" in response.content.decode()
    assert not StatusUpdate.objects.filter(period=world["current"]).exists()

    response = lead.post(
        url, status_form(world, progress="30", progress_drop_reason="Neuer Umfang.")
    )
    assert response.status_code == 302
    assert StatusUpdate.objects.get(period=world["current"]).progress_drop_reason == (
        "Neuer Umfang."
    )


def test_a_flagged_decision_needs_its_description(world, client_for):
    lead = client_for(world["lead32"])
    url = reverse("measure_status", args=[world["own"]["measure"].pk])
    response = lead.post(url, status_form(world, needs_decision="on"))
    assert response.status_code == 422
    assert "welche Entscheidung nötig ist" in response.content.decode()
    response = lead.post(
        url, status_form(world, needs_decision="on", decision_note="Mittel für 2027 freigeben.")
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(period=world["current"])
    assert update.needs_decision and update.decision_note == "Mittel für 2027 freigeben."


def test_the_form_offers_the_previous_text_and_unchanged_reporting(world, client_for):
    file(world, "strategist", "previous", progress=55, summary="Alles wie geplant.", risks="keine")
    lead = client_for(world["lead32"])
    url = reverse("measure_status", args=[world["own"]["measure"].pk])
    page = lead.get(url).content.decode()
    assert "Vorige Meldung" in page and "Alles wie geplant." in page

    # "Texte übernehmen" fills the texts in and saves nothing.
    response = lead.post(url, status_form(world, summary="", action="take_previous"))
    assert response.status_code == 200
    assert "Alles wie geplant.</textarea>" in response.content.decode()
    assert not StatusUpdate.objects.filter(period=world["current"]).exists()

    # "Unverändert melden" files the previous values for the current period.
    response = lead.post(url, status_form(world, summary="", action="unchanged"))
    assert response.status_code == 302
    update = StatusUpdate.objects.get(period=world["current"])
    assert (update.progress, update.summary, update.risks) == (55, "Alles wie geplant.", "keine")
    assert update.author == world["lead32"]


def test_unchanged_reporting_without_a_previous_update_says_so(world, client_for):
    url = reverse("measure_status", args=[world["own"]["measure"].pk])
    response = client_for(world["lead32"]).post(url, status_form(world, action="unchanged"))
    assert response.status_code == 422
    assert "keine frühere Statusmeldung" in response.content.decode()


def test_the_review_page_keeps_its_query_count_with_more_updates(
    world, client_for, django_assert_max_num_queries
):
    from tests.factories import MeasureFactory

    client = client_for(world["strategist"])
    file(world, "lead32", "current")

    def add(count):
        for _ in range(count):
            measure = MeasureFactory(owner=world["unit32"], goal=world["goal"])
            services.file_status_update(
                actor=world["lead32"],
                subject=measure,
                period=world["current"],
                traffic_light="green",
                progress=10,
                status="in_progress",
                summary="Los.",
            )

    add(1)
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("status_review_list"))
    add(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("status_review_list")).content.decode()
    assert page.count('class="kern-card kern-card--small fb15-review"') == 14
