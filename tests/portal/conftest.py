"""A portal world: a published strategy with public and confidential measures, later draft
changes, reports in every state, and people with names."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from measures.models import TrafficLight
from portal.models import PortalSettings
from reporting.models import Report, ReportStatus
from strategy.services import publish_revision
from tests.factories import FieldOfActionFactory, GoalFactory, MeasureFactory, StrategyFactory

CONTRIBUTOR_ID = "http://dcat-ap.de/def/contributors/stadtMusterhausen"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Report files go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def settings_row(db):
    """The row migration 0001 creates: a browser test run before (a transactional test)
    flushes the tables, and with them the rows data migrations wrote."""
    PortalSettings.objects.get_or_create(pk=1)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The footer's portal flag is cached; each test starts from its own database state."""
    from django.core.cache import cache

    from portal.models import ENABLED_CACHE_KEY

    cache.delete(ENABLED_CACHE_KEY)
    yield
    cache.delete(ENABLED_CACHE_KEY)


def switch_portal(*, on: bool = True, names: bool = False) -> PortalSettings:
    portal, _created = PortalSettings.objects.update_or_create(
        pk=1,
        defaults={"is_enabled": on, "shows_staff_names": names, "contributor_id": CONTRIBUTOR_ID},
    )
    return portal


def make_report(period_label: str, *, released: bool, public: bool, text: str) -> Report:
    """A rendered report without WeasyPrint: a small stored file with its checksum."""
    content = f"%PDF-1.7 {period_label}".encode()
    now = timezone.now()
    report = Report.objects.create(
        period_label=period_label,
        period_starts_on=datetime.date(2026, 1, 1),
        period_ends_on=datetime.date(2026, 3, 31),
        status=ReportStatus.DONE,
        assessment=text,
        released_at=now if released else None,
        release_requested=released,
        is_public=public,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        finished_at=now,
    )
    report.file.save(f"bericht-{report.pk}.pdf", ContentFile(content))
    return report


def public_measures(goal, unit, count: int, start: int = 1) -> list:
    lights = [TrafficLight.GREEN, TrafficLight.AMBER, TrafficLight.RED, ""]
    return [
        MeasureFactory(
            goal=goal,
            owner=unit,
            code=f"M-1.1-{number:03d}",
            title=f"Öffentliche Maßnahme {number}",
            traffic_light=lights[number % 4],
            progress=(number * 7) % 101,
        )
        for number in range(start, start + count)
    ]


@pytest.fixture
def portal_world(personas):
    return make_portal_world(personas)


def make_portal_world(personas) -> dict:
    """Published: field „Digitale Services“, goal „Alles online“, public measures and one
    confidential measure. Afterwards, in the draft: a renamed goal, a new field, a new
    Leitbild. Reports: public, released but internal, and an unreleased draft."""
    strategist, lead32 = personas["strategist"], personas["lead32"]
    lead32.first_name, lead32.last_name = "Petra", "Verantwortlich-Zimmermann"
    lead32.save()
    strategy = StrategyFactory(
        title="Digitale Strategie Musterhausen", vision="Adoptiertes Leitbild"
    )
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    goal = GoalFactory(field_of_action=field, position=1, title="Alles online")
    measures = public_measures(goal, personas["unit32"], 3)
    measures[0].responsible = lead32
    measures[0].description = "Anträge rund um die Uhr"
    measures[0].save()
    secret = MeasureFactory(
        goal=goal,
        owner=personas["unit50"],
        code="M-GEHEIM-01",
        title="Vertrauliches Kameranetz",
        is_confidential=True,
        responsible=personas["lead50"],
    )
    revision = publish_revision(
        actor=strategist,
        strategy=strategy,
        number=1,
        title="Erste Fortschreibung",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    # The draft, after the revision: none of it is adopted yet.
    goal.title = "Entwurfstitel des Ziels"
    goal.save()
    strategy.vision = "Entwurfsleitbild noch nicht beschlossen"
    strategy.save()
    draft_field = FieldOfActionFactory(strategy=strategy, position=2, title="Entwurfsfeld Zukunft")
    GoalFactory(field_of_action=draft_field, position=1, title="Entwurfsziel ohne Beschluss")
    reports = {
        "public": make_report(
            "2026-Q1", released=True, public=True, text="Öffentliche Einschätzung"
        ),
        "internal": make_report(
            "INTERN-2025-Q4", released=True, public=False, text="Nur für den Rat"
        ),
        "draft": make_report(
            "ENTWURF-2026-Q2", released=False, public=True, text="Entwurf der Einschätzung"
        ),
    }
    return {
        **personas,
        "strategy": strategy,
        "revision": revision,
        "goal": goal,
        "measures": measures,
        "secret": secret,
        "reports": reports,
    }
