"""'Ihre Aufgaben' on the start page: per role, above everything else, emptying as the work
is done, each task counted in a constant number of queries."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fb15.models import Notification
from measures import services
from measures.models import Milestone, StatusUpdate
from reporting.models import Report, ReportStatus
from standards.models import ExemptionStatus
from tests.factories import (
    ComplianceFactory,
    ExemptionFactory,
    MeasureFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def periods(db):
    from tests.factories import make_periods

    return make_periods()


@pytest.fixture
def world(personas, periods):
    from tests.factories import make_world

    return make_world(personas, periods)


def tasks_section(client) -> str:
    page = client.get(reverse("home")).content.decode()
    start = page.index('id="tasks-heading"')
    return page[start : page.index("</section>", start)]


def file(world, side="own", who="lead32", **values):
    return services.file_status_update(
        actor=world[who],
        subject=world[side]["measure"],
        period=world["current"],
        traffic_light="green",
        progress=10,
        status="in_progress",
        summary="Läuft.",
        **values,
    )


def test_the_tasks_come_first_on_the_start_page(world, client_for):
    page = client_for(world["lead32"]).get(reverse("home")).content.decode()
    assert page.index("Ihre Aufgaben") < page.index("Mein Fachbereich</h2>")


def test_a_lead_sees_due_updates_overdue_milestones_and_kpis_without_value(world, client_for):
    tasks = tasks_section(client_for(world["lead32"]))
    # FB 32 owns one measure and one project, neither reported this period.
    assert "2 Statusmeldungen für" in tasks and "Stichtag" in tasks
    assert "1 Meilenstein überfällig" in tasks or "2 Meilensteine überfällig" in tasks
    assert "1 Kennzahl ohne Messwert" in tasks
    # Nothing of FB 15's work.
    assert "zu prüfen" not in tasks and "zu entscheiden" not in tasks


def test_a_returned_update_becomes_the_leads_task_and_leaves_once_answered(world, client_for):
    update = file(world)
    services.return_status_update(
        actor=world["strategist"], update=update, question="Wer ist beteiligt?"
    )
    lead = client_for(world["lead32"])
    tasks = tasks_section(lead)
    assert "1 Rückfrage von FB 15 beantworten" in tasks and "Wer ist beteiligt?" in tasks
    assert f"?period={world['current'].pk}" in tasks  # straight to the form
    file(world, review_answer="Das Bürgerbüro Mitte.")
    assert "Rückfrage" not in tasks_section(lead)
    # The other unit's lead sees none of it.
    assert "Rückfrage" not in tasks_section(client_for(world["lead50"]))


def test_fb15_inbox_empties_as_it_works(world, client_for):
    own, other = file(world), file(world, side="other", who="lead50")
    standard = StandardFactory(code="SEC-01")
    ExemptionFactory(unit=world["unit32"], standard=standard, status=ExemptionStatus.REQUESTED)
    ComplianceFactory(unit=world["unit50"], standard=standard, state="partial")
    Report.objects.create(
        period_label="2026-Q1",
        period_starts_on=datetime.date(2026, 1, 1),
        period_ends_on=datetime.date(2026, 3, 31),
        status=ReportStatus.FAILED,
        error="Zeitüberschreitung",
    )
    client = client_for(world["strategist"])
    tasks = tasks_section(client)
    assert "2 Statusmeldungen zu prüfen" in tasks
    assert "1 Ausnahmeantrag zu entscheiden" in tasks
    assert "1 Selbsteinschätzung zu bestätigen" in tasks
    assert "1 Bericht fehlgeschlagen" in tasks
    # Overdue work is listed before the rest.
    assert tasks.index("fehlgeschlagen") < tasks.index("zu prüfen")
    # The leads' own duties are not FB 15's.
    assert "Statusmeldungen für" not in tasks and "Meilenstein" not in tasks

    client.post(reverse("status_acknowledge", args=[own.pk]))
    assert "1 Statusmeldung zu prüfen" in tasks_section(client)
    client.post(reverse("status_acknowledge", args=[other.pk]))
    assert "zu prüfen" not in tasks_section(client)


def test_units_missing_updates_get_a_reminder_once_a_day(world, client_for):
    client = client_for(world["strategist"])
    tasks = tasks_section(client)
    assert "2 Fachbereiche mit fehlenden Statusmeldungen" in tasks
    url = reverse("reminder_send", args=[world["unit32"].pk])
    assert url in tasks and "Erinnerung an FB 32 senden (2 offen)" in tasks

    response = client.post(url, follow=True)
    assert "Erinnerung an FB 32 gesendet." in response.content.decode()
    mail = Notification.objects.get(subject__startswith="Erinnerung: Statusmeldungen")
    assert mail.recipient_list == [world["lead32"].email]
    assert world["own"]["measure"].code in mail.body
    # The inbox no longer offers FB 32's button today, and says so; FB 50's stays.
    tasks = tasks_section(client)
    assert url not in tasks and "heute erinnert: 1" in tasks
    assert reverse("reminder_send", args=[world["unit50"].pk]) in tasks
    response = client.post(url, follow=True)
    assert "heute schon erinnert" in response.content.decode()
    assert Notification.objects.count() == 1


def test_leads_and_the_council_cannot_send_reminders(world, client_for):
    url = reverse("reminder_send", args=[world["unit50"].pk])
    for who in ("lead32", "council"):
        assert client_for(world[who]).post(url).status_code == 403
    assert not Notification.objects.exists()


def test_the_council_gets_the_newest_report_as_a_direct_pdf_link(world, client_for):
    older = Report.objects.create(
        period_label="2026-Q1",
        period_starts_on=datetime.date(2026, 1, 1),
        period_ends_on=datetime.date(2026, 3, 31),
        status=ReportStatus.DONE,
        released_at=timezone.now() - datetime.timedelta(days=90),
        finished_at=timezone.now() - datetime.timedelta(days=90),
    )
    newest = Report.objects.create(
        period_label="2026-Q2",
        period_starts_on=datetime.date(2026, 4, 1),
        period_ends_on=datetime.date(2026, 6, 30),
        status=ReportStatus.DONE,
        released_at=timezone.now(),
        finished_at=timezone.now(),
    )
    tasks = tasks_section(client_for(world["council"]))
    assert reverse("report_download", args=[newest.pk]) in tasks
    assert reverse("report_download", args=[older.pk]) not in tasks
    assert "2026-Q2" in tasks and "zu prüfen" not in tasks


def test_leads_see_their_waiting_requests_as_information(world, client_for):
    standard = StandardFactory(code="SEC-02")
    ExemptionFactory(unit=world["unit32"], standard=standard, status=ExemptionStatus.REQUESTED)
    tasks = tasks_section(client_for(world["lead32"]))
    assert "1 Ausnahmeantrag wartet auf FB 15" in tasks and "zur Kenntnis" in tasks
    assert "Ausnahmeantrag" not in tasks_section(client_for(world["lead50"]))


def test_the_start_page_asks_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    for who in ("strategist", "lead32", "council"):
        client = client_for(world[who])
        client.get(reverse("home"))  # the first visit sets the news mark
        # Both counted with the cache empty: the Lagebild's figures are cached until the
        # data changes, and the second visit below follows a change.
        cache.clear()
        with django_assert_max_num_queries(80) as small:
            client.get(reverse("home"))
        for _ in range(15):
            measure = MeasureFactory(owner=world["unit32"], goal=world["goal"])
            Milestone.objects.create(measure=measure, title="Alt", due_on=datetime.date(2026, 1, 1))
            services.file_status_update(
                actor=world["lead32"],
                subject=measure,
                period=world["current"],
                traffic_light="green",
                progress=5,
                status="in_progress",
                summary="Los.",
            )
        cache.clear()
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("home"))
    assert StatusUpdate.objects.count() >= 30
