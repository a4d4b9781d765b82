"""The review cycle in the browser: a lead files from the start page, FB 15 questions the
update, the lead answers, FB 15 acknowledges; every state with axe. And the council's way
to the newest PDF in two clicks."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from measures import services
from measures.models import ReviewState, StatusUpdate
from reporting.models import Report, ReportStatus
from tests.browser.conftest import assert_accessible
from tests.factories import ExemptionFactory, make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def review_world(personas):
    world = make_world(personas, make_periods())
    services.file_status_update(
        actor=world["strategist"],
        subject=world["own"]["measure"],
        period=world["previous"],
        traffic_light="green",
        progress=60,
        status="in_progress",
        summary="Pilot in zwei Bürgerbüros gestartet.",
    )
    return world


def file_both_measures(world):
    """Both leads report their measure for the current period: two updates to review."""
    for side, who in (("own", "lead32"), ("other", "lead50")):
        services.file_status_update(
            actor=world[who],
            subject=world[side]["measure"],
            period=world["current"],
            traffic_light="green",
            progress=70,
            status="in_progress",
            summary="Weiter im Plan.",
        )


def switch_to(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_lead_files_fb15_asks_the_lead_answers_and_fb15_acknowledges(
    page, live_server, review_world, login
):
    measure = review_world["own"]["measure"]
    login("leitung32")
    page.get_by_role("link", name="Statusmeldungen für").click()  # the task → Mein Fachbereich
    card = page.locator("article", has_text=measure.title).first
    card.get_by_role("link", name="Ausführlich melden").click()

    # The previous period's text is offered; a drop in progress needs a reason.
    expect(page.get_by_text("Pilot in zwei Bürgerbüros gestartet.")).to_be_visible()
    page.get_by_role("button", name="Texte übernehmen").click()
    expect(page.get_by_label("Sachstand")).to_have_value("Pilot in zwei Bürgerbüros gestartet.")
    page.get_by_label("Fortschritt (%)").fill("50")
    page.get_by_role("button", name="Statusmeldung speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("von 60 % auf 50 %")
    assert_accessible(page)
    page.get_by_label("Begründung für den Rückgang").fill("Zweiter Standort fällt weg.")
    page.get_by_role("button", name="Statusmeldung speichern").click()
    expect(page.get_by_text("gespeichert")).to_be_visible()  # back on "Mein Fachbereich"
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    expect(page.get_by_text("bei FB 15 zur Prüfung").first).to_be_visible()

    # FB 15: the task leads to the review page; an empty question is refused in place.
    switch_to(page, login, "strategie")
    page.get_by_role("link", name="1 Statusmeldung zu prüfen").click()
    row = page.locator("article.fb15-review", has_text=measure.title)
    expect(row).to_contain_text("Zweiter Standort fällt weg.")
    assert_accessible(page)
    row.get_by_text("Rückfrage stellen").click()
    row.get_by_role("button", name="Rückfrage senden").click()
    row = page.locator("article.fb15-review", has_text=measure.title)
    expect(row.get_by_text("Bitte formulieren Sie Ihre Rückfrage.")).to_be_visible()
    expect(row.get_by_label("Rückfrage an den Fachbereich")).to_be_focused()
    assert_accessible(page)
    row.get_by_label("Rückfrage an den Fachbereich").fill("Welcher Standort fällt weg?")
    row.get_by_role("button", name="Rückfrage senden").click()
    row = page.locator("article.fb15-review", has_text=measure.title)
    expect(row).to_contain_text("Rückfrage zu")
    expect(row.get_by_text("Rückfrage von FB 15")).to_be_visible()

    # The lead answers from the start page.
    switch_to(page, login, "leitung32")
    page.get_by_role("link", name="1 Rückfrage von FB 15 beantworten").click()
    expect(page.get_by_text("Welcher Standort fällt weg?")).to_be_visible()
    page.get_by_role("button", name="Statusmeldung speichern").click()
    expect(page.get_by_text("Bitte beantworten Sie die Rückfrage von FB 15.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Antwort auf die Rückfrage").fill("Das Bürgerbüro Nord.")
    page.get_by_role("button", name="Statusmeldung speichern").click()
    expect(page.get_by_text("gespeichert")).to_be_visible()

    # FB 15 acknowledges; its task is gone.
    switch_to(page, login, "strategie")
    page.get_by_role("link", name="1 Statusmeldung zu prüfen").click()
    row = page.locator("article.fb15-review", has_text=measure.title)
    expect(row).to_contain_text("Das Bürgerbüro Nord.")
    row.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("article.fb15-review", has_text=measure.title)).to_contain_text(
        "von FB 15 bestätigt"
    )
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Statusmeldung zu prüfen")).to_have_count(0)
    update = StatusUpdate.objects.get(measure=measure, period=review_world["current"])
    assert update.review_state == ReviewState.ACKNOWLEDGED
    assert update.review_answer == "Das Bürgerbüro Nord."

    # The whole exchange, in order, on the measure's timeline.
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    exchange = page.locator(".fb15-exchange").first
    for text in ("gemeldet", "Rückfrage", "Welcher Standort fällt weg?", "Antwort", "bestätigt"):
        expect(exchange).to_contain_text(text)
    assert_accessible(page)


def test_fb15_acknowledges_several_at_once_and_sees_it_working(
    page, live_server, review_world, login
):
    file_both_measures(review_world)
    login("strategie")
    page.goto(f"{live_server.url}/statusmeldungen/pruefen/")
    for checkbox in page.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Markierte bestätigen").click()
    expect(page.get_by_text("2 Statusmeldungen bestätigt.")).to_be_visible()
    expect(page.get_by_text("Alle Meldungen dieses Zeitraums sind geprüft.")).to_be_visible()
    assert_accessible(page)


def test_the_council_reaches_the_newest_pdf_in_two_clicks(
    page, live_server, personas, login, eager_tasks
):
    content = b"%PDF-1.4 council"
    report = Report(
        period_label="2026-Q3",
        period_starts_on=datetime.date(2026, 7, 1),
        period_ends_on=datetime.date(2026, 9, 30),
        status=ReportStatus.DONE,
        released_at=timezone.now(),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        data_as_of=timezone.now(),
        finished_at=timezone.now(),
    )
    report.file.save("council.pdf", ContentFile(content), save=False)
    report.save()
    login("rat")  # click 1: the login form's button
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Neuester Statusbericht").click()  # click 2
    assert download.value.suggested_filename.endswith(".pdf")


def test_fb15_works_through_its_inbox_and_it_empties(page, live_server, review_world, login):
    world = review_world
    file_both_measures(world)
    ExemptionFactory(unit=world["unit32"], requested_by=world["lead32"])
    login("strategie")
    tasks = page.locator(".fb15-tasks")
    expect(tasks.get_by_role("link", name="2 Statusmeldungen zu prüfen")).to_be_visible()
    assert_accessible(page)

    tasks.get_by_role("link", name="2 Statusmeldungen zu prüfen").click()
    for checkbox in page.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Markierte bestätigen").click()
    expect(page.get_by_text("2 Statusmeldungen bestätigt.")).to_be_visible()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Start").click()
    expect(tasks.get_by_text("zu prüfen")).to_have_count(0)

    tasks.get_by_role("link", name="1 Ausnahmeantrag zu entscheiden").click()
    expect(page.get_by_role("heading", name="Ausnahmen von Standards")).to_be_visible()
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_label("genehmigen").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_be_visible()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Start").click()
    expect(tasks.get_by_text("Ausnahmeantrag")).to_have_count(0)

    # The projects still lack updates: remind FB 32, and its button is gone for today.
    tasks.get_by_role("button", name="Erinnerung an FB 32 senden (1 offen)").click()
    expect(page.get_by_text("Erinnerung an FB 32 gesendet.")).to_be_visible()
    expect(tasks.get_by_role("button", name="Erinnerung an FB 32 senden (1 offen)")).to_have_count(
        0
    )
    expect(tasks.get_by_role("button", name="Erinnerung an FB 50 senden (1 offen)")).to_be_visible()
    assert_accessible(page)
