"""The world and the runner of the permission harness (the table is in test_harness.py).

One world holds, for FB 32, a public and a confidential measure and project with their
children, a published and a draft-only goal, a standard with a cell and an open exemption,
a trend, reports and a schedule. The roles look at it as:

    anonymous   not logged in
    stranger    logged in, no role at all
    council     Rat
    staff       Mitarbeitende
    lead_own    lead of FB 32 (role Mitarbeitende, unit right on FB 32)
    lead_other  lead of FB 50 (role Mitarbeitende, unit right on FB 50)
    strategist  Strategieteam

Every request runs inside a savepoint that is rolled back, so a permitted POST (a delete)
does not change what the next role sees.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from fb15.comments import post_comment
from fb15.services import create_api_token
from imports.models import ImportRun
from measures.models import Indicator, Milestone, Risk, StatusUpdate
from needs.models import NeedAttachment, PriorityProposal, PriorityRound, ScoringCriterion
from portal.models import PortalSettings
from reporting.models import Report, ReportSchedule, ReportStatus
from standards.models import Compliance, Service
from strategy import services as strategy_services
from tests.factories import (
    ExemptionFactory,
    FieldOfActionFactory,
    GoalFactory,
    MeasureFactory,
    NeedFactory,
    ProjectFactory,
    StandardFactory,
    StrategyFactory,
    TrendFactory,
    UserFactory,
    make_periods,
    make_personas,
)

ROLES = ("anonymous", "stranger", "council", "staff", "lead_own", "lead_other", "strategist")
# URL prefixes the harness does not cover: Django's admin, static and media files, and the
# JSON API, which has its own table (tests/api/test_permission_table.py).
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/", "api/")


def url_names() -> list[str]:
    """Every named URL pattern of the URL conf, admin/static/media excluded."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield pattern.name or route

    return sorted(set(walk(get_resolver().url_patterns)))


def build_world() -> dict:
    personas = make_personas()
    periods = make_periods()
    unit = personas["unit32"]
    strategy = StrategyFactory()
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    goal = GoalFactory(field_of_action=field, position=1, title="Veröffentlichtes Ziel")
    strategy_services.publish_revision(
        actor=personas["strategist"],
        strategy=strategy,
        number=1,
        title="Erste Fortschreibung",
        decided_on=timezone.localdate(),
        decision_reference="DS 1/2026",
    )
    draft_field = FieldOfActionFactory(strategy=strategy, position=2, title="Entwurfsfeld")
    draft_goal = GoalFactory(field_of_action=field, position=2, title="Entwurfsziel")
    world = {
        **personas,
        **periods,
        "stranger": UserFactory(username="ohne-rolle"),
        "strategy": strategy,
        "revision": strategy.revisions.get(),
        "field": {"published": field, "draft": draft_field},
        "goal": {"published": goal, "draft": draft_goal},
    }
    for variant, confidential in (("public", False), ("confidential", True)):
        measure = MeasureFactory(
            goal=goal,
            owner=unit,
            title=f"Maßnahme {variant}",
            is_confidential=confidential,
            responsible=unit.lead,
        )
        project = ProjectFactory(
            owner=unit, title=f"Projekt {variant}", is_confidential=confidential, lead=unit.lead
        )
        project.measures.add(measure)
        world.setdefault("measure", {})[variant] = measure
        world.setdefault("project", {})[variant] = project
        world.setdefault("milestone", {})[variant] = Milestone.objects.create(
            measure=measure, title="Pilot", due_on=datetime.date(2026, 3, 1)
        )
        world.setdefault("indicator", {})[variant] = Indicator.objects.create(
            measure=measure,
            name="Online-Anteil",
            unit="%",
            baseline=5,
            target_value=60,
            target_date=datetime.date(2027, 12, 31),
        )
        world.setdefault("risk", {})[variant] = Risk.objects.create(
            project=project, description="Lieferverzug"
        )
        world.setdefault("statusupdate", {})[variant] = StatusUpdate.objects.create(
            measure=measure,
            period=periods["current"],
            traffic_light="green",
            progress=10,
            status="in_progress",
            summary="Läuft.",
            author=personas["lead32"],
        )
        world.setdefault("comment", {})[variant] = post_comment(
            actor=personas["lead32"], subject=measure, text="Abstimmung mit @strategie läuft."
        )
    standard = StandardFactory(code="SW-01", title="Open-Source-first")
    world["standard"] = standard
    world["compliance"] = Compliance.objects.get_or_create(
        unit=unit, standard=standard, defaults={"state": "partial"}
    )[0]
    world["exemption"] = ExemptionFactory(
        unit=unit, standard=standard, requested_by=personas["lead32"]
    )
    world["trend"] = TrendFactory(title="E-Akte", units=[unit])
    world["service"] = Service.objects.create(name="Wohnsitz anmelden")
    for variant, confidential in (("public", False), ("confidential", True)):
        need = NeedFactory(
            owner=unit,
            title=f"Bedarf {variant}",
            is_confidential=confidential,
            submitted_by=personas["lead32"],
        )
        attachment = NeedAttachment(need=need, name="bedarf.pdf", size=15)
        attachment.file.save("bedarf.pdf", ContentFile(b"%PDF-1.4 bedarf"), save=False)
        attachment.save()
        world.setdefault("need", {})[variant] = need
        world.setdefault("need_attachment", {})[variant] = attachment
    world["criterion"] = ScoringCriterion.objects.create(name="Rechtliche Pflicht", weight=3)
    world["round"] = PriorityRound.objects.create(
        label="2026-Q3", starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 9, 30)
    )
    world["proposal"] = PriorityProposal.objects.create(
        round=world["round"], measure=world["measure"]["public"], unit=unit, priority=1
    )
    world["schedule"] = ReportSchedule.objects.create(name="Quartalsbericht")
    content = b"%PDF-1.4 harness"
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
        is_public=True,  # offered on the public portal, which is on
    )
    PortalSettings.objects.update_or_create(pk=1, defaults={"is_enabled": True})
    report.file.save("harness.pdf", ContentFile(content), save=False)
    report.save()
    world["report"] = report
    world["failed_report"] = Report.objects.create(
        period_label="2026-Q2",
        period_starts_on=datetime.date(2026, 4, 1),
        period_ends_on=datetime.date(2026, 6, 30),
        status=ReportStatus.FAILED,
        error="Testfehler",
    )
    world["token"] = create_api_token(
        actor=personas["lead32"],
        name="Projekttool",
        scope="write",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )[0]
    world["import_run"] = ImportRun.objects.create(
        file_name="liste.xlsx", created_by=personas["strategist"], plan={"sheets": [], "values": {}}
    )
    world["users"] = {
        "anonymous": None,
        "stranger": world["stranger"],
        "council": personas["council"],
        "staff": personas["staff"],
        "lead_own": personas["lead32"],
        "lead_other": personas["lead50"],
        "strategist": personas["strategist"],
    }
    return world


@dataclass(frozen=True)
class Row:
    """One URL pattern: how to build its URL per variant, and what each role gets.

    `get`/`post` map a variant to seven status codes in ROLES order, e.g.
    "302 403 200 200 200 200 200"; a single string applies to every variant.
    `data` is what a POST sends (default: nothing, i.e. an invalid form where one applies).
    """

    urls: dict[str, Callable[[dict], str]]
    get: dict[str, str] | str
    post: dict[str, str] | str
    data: Callable[[dict], dict] | None = None

    def expected(self, method: str, variant: str) -> list[int]:
        table = self.get if method == "GET" else self.post
        codes = table if isinstance(table, str) else table[variant]
        parsed = [int(code) for code in codes.split()]
        assert len(parsed) == len(ROLES), codes
        return parsed


def one(name: str, *args: Callable[[dict], object]) -> dict[str, Callable[[dict], str]]:
    """A URL without variants: `one("measure_list")`, `one("x", lambda w: w["report"].pk)`."""
    return {"": lambda world: reverse(name, args=[arg(world) for arg in args])}


def per(name: str, key: str, *variants: str, suffix: str = "", extra=None):
    """A URL per variant of world[key], e.g. the public and the confidential measure."""

    def url(variant):
        def build(world):
            obj = world[key][variant]
            args = [obj.pk, *(extra(world, obj) if extra else [])]
            return reverse(name, args=args) + suffix

        return build

    return {variant: url(variant) for variant in variants}


def observe(world, rows: dict[str, Row]) -> list[tuple]:
    """Request every row as every role; (name, variant, method, role, expected, got)."""
    clients = {}
    for role, user in world["users"].items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[role] = client
    results = []
    for name, row in rows.items():
        for variant, build in row.urls.items():
            url = build(world)
            data = row.data(world) if row.data else {}
            for method in ("GET", "POST"):
                expected = row.expected(method, variant)
                for role, want in zip(ROLES, expected, strict=True):
                    client = clients[role]
                    # Logging out or switching the language must not leak into the next row.
                    cookies = copy.deepcopy(client.cookies)
                    with transaction.atomic():
                        send = client.get if method == "GET" else client.post
                        response = send(url) if method == "GET" else send(url, data)
                        transaction.set_rollback(True)
                    client.cookies = cookies
                    results.append((name, variant, method, role, want, response.status_code))
    return results
