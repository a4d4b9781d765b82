"""Demo measures and projects: about 150 measures and 40 projects with 18 months of reporting.

Runs after the strategy's demo (app order). Status updates go through the same service as in
the browser, dated into the past, so history, roll-ups and revision comparisons are real.
Skipped when measures exist already (a second run writes nothing).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from guardian.shortcuts import assign_perm
from simple_history.utils import bulk_update_with_history

from fb15.comments import post_comment
from fb15.models import OrgUnit, User
from standards.models import Trend
from strategy.models import Goal

from . import services
from .models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Priority,
    Project,
    ReviewState,
    Risk,
    Status,
    StatusUpdate,
    Tag,
    TrafficLight,
)

# Online services (OZG) and the unit that owns each.
ONLINE_SERVICES = [
    ("Anwohnerparkausweis", "FB 32"),
    ("Gewerbeanmeldung", "FB 32"),
    ("Sondernutzungserlaubnis", "FB 66"),
    ("Wohngeldantrag", "FB 56"),
    ("Meldebescheinigung", "FB 33"),
    ("Umzugsmeldung", "FB 33"),
    ("Hundesteuer-Anmeldung", "FB 21"),
    ("Baugenehmigung", "FB 63"),
    ("Kita-Platz-Anmeldung", "FB 45"),
    ("Elternbeitragsbescheid", "FB 45"),
    ("Sperrmüllanmeldung", "FB 70"),
    ("Einbürgerungsantrag", "FB 39"),
    ("Aufenthaltstitel-Verlängerung", "FB 39"),
    ("Anmeldung zur Eheschließung", "FB 34"),
    ("Geburtsurkunde", "FB 34"),
    ("Schwerbehindertenparkausweis", "FB 50"),
    ("Briefwahlantrag", "FB 12"),
    ("Veranstaltungsanzeige", "FB 32"),
    ("Gaststättenerlaubnis", "FB 32"),
    ("Fundsachenmeldung", "FB 33"),
    ("Grundsteuer-Erklärung", "FB 21"),
    ("Bildungs- und Teilhabeleistungen", "FB 50"),
    ("Schulanmeldung", "FB 40"),
    ("Baumfällgenehmigung", "FB 67"),
    ("Friedhofsangelegenheiten", "FB 67"),
    ("Hilfe zur Pflege", "FB 50"),
    ("Bauvorbescheid", "FB 63"),
    ("Abgeschlossenheitsbescheinigung", "FB 63"),
    ("Auskunft aus dem Liegenschaftskataster", "FB 62"),
    ("Jugendhilfeleistungen", "FB 45"),
    ("Unterhaltsvorschuss", "FB 45"),
    ("Zweitwohnungsteuer", "FB 21"),
    ("Feuerwehr-Einsatzkostenbescheid", "FB 37"),
    ("Marktstand-Zulassung", "FB 80"),
    ("Förderantrag Sportvereine", "FB 52"),
    ("Musikschulanmeldung", "FB 44"),
    ("Volkshochschul-Kursbuchung", "FB 42"),
    ("Bibliotheksausweis", "FB 43"),
]
E_FILE_UNITS = [
    "FB 11",
    "FB 20",
    "FB 21",
    "FB 23",
    "FB 30",
    "FB 32",
    "FB 33",
    "FB 34",
    "FB 37",
    "FB 39",
    "FB 40",
    "FB 45",
    "FB 50",
    "FB 53",
    "FB 56",
    "FB 61",
    "FB 63",
    "FB 66",
    "FB 68",
    "FB 70",
    "FB 01",
    "FB 02",
    "FB 12",
    "FB 16",
    "FB 22",
    "FB 36",
    "FB 41",
    "FB 42",
    "FB 43",
    "FB 52",
    "FB 62",
    "FB 65",
    "FB 67",
]
LOTSEN_UNITS = [
    "FB 10",
    "FB 33",
    "FB 40",
    "FB 43",
    "FB 45",
    "FB 50",
    "FB 53",
    "FB 61",
    "FB 67",
    "FB 80",
    "FB 21",
    "FB 32",
    "FB 37",
    "FB 39",
    "FB 63",
    "FB 66",
    "FB 68",
]

# (keyword of the goal, title, owner)
CURATED = [
    ("Servicekonto", "Anbindung an BundID und Bürgerpostfach", "FB 15"),
    ("Servicekonto", "Unternehmenskonto für Gewerbeleistungen", "FB 80"),
    ("Servicekonto", "Digitale Bescheidzustellung ins Postfach", "FB 15"),
    ("Terminvergabe", "Online-Terminbuchung im Bürgerservice", "FB 33"),
    ("Terminvergabe", "Terminvergabe für Standesamt und Ausländerbehörde", "FB 39"),
    ("Terminvergabe", "Wartezeitenanzeige in den Bürgerbüros", "FB 33"),
    ("Barrierefreie", "BITV-Prüfung aller Online-Formulare", "FB 15"),
    ("Barrierefreie", "Leichte Sprache auf den meistbesuchten Seiten", "FB 03"),
    ("Barrierefreie", "Barrierefreie PDF-Bescheide", "FB 21"),
    ("Mobiles Arbeiten", "Mobile Endgeräte für Außendienste", "FB 10"),
    ("Mobiles Arbeiten", "Dienstvereinbarung mobiles Arbeiten", "FB 11"),
    ("Mobiles Arbeiten", "Sichere Fernzugänge (VPN-Ablösung)", "FB 15"),
    ("Digitalkompetenz", "Qualifizierungsprogramm Digitalkompetenz", "FB 11"),
    ("Digitalkompetenz", "E-Learning-Plattform für Beschäftigte", "FB 11"),
    ("Open-Data", "Open-Data-Portal Relaunch", "FB 12"),
    ("Open-Data", "Veröffentlichung Haushaltsdaten als Open Data", "FB 20"),
    ("Open-Data", "Verkehrsdaten als Echtzeit-Open-Data", "FB 68"),
    ("Datenstrategie", "Datenstrategie der Stadtverwaltung", "FB 15"),
    ("Datenstrategie", "Datenkatalog und Metadatenstandard", "FB 12"),
    ("Datenstrategie", "Datenschutz-Folgenabschätzungen standardisieren", "FB 30"),
    ("KI-Leitlinien", "KI-Leitlinien und Register der KI-Anwendungen", "FB 15"),
    ("KI-Leitlinien", "Pilot KI-Assistenz im Bürgertelefon", "FB 33"),
    ("Ratsinformationen", "Neues Ratsinformationssystem", "FB 02"),
    ("Ratsinformationen", "Volltextsuche in Ratsdokumenten", "FB 02"),
    ("Informationssicherheit", "ISMS nach BSI IT-Grundschutz aufbauen", "FB 15"),
    ("Informationssicherheit", "Jährliche Notfallübung IT-Ausfall", "FB 37"),
    ("Informationssicherheit", "Awareness-Kampagne Phishing", "FB 11"),
    ("Glasfaser", "Glasfaseranbindung der Außenstellen", "FB 23"),
    ("Glasfaser", "WLAN in allen Verwaltungsgebäuden", "FB 23"),
    ("Rechenzentren", "Umzug in das georedundante Rechenzentrum", "FB 15"),
    ("Rechenzentren", "Server-Virtualisierung abschließen", "FB 15"),
    ("Green IT", "Energiemonitoring der IT-Infrastruktur", "FB 36"),
    ("Green IT", "Längere Nutzungsdauer von Endgeräten", "FB 16"),
    ("Urbane Datenplattform", "Urbane Datenplattform (Pilotbetrieb)", "FB 61"),
    ("Urbane Datenplattform", "Sensorik für Luftqualität", "FB 36"),
    ("Parkraum", "Digitales Parkleitsystem Innenstadt", "FB 68"),
    ("Parkraum", "Handyparken in allen Zonen", "FB 68"),
    ("Digitaler Zwilling", "3D-Stadtmodell aufbauen", "FB 62"),
    ("Digitaler Zwilling", "Digitaler Bauantrag mit BIM-Daten", "FB 63"),
    ("WLAN und Präsentationstechnik", "WLAN-Ausbau Grundschulen", "FB 40"),
    ("WLAN und Präsentationstechnik", "Digitale Tafeln in weiterführenden Schulen", "FB 40"),
    ("Schul-IT-Support", "Service-Desk für Schulen", "FB 40"),
    ("Medienkompetenz", "Medienkompetenzkurse der Volkshochschule", "FB 42"),
    ("Medienkompetenz", "Makerspace in der Stadtbibliothek", "FB 43"),
    ("Beteiligungsplattform", "Beteiligungsplattform einführen", "FB 61"),
    ("Beteiligungsplattform", "Online-Bürgerhaushalt", "FB 20"),
    ("Digitallotsen", "Digitalsprechstunden in Stadtteilbüros", "FB 50"),
    ("Mehrsprachige", "Mehrsprachige Formulare im Ausländeramt", "FB 39"),
    ("Mehrsprachige", "Übersetzungsdienst für Bürgerinformationen", "FB 03"),
    ("Cyber-Resilienz", "Notfallhandbuch für kritische Verfahren", "FB 15"),
    ("Cyber-Resilienz", "Wiederherstellungstests der Fachverfahren", "FB 15"),
    ("Elektronische Akte", "Ersetzendes Scannen im Posteingang", "FB 10"),
]

PROJECTS = [
    ("OZG-Umsetzung Welle 1", ["Online-Antrag"], "FB 15"),
    ("OZG-Umsetzung Welle 2", ["Online-Antrag"], "FB 15"),
    ("E-Akte Rollout Dezernat IV", ["E-Akte:"], "FB 15"),
    ("E-Akte Rollout Dezernat V/VI", ["E-Akte:"], "FB 15"),
    ("Servicekonto und Postfach", ["BundID", "Unternehmenskonto", "Bescheidzustellung"], "FB 15"),
    ("Terminmanagement Bürgerservice", ["Terminbuchung", "Terminvergabe", "Wartezeiten"], "FB 33"),
    ("Barrierefreiheit Online-Angebote", ["BITV", "Leichte Sprache", "PDF-Bescheide"], "FB 15"),
    ("Mobile Verwaltung", ["Mobile Endgeräte", "Fernzugänge"], "FB 10"),
    ("Digitalakademie", ["Qualifizierungsprogramm", "E-Learning"], "FB 11"),
    ("Open Data Aachen-Modell", ["Open-Data-Portal", "Haushaltsdaten"], "FB 12"),
    ("Datenkompetenzzentrum", ["Datenstrategie", "Datenkatalog"], "FB 15"),
    ("KI-Pilot Bürgertelefon", ["KI-Assistenz"], "FB 33"),
    ("Ratsinformationssystem 2.0", ["Ratsinformationssystem", "Ratsdokumenten"], "FB 02"),
    ("ISMS-Aufbau", ["ISMS", "Phishing"], "FB 15"),
    (
        "Notfallmanagement IT",
        ["Notfallübung", "Notfallhandbuch", "Wiederherstellungstests"],
        "FB 15",
    ),
    ("Glasfaser Verwaltungsstandorte", ["Glasfaseranbindung"], "FB 23"),
    ("WLAN Verwaltungsgebäude", ["WLAN in allen Verwaltungsgebäuden"], "FB 23"),
    ("Rechenzentrumsumzug", ["Rechenzentrum", "Server-Virtualisierung"], "FB 15"),
    ("Green-IT-Programm", ["Energiemonitoring", "Nutzungsdauer"], "FB 36"),
    ("Urbane Datenplattform", ["Urbane Datenplattform", "Luftqualität"], "FB 61"),
    ("Smart Parking", ["Parkleitsystem", "Handyparken"], "FB 68"),
    ("Digitaler Zwilling Innenstadt", ["3D-Stadtmodell", "BIM"], "FB 62"),
    ("DigitalPakt Schule Grundschulen", ["WLAN-Ausbau Grundschulen"], "FB 40"),
    ("DigitalPakt Schule weiterführende Schulen", ["Digitale Tafeln"], "FB 40"),
    ("Schul-Service-Desk", ["Service-Desk für Schulen"], "FB 40"),
    ("Bildungsort Bibliothek", ["Makerspace", "Medienkompetenzkurse"], "FB 43"),
    ("Beteiligung digital", ["Beteiligungsplattform", "Bürgerhaushalt"], "FB 61"),
    ("Digitallotsen-Netzwerk", ["Digitallots", "Digitalsprechstunden"], "FB 50"),
    ("Mehrsprachigkeit", ["Mehrsprachige", "Übersetzungsdienst"], "FB 39"),
    ("Posteingang digital", ["Ersetzendes Scannen"], "FB 10"),
    ("Online-Kita-Anmeldung", ["Kita-Platz"], "FB 45"),
    ("Digitale Baugenehmigung", ["Baugenehmigung", "BIM"], "FB 63"),
    ("Digitales Standesamt", ["Eheschließung", "Geburtsurkunde"], "FB 34"),
    ("Digitale Ausländerbehörde", ["Einbürgerung", "Aufenthaltstitel"], "FB 39"),
    ("Sozialleistungen online", ["Wohngeld", "Teilhabe", "Pflege"], "FB 50"),
    ("Gewerbe digital", ["Gewerbe", "Gaststätten", "Veranstaltung"], "FB 32"),
    ("Steuern und Abgaben online", ["Hundesteuer", "Grundsteuer"], "FB 21"),
    ("Friedhof und Grün digital", ["Friedhof", "Baumfäll"], "FB 67"),
    ("Abfall-App", ["Sperrmüll"], "FB 70"),
    ("Wahlen digital", ["Briefwahl"], "FB 12"),
]
RISKS = [
    ("Verzögerung durch Lieferengpässe beim Dienstleister", "Rahmenvertrag mit zweitem Anbieter"),
    ("Fachpersonal für die Einführung fehlt", "Externe Unterstützung und Priorisierung"),
    ("Schnittstelle zum Fachverfahren nicht verfügbar", "Frühzeitige Abstimmung mit Hersteller"),
    ("Akzeptanz bei Beschäftigten gering", "Schulungen und Digitallots*innen"),
    ("Fördermittel werden nicht rechtzeitig bewilligt", "Vorzeitiger Maßnahmenbeginn beantragen"),
    ("Datenschutzrechtliche Freigabe verzögert sich", "Datenschutz früh einbinden"),
]
MILESTONES = ["Konzept abgestimmt", "Pilotbetrieb gestartet", "Rollout abgeschlossen"]


def _at(day: datetime.date) -> datetime.datetime:
    """10 o'clock on `day`, but never later than now (history must not lie ahead)."""
    return min(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))), timezone.now()
    )


def _goal_for(goals: list[Goal], keyword: str) -> Goal:
    return next(goal for goal in goals if keyword.lower() in goal.title.lower())


def _measure_rows(goals: list[Goal]) -> list[tuple[Goal, str, str]]:
    online = _goal_for(goals, "meistgenutzten Leistungen")
    e_file = _goal_for(goals, "Elektronische Akte")
    lotsen = _goal_for(goals, "Digitalkompetenz")
    rows = [(online, f"Online-Antrag {service}", code) for service, code in ONLINE_SERVICES]
    units = dict(OrgUnit.objects.values_list("code", "name"))
    rows += [(e_file, f"E-Akte: {units[code]}", code) for code in E_FILE_UNITS]
    rows += [(lotsen, f"Digitallots*in: {units[code]}", code) for code in LOTSEN_UNITS]
    rows += [(_goal_for(goals, keyword), title, code) for keyword, title, code in CURATED]
    return rows


def seed(log) -> None:
    if Measure.objects.exists():
        log("Maßnahmen und Projekte: bereits vorhanden")
        return
    rng = random.Random(15)
    today = timezone.localdate()
    strategist = User.objects.get(username="strategie")
    units = {unit.code: unit for unit in OrgUnit.objects.select_related("lead")}
    goals = list(
        Goal.objects.select_related("field_of_action").order_by(
            "field_of_action__position", "position"
        )
    )
    periods = [
        services.ensure_quarter(today - datetime.timedelta(days=91 * back))
        for back in range(6, -1, -1)
    ]
    tags = {
        name: Tag.objects.get_or_create(name=name)[0]
        for name in ("OZG", "E-Akte", "Förderung", "Barrierefreiheit", "Sicherheit", "Pilot")
    }
    counters: dict[str, int] = {}
    measures = []
    for goal, title, code in _measure_rows(goals):
        number = f"{goal.field_of_action.position}.{goal.position}"
        counters[number] = counters.get(number, 0) + 1
        measures.append(
            _seed_measure(
                rng,
                today,
                periods,
                strategist,
                units,
                tags,
                goal,
                f"M-{number}-{counters[number]:02d}",
                title,
                units[code],
            )
        )
    # Links between measures are part of their plan: recorded just after creation, before the
    # first status update, so history reads in time order (no later "Fortschritt 69 → 0").
    _seed_dependencies(rng, measures)
    _link_trends(measures)
    for measure in measures:
        _seed_progress(rng, today, periods, measure)
    projects = [
        _seed_project(rng, today, periods, strategist, units, measures, index, row)
        for index, row in enumerate(PROJECTS, start=1)
    ]
    _seed_review(rng, periods, strategist)
    comments = _seed_comments(today, measures, projects)
    log(
        f"Maßnahmen und Projekte: {len(measures)} Maßnahmen, {len(projects)} Projekte, "
        f"{len(periods)} Berichtszeiträume, {comments} Kommentare"
    )


def _seed_measure(rng, today, periods, strategist, units, tags, goal, code, title, owner):
    start = today - datetime.timedelta(days=rng.randint(60, 560))
    if rng.random() < 0.1:
        start = today + datetime.timedelta(days=rng.randint(20, 200))  # not started yet
    end = start + datetime.timedelta(days=rng.randint(240, 900))
    created = min(start, today) - datetime.timedelta(days=30)
    budget = Decimal(rng.randrange(20_000, 1_500_000, 5_000))
    measure = Measure(
        goal=goal,
        code=code,
        title=title,
        owner=owner,
        # Not the goal's title: it may be a draft title the council does not read yet.
        description=f"{title}: Umsetzung im Rahmen der Digitalen Strategie, federführend "
        f"{owner.name}.",
        responsible=None if rng.random() < 0.07 else (owner.lead or strategist),
        priority=rng.choice([Priority.HIGH, Priority.MEDIUM, Priority.MEDIUM, Priority.LOW]),
        planned_start=start,
        planned_end=end,
        budget_planned=budget,
        funding_source=rng.choice(
            [
                "Haushalt FB 15",
                "Haushalt Fachbereich",
                "Fördermittel Land",
                "Bundesförderung",
                "DigitalPakt Schule",
            ]
        ),
        is_confidential="Notfall" in title or "ISMS" in title,
    )
    # The strategy team creates the measure, dated a month before it starts; its tags and
    # participants are set in the same minute (m2m changes write history rows, too).
    measure._history_user, measure._history_date = strategist, _at(created)
    measure.save()
    if "Online-Antrag" in title:
        measure.tags.add(tags["OZG"])
    if "E-Akte" in title:
        measure.tags.add(tags["E-Akte"])
    if rng.random() < 0.3:
        measure.participants.add(units[rng.choice(["FB 15", "FB 11", "FB 10", "FB 30"])])
    measure._history_date = _at(created) + datetime.timedelta(minutes=5)
    return measure


def _seed_progress(rng, today, periods, measure) -> None:
    """Status updates by the unit's lead, then milestones and KPIs as the progress allows."""
    del measure._history_date  # later writes are dated by the services themselves
    start, end = measure.planned_start, measure.planned_end
    _seed_reporting(
        rng, today, periods, measure, measure.owner.lead, start, end, measure.budget_planned
    )
    measure.refresh_from_db()
    _seed_milestones(rng, today, measure, start, end)
    if rng.random() < 0.25:
        _seed_indicator(rng, today, measure, start, end)


def _seed_reporting(rng, today, periods, subject, reporter, start, end, budget) -> None:
    """Quarterly status updates from the start on; some skipped, some stale, some done."""
    if reporter is None:
        return
    fate = rng.random()
    progress, light = 0, TrafficLight.GREEN
    for index, period in enumerate(periods):
        if period.ends_on < start:
            continue
        is_current = index == len(periods) - 1
        if is_current and rng.random() < 0.45:
            continue  # not yet reported this cycle
        if fate < 0.08 and index >= len(periods) - 2:
            continue  # stale: missed the previous cycle
        span = max((end - start).days, 1)
        expected = min(100, max(0, round(100 * (period.ends_on - start).days / span)))
        progress = min(100, max(progress, expected + rng.randint(-20, 5)))
        light = rng.choices([TrafficLight.GREEN, TrafficLight.AMBER, TrafficLight.RED], [6, 3, 1])[
            0
        ]
        status = Status.DONE if progress >= 100 else Status.IN_PROGRESS
        if fate > 0.96 and index == len(periods) - 2:
            status = Status.ON_HOLD
        day = min(period.reporting_date - datetime.timedelta(days=rng.randint(0, 10)), today)
        services.file_status_update(
            actor=reporter,
            subject=subject,
            period=period,
            traffic_light=light,
            progress=progress,
            status=status,
            summary=_summary(rng, status, light),
            risks="" if light == TrafficLight.GREEN else rng.choice(RISKS)[0],
            next_steps="Abstimmung mit den beteiligten Fachbereichen.",
            budget_spent=(budget * progress / 100 * Decimal(rng.uniform(0.8, 1.15))).quantize(
                Decimal("1")
            ),
            today=day,
            at=_at(day),
        )
        if status in (Status.DONE, Status.ON_HOLD):
            break


def _seed_review(rng, periods, strategist) -> None:
    """FB 15 has acknowledged the updates of past periods; of the current one, a few are
    acknowledged, one of FB 32's is returned with a question, one flags a decision."""
    current = periods[-1]
    past = list(StatusUpdate.objects.exclude(period=current).select_related("period"))
    for update in past:
        update.review_state = ReviewState.ACKNOWLEDGED
        update.reviewed_by = strategist
        update.reviewed_at = _at(min(update.period.reporting_date, timezone.localdate()))
        update._history_date = update.reviewed_at  # the history row tells the same day
    bulk_update_with_history(
        past,
        StatusUpdate,
        ["review_state", "reviewed_by", "reviewed_at"],
        default_user=strategist,
        default_change_reason="Statusmeldung bestätigt",
    )
    fresh = list(
        StatusUpdate.objects.filter(period=current, measure__isnull=False)
        .exclude(measure__owner__code="FB 32")
        .order_by("measure__code")
    )
    for update in fresh[::4]:
        services.acknowledge_status_update(actor=strategist, update=update)
    # FB 32 (the demo lead's unit) files two updates now: one FB 15 questions, one that
    # asks for a decision.
    own = Measure.objects.filter(
        owner__code="FB 32", status=Status.IN_PROGRESS, owner__lead__isnull=False
    ).exclude(statusupdates__period=current)[:2]
    for measure, decision in zip(own, ("", DEMO_DECISION), strict=False):
        update = services.file_status_update(
            actor=measure.owner.lead,
            subject=measure,
            period=current,
            traffic_light=measure.traffic_light or TrafficLight.GREEN,
            progress=measure.progress,
            status=Status.IN_PROGRESS,
            summary="Pilot in zwei Bürgerbüros läuft; der Ablauf wird dokumentiert.",
            needs_decision=bool(decision),
            decision_note=decision,
        )
        if not decision:
            services.return_status_update(actor=strategist, update=update, question=DEMO_QUESTION)


DEMO_QUESTION = "Welche Bürgerbüros sind im Pilot, und ab wann gilt der neue Ablauf für alle?"
DEMO_DECISION = "Freigabe der Mittel für den stadtweiten Rollout 2027."


def _summary(rng, status, light) -> str:
    if status == Status.DONE:
        return "Die Umsetzung ist abgeschlossen und in den Regelbetrieb übergegangen."
    if status == Status.ON_HOLD:
        return "Zurückgestellt bis zur Entscheidung über die Haushaltsmittel."
    return {
        TrafficLight.GREEN: rng.choice(
            [
                "Umsetzung im Plan; Arbeitspakete des Quartals erledigt.",
                "Pilotbetrieb läuft stabil, Rückmeldungen der Nutzenden sind positiv.",
                "Ausschreibung abgeschlossen, Auftrag erteilt.",
            ]
        ),
        TrafficLight.AMBER: rng.choice(
            [
                "Leichte Verzögerung wegen Abstimmungsbedarf mit dem Dienstleister.",
                "Personalengpass im Fachbereich; Zeitplan wird angepasst.",
            ]
        ),
        TrafficLight.RED: rng.choice(
            [
                "Schnittstelle zum Fachverfahren fehlt; Meilenstein gefährdet.",
                "Fördermittelbescheid steht aus; Umsetzung ruht teilweise.",
            ]
        ),
    }[light]


def _seed_milestones(rng, today, subject, start, end) -> None:
    span = (end - start).days
    field = "measure" if isinstance(subject, Measure) else "project"
    for step, title in enumerate(MILESTONES, start=1):
        due = start + datetime.timedelta(days=span * step // 4)
        reached = None
        if due < today and (subject.progress >= 20 * step or rng.random() < 0.75):
            reached = min(due + datetime.timedelta(days=rng.randint(-10, 40)), today)
        Milestone.objects.create(**{field: subject}, title=title, due_on=due, reached_on=reached)


def _seed_indicator(rng, today, measure, start, end) -> None:
    if "Online-Antrag" in measure.title:
        name, unit, base, target = "Anteil online gestellter Anträge", "%", 5, 60
    elif "E-Akte" in measure.title:
        name, unit, base, target = "Beschäftigte mit E-Akte", "Anzahl", 0, rng.randint(40, 200)
    else:
        name, unit, base, target = "Nutzungen pro Monat", "Anzahl", 0, rng.randint(200, 3000)
    indicator = Indicator.objects.create(
        measure=measure,
        name=name,
        unit=unit,
        baseline=base,
        target_value=target,
        target_date=end,
    )
    day, value = max(start, today - datetime.timedelta(days=540)), Decimal(base)
    while day <= today:
        step = (Decimal(target) - Decimal(base)) / 8
        value = max(Decimal(0), value + step * Decimal(rng.uniform(0.3, 1.4)))
        IndicatorValue.objects.create(
            indicator=indicator, measured_on=day, value=value.quantize(Decimal("0.1"))
        )
        day += datetime.timedelta(days=91)


def _seed_dependencies(rng, measures) -> None:
    """Some measures wait for the service account or the e-file of their unit (no cycles)."""
    by_title = {m.title: m for m in measures}
    base = by_title.get("Anbindung an BundID und Bürgerpostfach")
    scanning = by_title.get("Ersetzendes Scannen im Posteingang")
    for measure in measures:
        if base and measure.title.startswith("Online-Antrag") and rng.random() < 0.5:
            measure.dependencies.add(base)
        if scanning and measure.title.startswith("E-Akte") and rng.random() < 0.4:
            measure.dependencies.add(scanning)


# trend title (from the standards demo) → words in the titles of the measures implementing it
TREND_LINKS = {
    "E-Akte mit Vorgangsbearbeitung": ["E-Akte:", "Ersetzendes Scannen"],
    "OZG-Online-Dienste nach EfA-Prinzip": ["Online-Antrag"],
    "Open-Data-Portal": ["Open-Data", "Open Data"],
    "Urbane Datenplattform": ["Urbane Datenplattform", "Luftqualität"],
    "Digitallots*innen in jedem Fachbereich": ["Digitallots"],
    "Terminvergabe online für alle Publikumsdienste": ["Termin"],
    "Generative KI für Textentwürfe": ["KI-Assistenz", "KI-Leitlinien"],
    "Zero-Trust-Netzarchitektur": ["Fernzugänge"],
    "Digitaler Zwilling der Stadt": ["3D-Stadtmodell", "BIM"],
    "Papierlose Ratsarbeit": ["Ratsinformationssystem", "Ratsdokumenten"],
}


def _link_trends(measures) -> None:
    """Link measures to the trends they implement, from the measure's side.

    Adding through `trend.measures` would write a history row of the trend (simple-history
    answers the reverse m2m signal on the instance it gets) instead of the measure's.
    """
    trends = list(Trend.objects.filter(title__in=TREND_LINKS))
    for measure in measures:
        linked = [t for t in trends if any(w in measure.title for w in TREND_LINKS[t.title])]
        if linked:
            measure.trends.add(*linked)


def _seed_project(rng, today, periods, strategist, units, measures, index, row):
    title, keywords, owner_code = row
    owner = units[owner_code]
    linked = [m for m in measures if any(k in m.title for k in keywords)][:6]
    start = min((m.planned_start for m in linked), default=today) - datetime.timedelta(days=10)
    end = max((m.planned_end for m in linked), default=today + datetime.timedelta(days=365))
    budget = sum((m.budget_planned for m in linked), Decimal(0)) or Decimal(250_000)
    # Every fifth project is led by someone from another unit (who gets an object grant).
    lead = owner.lead
    if index % 5 == 0:
        lead = units[rng.choice(["FB 15", "FB 11", "FB 23"])].lead
    project = Project(
        code=f"P-{start.year}-{index:02d}",
        title=title,
        owner=owner,
        lead=lead,
        # A public project's text never names the confidential measures it implements.
        description="Projekt zur Umsetzung: "
        f"{', '.join(m.code for m in linked if not m.is_confidential) or title}.",
        phase=rng.choice(["planning", "execution", "execution", "execution", "closure"]),
        planned_start=start,
        planned_end=end,
        budget_planned=budget,
    )
    project._history_user = strategist
    project._history_date = _at(min(start, today) - datetime.timedelta(days=20))
    project.save()
    project.measures.set(linked)  # in the same minute as the creation, before any update
    del project._history_date
    if lead:
        assign_perm("change_project", lead, project)
    for description, mitigation in rng.sample(RISKS, rng.randint(1, 3)):
        Risk.objects.create(
            project=project,
            description=description,
            mitigation=mitigation,
            probability=rng.randint(1, 3),
            impact=rng.randint(1, 3),
            owner=lead,
        )
    _seed_reporting(rng, today, periods, project, lead or owner.lead, start, end, budget)
    project.refresh_from_db()
    _seed_milestones(rng, today, project, start, end)
    return project


# A discussion with mentions on a public measure of FB 32 and on a project: (measure or
# project title, username, text, days ago). The authors follow what they commented on.
COMMENTS = [
    (
        "Online-Antrag Anwohnerparkausweis",
        "strategie",
        "@leitung32 Der Pilot läuft gut. Können wir den Antrag bis zum Stichtag für alle "
        "Parkzonen freischalten?",
        9,
    ),
    (
        "Online-Antrag Anwohnerparkausweis",
        "leitung32",
        "Ja, die Schnittstelle zur Parkraumbewirtschaftung ist abgestimmt. "
        "@mitarbeiter bitte die Testfälle für Zweitwohnsitze ergänzen.",
        7,
    ),
    ("Online-Antrag Anwohnerparkausweis", "mitarbeiter", "Testfälle sind ergänzt.", 6),
    (
        "Terminmanagement Bürgerservice",
        "strategie",
        "@mitarbeiter Gibt es schon Zahlen zur Auslastung der Online-Termine?",
        4,
    ),
]


def _seed_comments(today, measures, projects) -> int:
    subjects = {item.title: item for item in [*measures, *projects]}
    people = {
        user.username: user
        for user in User.objects.filter(username__in={"strategie", "leitung32", "mitarbeiter"})
    }
    written = 0
    for title, username, text, days_ago in COMMENTS:
        subject, author = subjects.get(title), people.get(username)
        if subject is None or author is None or subject.is_confidential:
            continue
        at = _at(today - datetime.timedelta(days=days_ago))
        post_comment(actor=author, subject=subject, text=text, at=at)
        written += 1
    return written
