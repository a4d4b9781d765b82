"""The API's permission table: endpoint × variant × role → status, reads and writes.

Every caller but the anonymous one uses a personal access token with write scope, so the
table shows what the person may do, never more. Variants: the public and the confidential
object of FB 32 (measures, projects and their children), the published and the draft-only
field of action or goal, the released and the draft report. Codes in ROLES order:

    anonymous stranger council staff lead_own lead_other strategist

Detail and write rows give status codes. List rows say whether the variant's object is in
the list ("in"/"out", both with status 200); a list shows exactly what the detail shows.
The rules are the pages': not readable → 404, readable but not allowed → 403; without
credentials 401. Every request runs in a rolled-back savepoint. An API URL pattern without a
row fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.permissions.harness import ROLES

pytestmark = pytest.mark.django_db

PV = ("public", "confidential")
DV = ("published", "draft")
RV = ("released", "draft")


@dataclass(frozen=True)
class ApiRow:
    url_name: str
    urls: dict[str, Callable[[dict], str]]
    codes: dict[str, str] | str
    method: str = "GET"
    body: Callable[[dict, str], dict] | None = None

    def expected(self, variant: str) -> list[str]:
        codes = self.codes if isinstance(self.codes, str) else self.codes[variant]
        parsed = codes.split()
        assert len(parsed) == len(ROLES), codes
        return parsed


def detail(name: str, key: str, variants=PV, suffix: str = ""):
    def url(variant):
        return lambda w: reverse(f"api-{name}-detail", args=[w[key][variant].pk]) + suffix

    return {variant: url(variant) for variant in variants}


def listing(name: str, key: str, variants=PV):
    """The list URL, per variant (the object whose presence the row checks)."""
    return {variant: (lambda w: reverse(f"api-{name}-list")) for variant in variants}


def one(name: str, *args):
    return {"": lambda w: reverse(name, args=[arg(w) for arg in args])}


def today() -> str:
    return timezone.localdate().isoformat()


# (endpoint, key of the world's object per variant, variants, detail codes)
READABLE = [
    (
        "measure",
        "measure",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "project",
        "project",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "statusupdate",
        "statusupdate",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "milestone",
        "milestone",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "indicator",
        "indicator",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "indicatorvalue",
        "indicatorvalue",
        PV,
        {"public": "401 404 200 200 200 200 200", "confidential": "401 404 404 404 200 404 200"},
    ),
    (
        "fieldofaction",
        "field",
        DV,
        {"published": "401 404 200 200 200 200 200", "draft": "401 404 404 200 200 200 200"},
    ),
    (
        "goal",
        "goal",
        DV,
        {"published": "401 404 200 200 200 200 200", "draft": "401 404 404 200 200 200 200"},
    ),
    (
        "report",
        "report_by_state",
        RV,
        {"released": "401 404 200 200 200 200 200", "draft": "401 404 404 404 404 404 200"},
    ),
    ("period", "periods", ("current",), "401 404 200 200 200 200 200"),
    ("unit", "units", ("own",), "401 404 200 200 200 200 200"),
    ("revision", "revisions", ("first",), "401 404 200 200 200 200 200"),
    ("standard", "standards", ("catalogue",), "401 404 200 200 200 200 200"),
    ("compliance", "compliances", ("own",), "401 404 200 200 200 200 200"),
    ("exemption", "exemptions", ("own",), "401 404 200 200 200 200 200"),
    ("trend", "trends", ("radar",), "401 404 200 200 200 200 200"),
]


def membership(codes: str) -> str:
    """A list shows exactly the objects whose detail answers 200."""
    return " ".join({"200": "in", "401": "401"}.get(code, "out") for code in codes.split())


def status_body(world, variant):
    return {
        "measure": world["measure"][variant].pk,
        "traffic_light": "amber",
        "progress": 30,
        "status": "in_progress",
        "summary": "Pilot läuft in zwei Bürgerbüros.",
    }


def project_status_body(world, variant):
    body = status_body(world, variant)
    del body["measure"]
    return {**body, "project": world["project"][variant].pk}


ROWS: list[ApiRow] = []
for name, key, variants, codes in READABLE:
    ROWS.append(ApiRow(f"api-{name}-detail", detail(name, key, variants), codes))
    listed = {v: membership(codes if isinstance(codes, str) else codes[v]) for v in variants}
    ROWS.append(ApiRow(f"api-{name}-list", listing(name, key, variants), listed))
    # Lists and objects take no other method than the writes below.
    if name not in ("statusupdate", "indicatorvalue"):
        ROWS.append(
            ApiRow(
                f"api-{name}-list",
                listing(name, key, variants[:1]),
                "401 405 405 405 405 405 405",
                "POST",
            )
        )

ROWS += [
    ApiRow(
        "api-report-pdf",
        detail("report", "report_by_state", RV, suffix="pdf/"),
        {"released": "401 404 200 200 200 200 200", "draft": "401 404 404 404 404 404 200"},
    ),
    ApiRow(
        "api-strategy",
        {
            "now": lambda w: reverse("api-strategy"),
            "revision": lambda w: reverse("api-strategy") + "?revision=1",
            "date": lambda w: reverse("api-strategy") + f"?date={today()}",
        },
        "401 403 200 200 200 200 200",
    ),
    # Writes: the owning unit's lead and FB 15 (an update for the current period exists
    # already, so filing corrects it: 200).
    ApiRow(
        "api-statusupdate-list",
        {v: (lambda w: reverse("api-statusupdate-list")) for v in PV},
        {"public": "401 404 403 403 200 403 200", "confidential": "401 404 404 404 200 404 200"},
        "POST",
        status_body,
    ),
    ApiRow(
        "api-statusupdate-list",
        {v: (lambda w: reverse("api-statusupdate-list")) for v in PV},
        {"public": "401 404 403 403 201 403 201", "confidential": "401 404 404 404 201 404 201"},
        "POST",
        project_status_body,
    ),
    ApiRow(
        "api-milestone-detail",
        detail("milestone", "milestone"),
        {"public": "401 404 403 403 200 403 200", "confidential": "401 404 404 404 200 404 200"},
        "PATCH",
        lambda w, v: {"reached_on": today()},
    ),
    ApiRow(
        "api-indicatorvalue-list",
        {v: (lambda w: reverse("api-indicatorvalue-list")) for v in PV},
        {"public": "401 404 403 403 201 403 201", "confidential": "401 404 404 404 201 404 201"},
        "POST",
        lambda w, v: {"indicator": w["indicator"][v].pk, "measured_on": today(), "value": "12.5"},
    ),
    # Reading objects cannot be turned into writing them.
    ApiRow(
        "api-measure-detail",
        detail("measure", "measure", ("public",)),
        "401 405 405 405 405 405 405",
        "PATCH",
        lambda w, v: {"title": "Neu"},
    ),
    ApiRow(
        "api-statusupdate-detail",
        detail("statusupdate", "statusupdate", ("public",)),
        "401 405 405 405 405 405 405",
        "PATCH",
        lambda w, v: {"summary": "Neu"},
    ),
    # The schema and its documentation page: for everybody signed in (the page: by session).
    ApiRow("api-schema", one("api-schema"), "401 200 200 200 200 200 200"),
    ApiRow("api-docs", one("api-docs"), "302 302 302 302 302 302 302"),
]


def api_url_names() -> set[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_api_url_pattern_has_a_row():
    missing = api_url_names() - {row.url_name for row in ROWS}
    assert not missing, f"API URL patterns without a row in the table: {sorted(missing)}"


def add_singletons(world):
    world["periods"] = {"current": world["current"]}
    world["units"] = {"own": world["unit32"]}
    world["revisions"] = {"first": world["revision"]}
    world["standards"] = {"catalogue": world["standard"]}
    world["compliances"] = {"own": world["compliance"]}
    world["exemptions"] = {"own": world["exemption"]}
    world["trends"] = {"radar": world["trend"]}


def object_of(world, row: ApiRow, variant: str):
    name = row.url_name.removeprefix("api-").removesuffix("-list")
    key = next(key for endpoint, key, *_ in READABLE if endpoint == name)
    return world[key][variant]


def listed_ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def test_every_api_endpoint_answers_every_role_as_the_table_says(api_world):
    world = api_world
    add_singletons(world)
    wrong, checked = [], 0
    for row in ROWS:
        for variant, build in row.urls.items():
            url = build(world)
            for role, want in zip(ROLES, row.expected(variant), strict=True):
                client = world["clients"][role]
                with transaction.atomic():
                    if row.method == "GET":
                        response = client.get(url, page_size=200)
                    else:
                        body = row.body(world, variant) if row.body else {}
                        response = client.send(row.method, url, body)
                    transaction.set_rollback(True)
                got = str(response.status_code)
                checked += 1
                if want in ("in", "out") and got == "200":
                    obj = object_of(world, row, variant)
                    got = "in" if obj.pk in listed_ids(response) else "out"
                if got != want:
                    wrong.append(
                        f"{row.method} {row.url_name}[{variant}] as {role}: expected {want}, "
                        f"got {got} {response.content[:200]!r}"
                    )
    assert not wrong, "\n".join(wrong)
    assert checked >= len(ROWS) * len(ROLES)
