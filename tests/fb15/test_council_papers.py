"""Council papers over OParl 1.1: linked by reference or URL, shown on the pages of
measures, revisions and reports, refreshed conditionally by the beat job, and each failure
of the council information system kept off the pages (last known state, German note).

Tested against the OParl specification's example objects served over real HTTP by
tests/fb15/oparl_server.py.
"""

import datetime
import hashlib
import json
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from fb15 import council, oparl
from fb15.models import CitySettings, CouncilPaper, CouncilPaperLink
from fb15.tasks import refresh_council_papers
from reporting.models import Report, ReportStatus
from strategy import services as strategy_services
from tests.factories import FieldOfActionFactory, GoalFactory, MeasureFactory, StrategyFactory
from tests.fb15.oparl_server import ETAG, OparlServer
from tests.fb15.test_city_settings import form_data

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "oparl" / "schema"


@pytest.fixture
def ris(settings):
    """The council information system, configured as FB 15 would under Organisation."""
    settings.OPARL_TIMEOUT = 1
    server = OparlServer().start()
    CitySettings.objects.update_or_create(pk=1, defaults={"oparl_system_url": server.base + "/"})
    yield server
    server.stop()


@pytest.fixture
def measure(personas):
    return MeasureFactory(owner=personas["unit32"], title="E-Akte einführen")


def link(client, subject_key, subject, text, **kwargs):
    url = reverse("council_paper_link", args=[subject_key, subject.pk])
    return client.post(url, {"paper": text}, **kwargs)


def page_of(client, subject) -> str:
    response = client.get(subject.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_fb15_links_a_measure_to_a_paper_by_its_reference(ris, personas, measure, client_for):
    client = client_for(personas["strategist"])

    response = link(client, "massnahmen", measure, " 1234/2014 ", follow=True)

    assert "Die Drucksache 1234/2014 Antwort auf Anfrage 1200/2014 ist verknüpft." in (
        response.content.decode()
    )
    paper = CouncilPaper.objects.get()
    assert paper.url == ris.paper_url  # found on page 2 of the body's paper list
    assert (paper.reference, paper.name, paper.paper_type, paper.date) == (
        "1234/2014",
        "Antwort auf Anfrage 1200/2014",
        "Beantwortung einer Anfrage",
        datetime.date(2014, 4, 4),
    )
    assert paper.details["consultations"] == [
        {
            "role": "Beschlussfassung",
            "authoritative": False,
            "bodies": ["Ausschuss für Haushalt und Finanzen"],
            "meeting": "4. Sitzung des Finanzausschusses",
            "meeting_start": "2013-01-04T08:00:00+01:00",
            "meeting_url": "",
            "result": "Geändert beschlossen",
        }
    ]
    assert paper.etag == ETAG
    link_row = CouncilPaperLink.objects.get()
    assert link_row.subject == measure
    assert link_row.history.get().history_user == personas["strategist"]

    page = page_of(client_for(personas["staff"]), measure)
    for text in (
        "Drucksachen im Ratsinformationssystem",
        "1234/2014: Antwort auf Anfrage 1200/2014",
        "Beantwortung einer Anfrage",
        "Ausschuss für Haushalt und Finanzen",
        "4. Sitzung des Finanzausschusses (04.01.2013)",
        "Geändert beschlossen",
    ):
        assert text in page
    assert "Drucksache verknüpfen" not in page  # staff reads, FB 15 links


def test_a_reference_on_the_first_list_page_and_a_url_both_find_their_paper(
    ris, personas, measure, client_for
):
    client = client_for(personas["strategist"])

    link(client, "massnahmen", measure, "Dez. I/0006/WP18")
    link(client, "massnahmen", measure, ris.paper_url)

    assert sorted(CouncilPaper.objects.values_list("reference", flat=True)) == [
        "1234/2014",
        "Dez. I/0006/WP18",
    ]
    assert CouncilPaperLink.objects.count() == 2
    # Linking by URL needs no search through the lists.
    assert ris.requests[-1][0] == "/organization/96"
    assert "/bodies" not in [path for path, _ in ris.requests[-4:]]


def test_an_unknown_reference_or_a_url_of_no_paper_is_refused_in_german(
    ris, personas, measure, client_for
):
    client = client_for(personas["strategist"])

    unknown = link(client, "massnahmen", measure, "9999/2099", follow=True).content.decode()
    meeting = link(client, "massnahmen", measure, ris.base + "/meeting/243", follow=True)

    assert "Im Ratsinformationssystem gibt es keine Drucksache „9999/2099“." in unknown
    assert "Unter dieser Adresse steht keine Drucksache (OParl-Paper)." in (
        meeting.content.decode()
    )
    assert not CouncilPaper.objects.exists() and not CouncilPaperLink.objects.exists()


def test_a_search_by_reference_that_takes_too_long_gives_up_with_advice(
    ris, personas, measure, client_for, monkeypatch
):
    monkeypatch.setattr(oparl, "SEARCH_SECONDS", 0)

    response = link(client_for(personas["strategist"]), "massnahmen", measure, "1234/2014")

    assert "bitte die OParl-Adresse der Drucksache angeben" in (
        client_for(personas["strategist"]).get(response["Location"]).content.decode()
    )
    assert not CouncilPaperLink.objects.exists()


def test_linking_the_same_paper_twice_is_refused(ris, personas, measure, client_for):
    client = client_for(personas["strategist"])
    link(client, "massnahmen", measure, "1234/2014")

    response = link(client, "massnahmen", measure, ris.paper_url, follow=True)

    assert "ist hier bereits verknüpft" in response.content.decode()
    assert CouncilPaperLink.objects.count() == 1


def test_revisions_and_reports_show_their_linked_papers(ris, personas, client_for):
    strategy = StrategyFactory()
    GoalFactory(field_of_action=FieldOfActionFactory(strategy=strategy, position=1), position=1)
    revision = strategy_services.publish_revision(
        actor=personas["strategist"],
        strategy=strategy,
        number=2,
        title="Zweite Fortschreibung",
        decided_on=datetime.date(2026, 3, 1),
        decision_reference="Dez. I/0006/WP18",
    )
    report = _released_report()
    client = client_for(personas["strategist"])
    # The revision's decision reference is offered for its first link.
    assert 'value="Dez. I/0006/WP18"' in page_of(client, revision)

    link(client, "fortschreibungen", revision, "Dez. I/0006/WP18")
    link(client, "berichte", report, "1234/2014")

    council_member = client_for(personas["council"])
    assert "Digitale Strategie der Stadt – 2. Fortschreibung" in page_of(council_member, revision)
    assert "Beschlussvorlage" in page_of(council_member, revision)
    assert "Antwort auf Anfrage 1200/2014" in page_of(council_member, report)


def _released_report() -> Report:
    content = b"%PDF-1.4 test"
    report = Report(
        period_label="2026-Q1",
        period_starts_on=datetime.date(2026, 1, 1),
        period_ends_on=datetime.date(2026, 3, 31),
        status=ReportStatus.DONE,
        released_at=timezone.now(),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        data_as_of=timezone.now(),
        finished_at=timezone.now(),
    )
    report.file.save("test.pdf", ContentFile(content), save=False)
    report.save()
    return report


# ------------------------------------------------------------------ the refresh job


@pytest.fixture
def linked(ris, personas, measure):
    council.link_paper(actor=personas["strategist"], subject=measure, text="1234/2014")
    return CouncilPaper.objects.get()


def test_refresh_sends_the_etag_and_keeps_an_unchanged_paper_on_304(ris, linked):
    before = linked.fetched_at
    ris.requests.clear()

    assert refresh_council_papers() == {"changed": 0, "unchanged": 1, "failed": 0}

    assert [(path, headers.get("If-None-Match")) for path, headers in ris.requests] == [
        ("/paper/749", ETAG)
    ]
    assert ris.requests[0][1].get("If-Modified-Since") == "Tue, 08 Jan 2013 11:05:27 GMT"
    linked.refresh_from_db()
    assert linked.fetched_at == before and linked.checked_at > before and not linked.error


def test_a_paper_still_under_consultation_is_read_in_full_until_its_result_is_in(
    ris, personas, measure
):
    meeting = ris.routes["/meeting/243"]
    meeting["agendaItem"][0]["result"] = ""  # the committee has not decided yet
    council.link_paper(actor=personas["strategist"], subject=measure, text="1234/2014")
    ris.requests.clear()
    meeting["agendaItem"][0]["result"] = "Geändert beschlossen"

    assert refresh_council_papers() == {"changed": 1, "unchanged": 0, "failed": 0}

    assert "If-None-Match" not in ris.requests[0][1]
    assert CouncilPaper.objects.get().consultations[0]["result"] == "Geändert beschlossen"


def test_refresh_takes_a_changed_paper(ris, linked):
    ris.routes["/paper/749"]["name"] = "Antwort auf Anfrage 1200/2014 (ergänzt)"
    linked.etag = '"older"'
    linked.save()

    assert refresh_council_papers() == {"changed": 1, "unchanged": 0, "failed": 0}

    linked.refresh_from_db()
    assert linked.name == "Antwort auf Anfrage 1200/2014 (ergänzt)"
    assert linked.etag == ETAG and linked.consultations[0]["result"] == "Geändert beschlossen"


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("slow", "hat nicht innerhalb von 1 Sekunden geantwortet"),
        ("html", "antwortet mit einer Webseite statt mit OParl-Daten"),
        ("invalid", "antwortet mit ungültigem JSON"),
        ("loop", "leitet endlos weiter"),
        ("error", "antwortet mit dem Fehler 500"),
    ],
)
def test_a_failing_endpoint_leaves_the_last_known_state_and_the_page_says_so(
    ris, linked, personas, measure, client_for, mode, message
):
    ris.behave("/paper/749", mode)

    assert refresh_council_papers() == {"changed": 0, "unchanged": 0, "failed": 1}

    linked.refresh_from_db()
    assert message in linked.error
    assert linked.name == "Antwort auf Anfrage 1200/2014"  # the last known state
    page = page_of(client_for(personas["staff"]), measure)
    assert "Letzter bekannter Stand" in page and message in page
    assert "Geändert beschlossen" in page


def test_a_paper_deleted_in_the_council_system_keeps_its_last_state(ris, linked):
    ris.routes["/paper/749"]["deleted"] = True
    linked.etag = ""
    linked.save()

    assert refresh_council_papers()["failed"] == 1

    linked.refresh_from_db()
    assert linked.error == "Die Drucksache wurde im Ratsinformationssystem gelöscht."
    assert linked.name == "Antwort auf Anfrage 1200/2014"


def test_an_unreachable_endpoint_leaves_the_last_known_state(
    ris, linked, personas, measure, client_for
):
    ris.stop()

    assert refresh_council_papers()["failed"] == 1

    linked.refresh_from_db()
    assert linked.error == "Das Ratsinformationssystem ist nicht erreichbar."
    page = page_of(client_for(personas["staff"]), measure)
    assert "nicht erreichbar" in page and "Antwort auf Anfrage 1200/2014" in page


@pytest.mark.parametrize("mode", ["slow", "html", "invalid", "loop", "error"])
def test_linking_while_the_endpoint_fails_writes_nothing_and_says_why(
    ris, personas, measure, client_for, mode
):
    ris.behave("/", mode)

    response = link(
        client_for(personas["strategist"]), "massnahmen", measure, "1234/2014", follow=True
    )

    assert response.status_code == 200
    assert "Das Ratsinformationssystem" in response.content.decode()
    assert not CouncilPaper.objects.exists() and not CouncilPaperLink.objects.exists()


def test_the_refresh_job_is_scheduled_nightly_with_an_expiry():
    job = PeriodicTask.objects.get(task="fb15.refresh_council_papers")
    assert (job.crontab.hour, job.crontab.minute) == ("5", "30")
    assert job.expire_seconds == 6 * 60 * 60


def _schema_registry():
    """The OParl schemas, their embedded objects ("schema": "File.json") as $refs."""

    def load(path):
        def convert(node):
            if isinstance(node, dict):
                node = {key: convert(value) for key, value in node.items()}
                if isinstance(node.get("schema"), str):
                    return {"$ref": node.pop("schema")}
                return node
            if isinstance(node, list):
                return [convert(item) for item in node]
            return node

        return convert(json.loads(path.read_text()))

    schemas = {path.name: load(path) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT4))
        for name, schema in schemas.items()
    )
    return schemas, registry


def test_the_test_system_serves_objects_valid_by_the_oparl_schemas(ris):
    schemas, registry = _schema_registry()
    served = [ris.routes[path] for path in ("/", "/paper/749", "/paper/750", "/meeting/243")]
    served += [ris.routes["/organization/96"], *ris.routes["/bodies"]["data"]]

    errors = []
    for obj in served:
        kind = obj["type"].rsplit("/", 1)[1]
        validator = Draft4Validator(schemas[f"{kind}.json"], registry=registry)
        errors += [
            f"{kind} {list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(obj)
        ]
    # The specification's own Meeting example lacks the agenda item's required "order"; the
    # client does not rely on it. Nothing else deviates, the stitched objects included.
    assert errors == ["Meeting ['agendaItem', 0]: 'order' is a required property"]


def test_the_client_refuses_other_schemes():
    with pytest.raises(oparl.OparlError, match="keine http"):
        oparl.get("file:///etc/passwd")


# ------------------------------------------------------------------ who may do what


@pytest.mark.parametrize("persona", ["lead32", "lead50", "council", "staff"])
def test_only_fb15_links_papers(ris, personas, measure, client_for, persona):
    response = link(client_for(personas[persona]), "massnahmen", measure, "1234/2014")

    assert response.status_code == 403
    assert not CouncilPaper.objects.exists()
    assert not ris.requests  # refused before the council system is asked


def test_only_fb15_configures_the_endpoint(personas, client_for):
    url = reverse("city_settings_edit")
    endpoint = "https://ris.musterhausen.example/oparl/v1/system"
    data = form_data(oparl_system_url=endpoint)
    assert client_for(personas["staff"]).post(url, data).status_code == 403
    client = client_for(personas["strategist"])
    assert "Ratsinformationssystem (OParl-Adresse)" in client.get(url).content.decode()

    assert client.post(url, form_data(oparl_system_url="kein Link")).status_code == 422
    assert client.post(url, data).status_code == 302

    assert CitySettings.objects.get().oparl_system_url == endpoint


def test_a_confidential_measures_paper_is_seen_only_by_its_readers(ris, personas, client_for):
    measure = MeasureFactory(owner=personas["unit32"], is_confidential=True)
    council.link_paper(actor=personas["strategist"], subject=measure, text="1234/2014")
    unlink_url = reverse("council_paper_unlink", args=[CouncilPaperLink.objects.get().pk])

    assert "Antwort auf Anfrage" in page_of(client_for(personas["lead32"]), measure)
    outsider = client_for(personas["lead50"])
    assert outsider.get(measure.get_absolute_url()).status_code == 404
    assert link(outsider, "massnahmen", measure, "1234/2014").status_code == 404
    assert outsider.post(unlink_url).status_code == 404


def test_fb15_unlinks_with_history_and_readers_may_not(ris, linked, personas, client_for):
    link_row = CouncilPaperLink.objects.get()
    url = reverse("council_paper_unlink", args=[link_row.pk])

    assert client_for(personas["staff"]).post(url).status_code == 403
    response = client_for(personas["strategist"]).post(url)

    assert response.status_code == 302 and response["Location"].endswith("#drucksachen")
    assert not CouncilPaperLink.objects.exists()
    assert (
        CouncilPaperLink.history.filter(history_type="-").get().history_user
        == (personas["strategist"])
    )


def test_the_measure_page_reads_linked_papers_in_constant_queries(
    ris, personas, measure, client_for
):
    content_type = ContentType.objects.get_for_model(measure)
    client = client_for(personas["staff"])
    counts = []
    for papers in (1, 4):
        for number in range(CouncilPaper.objects.count(), papers):
            paper = CouncilPaper.objects.create(url=f"{ris.base}/paper/x{number}")
            CouncilPaperLink.objects.create(
                paper=paper, content_type=content_type, object_id=measure.pk
            )
        client.get(measure.get_absolute_url())  # warm caches
        with CaptureQueriesContext(connection) as queries:
            page = page_of(client, measure)
        assert page.count("Noch keine Beratung im Ratsinformationssystem.") == papers
        counts.append(len(queries))
    assert counts[0] == counts[1]
