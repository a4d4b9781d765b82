"""The CSV exports stream their rows and write exactly what the export wrote before.

The reference below is the export as it was first written: Django's display methods per
row, every row built in memory and written with the csv module. The streamed export, with
its labels looked up once per request, must give the same bytes for the demo data.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fb15.csv_export import GermanExcel, neutralise
from fb15.models import User
from measures.models import Measure, Project
from measures.views import label_goals
from strategy.services import goal_labels
from tests.permissions.conftest import demo_data  # noqa: F401  (seed_demo once per module)

pytestmark = pytest.mark.django_db


def _money(value):
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _date(value):
    return value.isoformat() if value else ""


SHARED = [
    ("Status", lambda item: item.get_status_display()),
    ("Ampel", lambda item: item.get_traffic_light_display()),
    ("Fortschritt (%)", lambda item: item.progress),
    ("Budget geplant (EUR)", lambda item: _money(item.budget_planned)),
    ("Budget verausgabt (EUR)", lambda item: _money(item.budget_spent)),
    ("geplantes Ende", lambda item: _date(item.planned_end)),
    ("letzte Statusmeldung", lambda item: str(item.last_update_period or "")),
]
OLD_COLUMNS = {
    Measure: [
        ("Kennung", lambda m: m.code),
        ("Titel", lambda m: m.title),
        ("Handlungsfeld", lambda m: m.goal_label.field_title),
        ("Ziel", lambda m: m.goal_label.title),
        ("Fachbereich", lambda m: m.owner.code),
        ("verantwortliche Person", lambda m: str(m.responsible or "")),
        ("Priorität", lambda m: m.get_priority_display()),
        *SHARED,
    ],
    Project: [
        ("Kennung", lambda p: p.code),
        ("Titel", lambda p: p.title),
        ("Fachbereich", lambda p: p.owner.code),
        ("Projektleitung", lambda p: str(p.lead or "")),
        ("Phase", lambda p: p.get_phase_display()),
        *SHARED,
    ],
}


def old_export(model, user) -> bytes:
    columns = OLD_COLUMNS[model]
    items = list(model.objects.restrict(user, "view").with_list_data())
    label_goals(items, goal_labels(user))
    out = io.StringIO()
    writer = csv.writer(out, dialect=GermanExcel)
    writer.writerow([label for label, _value in columns])
    for item in items:
        writer.writerow([neutralise(value(item)) for _label, value in columns])
    return ("\ufeff" + out.getvalue()).encode()


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("username", ["strategie", "rat"])
@pytest.mark.parametrize(
    ("model", "url_name"), [(Measure, "measure_export"), (Project, "project_export")]
)
def test_streamed_export_is_byte_identical_to_the_old_one(client, username, model, url_name):
    user = User.objects.get(username=username)
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") > 10
    assert body == old_export(model, user)


@pytest.mark.parametrize("url_name", ["measure_export", "project_export"])
def test_export_queries_do_not_grow_with_the_rows(personas, client_for, url_name):
    from tests.factories import MeasureFactory, ProjectFactory

    client = client_for(personas["strategist"])
    counts = []
    for size in (5, 60):
        for n in range(size):
            MeasureFactory(owner=personas["unit32"], code=f"E-{size}-{n}")
            ProjectFactory(owner=personas["unit50"], code=f"P-{size}-{n}")
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(reverse(url_name)).streaming_content)
        counts.append(len(queries))
    assert counts[0] == counts[1]
