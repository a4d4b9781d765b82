"""Factories and the named personas every test shares."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from fb15.models import Division, OrgUnit, Role, User
from fb15.permissions import sync_unit_grants
from measures.models import Indicator, Measure, Milestone, Project, Risk
from measures.services import ensure_quarter
from needs.models import Need
from strategy.models import FieldOfAction, Goal, Strategy

PASSWORD = "geheim-und-lang-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@stadt.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Dezernat Nummer {n}")
    position = factory.Sequence(lambda n: n + 1)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"FB {n + 100}")
    name = factory.Sequence(lambda n: f"Fachbereich {n}")
    division = factory.SubFactory(DivisionFactory)

    @factory.post_generation
    def grants(self, create, extracted, **kwargs):
        if create:
            sync_unit_grants(self)


def make_personas() -> dict[str, object]:
    """strategist, lead of own unit (FB 32), lead of other unit (FB 50), council, staff."""
    strategist = UserFactory(username="strategie", roles=[Role.STRATEGY_TEAM])
    lead32 = UserFactory(username="leitung32", roles=[Role.STAFF])
    lead50 = UserFactory(username="leitung50", roles=[Role.STAFF])
    council = UserFactory(username="rat", roles=[Role.COUNCIL])
    staff = UserFactory(username="mitarbeiter", roles=[Role.STAFF])
    division = DivisionFactory(number="IV", name="Recht, Sicherheit und Ordnung")
    unit32 = OrgUnitFactory(
        code="FB 32", name="Sicherheit und Ordnung", division=division, lead=lead32
    )
    unit50 = OrgUnitFactory(
        code="FB 50", name="Soziales und Integration", division=division, lead=lead50
    )
    return {
        "strategist": strategist,
        "lead32": lead32,
        "lead50": lead50,
        "council": council,
        "staff": staff,
        "unit32": unit32,
        "unit50": unit50,
    }


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = "Digitale Strategie der Stadt"
    vision = "Die Stadt ist digital, einfach und barrierefrei."


class FieldOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfAction

    strategy = factory.SubFactory(StrategyFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    description = "Beschreibung des Handlungsfelds."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    field_of_action = factory.SubFactory(FieldOfActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Ziel {n}")
    description = "Beschreibung des Ziels."
    target_year = 2027


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ("code",)

    goal = factory.SubFactory(GoalFactory)
    code = factory.Sequence(lambda n: f"M-{n:03d}")
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    owner = factory.SubFactory(OrgUnitFactory)
    planned_start = datetime.date(2026, 1, 1)
    planned_end = datetime.date(2027, 12, 31)
    budget_planned = Decimal("100000")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P-{n:03d}")
    title = factory.Sequence(lambda n: f"Projekt {n}")
    owner = factory.SubFactory(OrgUnitFactory)
    planned_start = datetime.date(2026, 1, 1)
    planned_end = datetime.date(2027, 12, 31)


class StandardFactory(factory.django.DjangoModelFactory):
    """A binding standard (the kind that appears in the compliance matrix)."""

    class Meta:
        model = "standards.Standard"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"STD-{n:03d}")
    title = factory.Sequence(lambda n: f"Standard Nummer {n}")
    obligation = "must"
    category = "software"
    status = "binding"
    valid_from = factory.LazyFunction(lambda: datetime.date(2025, 1, 1))


class ComplianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "standards.Compliance"
        django_get_or_create = ("unit", "standard")

    unit = factory.SubFactory(OrgUnitFactory)
    standard = factory.SubFactory(StandardFactory)
    state = "fulfilled"


class ExemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "standards.Exemption"

    unit = factory.SubFactory(OrgUnitFactory)
    standard = factory.SubFactory(StandardFactory)
    justification = "Fachverfahren wird erst 2027 abgelöst."
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
    status = "requested"


class TrendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "standards.Trend"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Trend {n}")
    quadrant = "platforms"
    ring = "assess"

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    title = factory.Sequence(lambda n: f"Bedarf {n}")
    problem = "Anträge kommen auf Papier und werden abgetippt."
    benefit = "Weniger Doppelerfassung, schnellere Bearbeitung."


def make_periods() -> dict:
    """The current quarter and the two before it."""
    today = timezone.localdate()
    current = ensure_quarter(today)
    previous = ensure_quarter(current.starts_on - datetime.timedelta(days=1))
    older = ensure_quarter(previous.starts_on - datetime.timedelta(days=1))
    return {"current": current, "previous": previous, "older": older}


def make_world(personas, periods) -> dict:
    """A measure and a project of FB 32 (own for leitung32) and of FB 50 (other)."""
    goal = GoalFactory(title="Alles online")
    objects = {}
    for side, unit in (("own", personas["unit32"]), ("other", personas["unit50"])):
        measure = MeasureFactory(
            goal=goal, owner=unit, title=f"Maßnahme {unit.code}", responsible=unit.lead
        )
        project = ProjectFactory(owner=unit, title=f"Projekt {unit.code}", lead=unit.lead)
        project.measures.add(measure)
        objects[side] = {
            "measure": measure,
            "project": project,
            "milestone": Milestone.objects.create(
                measure=measure, title="Pilot", due_on=datetime.date(2026, 3, 1)
            ),
            "project_milestone": Milestone.objects.create(
                project=project, title="Abnahme", due_on=datetime.date(2026, 6, 1)
            ),
            "indicator": Indicator.objects.create(
                measure=measure,
                name="Online-Anteil",
                unit="%",
                baseline=5,
                target_value=60,
                target_date=datetime.date(2027, 12, 31),
            ),
            "risk": Risk.objects.create(project=project, description="Lieferverzug"),
        }
    return {**personas, **periods, "goal": goal, **objects}


def release(client, report):
    """FB 15 (logged in on `client`) writes its assessment and releases the draft `report`;
    the final rendering runs where on-commit callbacks run (eager tasks)."""
    from django.urls import reverse

    assert report.status == "done", report.error
    response = client.post(
        reverse("report_assessment", args=[report.pk]),
        {"assessment": "Die Umsetzung liegt im Plan.", "action": "release"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    report.refresh_from_db()
    return report
