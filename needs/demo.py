"""Demo needs: realistic Bedarfsmeldungen of several units, some about the same thing as each
other or as existing measures, FB 15's scoring model and scores, triage decisions, a closed
and an open priority round, and a marked pair on the Synergien page."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fb15.history import save_with_history
from fb15.models import OrgUnit, User
from measures.models import Measure, Project
from standards.models import Service

from . import services
from .models import Effort, Need, NeedState, PriorityRound, ScoringCriterion, Urgency
from .synergies import item_key, mark_pair

CRITERIA = (
    ("Rechtliche Verpflichtung", 3, "Gesetz oder Vorschrift verlangt die Umsetzung (z. B. OZG)."),
    ("Betroffene Bürger*innen", 2, "Wie viele Menschen profitieren direkt?"),
    ("Einsparungen", 2, "Entlastung von Beschäftigten oder Kosten."),
    ("Strategischer Beitrag", 2, "Beitrag zu einem Ziel der Digitalen Strategie."),
    ("Dringlichkeit", 1, "Drohende Fristen oder Ausfälle."),
)

# unit, title, problem, processes, urgency, effort, legal obligation, state, scores
NEEDS = (
    (
        "FB 32",
        "Online-Terminvergabe für die Gewerbeanmeldung",
        "Gewerbetreibende rufen an oder warten ohne Termin; die Schlange vor dem Gewerbeamt "
        "ist morgens 40 Personen lang.",
        "Gewerbeanmeldung (OZG-Leistung)",
        Urgency.HIGH,
        Effort.SMALL,
        "",
        NeedState.SUBMITTED,
        None,
    ),
    (
        "FB 50",
        "Terminbuchung im Internet für die Sozialberatung",
        "Ratsuchende erreichen uns telefonisch schlecht; Termine werden auf Zetteln notiert.",
        "Allgemeine Sozialberatung",
        Urgency.MEDIUM,
        Effort.SMALL,
        "",
        NeedState.SUBMITTED,
        None,
    ),
    (
        "FB 34",
        "Digitale Aktenführung im Standesamt",
        "Personenstandsakten liegen in Papierform; Auskünfte dauern Tage, Akten werden "
        "per Hauspost verschickt.",
        "Beurkundungen, Auskünfte",
        Urgency.MEDIUM,
        Effort.LARGE,
        "PStG § 3 (elektronische Register)",
        NeedState.IN_REVIEW,
        (3, 1, 2, 3, 1),
    ),
    (
        "FB 61",
        "DMS-Einführung in der Bauaufsicht",
        "Bauanträge kommen digital über das Portal, werden aber ausgedruckt und in "
        "Papierakten geführt.",
        "Baugenehmigung (OZG-Leistung)",
        Urgency.HIGH,
        Effort.LARGE,
        "OZG, Landesbauordnung (digitale Bauantragstellung)",
        NeedState.PRIORITISED,
        (3, 2, 3, 3, 2),
    ),
    (
        "FB 40",
        "WLAN in allen Grundschulen",
        "In 11 von 24 Grundschulen gibt es kein Funknetz in den Klassenräumen; Tablets aus "
        "dem DigitalPakt liegen ungenutzt.",
        "Unterricht",
        Urgency.HIGH,
        Effort.MEDIUM,
        "",
        NeedState.ADOPTED,
        (1, 3, 0, 3, 2),
    ),
    (
        "FB 50",
        "WLAN in Gemeinschaftsunterkünften",
        "Geflüchtete brauchen Internet für Sprachkurse und Behördengänge; heute gibt es nur "
        "Mobilfunk.",
        "Unterbringung",
        Urgency.MEDIUM,
        Effort.MEDIUM,
        "",
        NeedState.IN_REVIEW,
        (0, 2, 0, 2, 1),
    ),
    (
        "FB 32",
        "Chatbot für Fragen zu Bußgeldern",
        "Das Bußgeldtelefon ist überlastet; die meisten Fragen sind immer dieselben.",
        "Verwarn- und Bußgeldverfahren",
        Urgency.LOW,
        Effort.MEDIUM,
        "",
        NeedState.DEFERRED,
        (0, 2, 2, 1, 0),
    ),
    (
        "FB 21",
        "Online-Bezahlung von Steuern und Gebühren",
        "Zahlungen kommen per Überweisung mit falschem Verwendungszweck; die Zuordnung kostet "
        "eine halbe Stelle.",
        "Gewerbesteuer, Gebühren",
        Urgency.MEDIUM,
        Effort.MEDIUM,
        "",
        NeedState.SUBMITTED,
        None,
    ),
    (
        "FB 37",
        "Hydrantenplan im Geoinformationssystem",
        "Hydranten werden in Papierplänen gepflegt; Einsatzkräfte haben keinen aktuellen Stand.",
        "Einsatzplanung",
        Urgency.HIGH,
        Effort.SMALL,
        "",
        NeedState.SUBMITTED,
        None,
    ),
    (
        "FB 53",
        "Faxgeräte im Gesundheitsamt ersetzen",
        "Meldungen nach dem Infektionsschutzgesetz kommen noch per Fax.",
        "Meldewesen nach IfSG",
        Urgency.HIGH,
        Effort.SMALL,
        "IfSG §§ 6–9 (elektronisches Meldewesen DEMIS)",
        NeedState.REJECTED,
        (3, 1, 1, 1, 3),
    ),
)
BENEFITS = {
    "Online-Terminvergabe für die Gewerbeanmeldung": "Kein Anstehen mehr vor dem Gewerbeamt.",
    "Terminbuchung im Internet für die Sozialberatung": "Ratsuchende erreichen uns rund um "
    "die Uhr.",
    "Digitale Aktenführung im Standesamt": "Auskünfte aus Personenstandsregistern am selben Tag.",
    "DMS-Einführung in der Bauaufsicht": "Bauanträge ohne Ausdruck und Papierakte bearbeiten.",
    "WLAN in allen Grundschulen": "Tablets im Unterricht nutzbar.",
    "WLAN in Gemeinschaftsunterkünften": "Teilhabe an Sprachkursen und Angeboten.",
    "Chatbot für Fragen zu Bußgeldern": "Das Bußgeldtelefon wird entlastet.",
    "Online-Bezahlung von Steuern und Gebühren": "Zahlungen ordnen sich selbst zu.",
    "Hydrantenplan im Geoinformationssystem": "Aktuelle Pläne in jedem Einsatzfahrzeug.",
    "Faxgeräte im Gesundheitsamt ersetzen": "Meldungen kommen strukturiert an.",
}
REJECTION = (
    "Das Land stellt DEMIS bereit; FB 15 unterstützt die Anbindung im Rahmen der laufenden "
    "Maßnahme zur Fachverfahrenskonsolidierung statt eines eigenen Vorhabens."
)


def seed(log) -> None:
    if Need.objects.exists():
        log("Bedarfsmeldungen: bereits vorhanden")
        return
    strategist = User.objects.get(username="strategie")
    units = {unit.code: unit for unit in OrgUnit.objects.select_related("lead")}
    criteria = [
        ScoringCriterion.objects.get_or_create(
            name=name, defaults={"weight": weight, "description": text, "position": index}
        )[0]
        for index, (name, weight, text) in enumerate(CRITERIA, start=1)
    ]
    needs = {}
    for index, row in enumerate(NEEDS):
        code, title, problem, processes, urgency, effort, legal, state, scores = row
        unit = units.get(code)
        if unit is None:
            continue
        author = unit.lead or strategist
        need = services.save_need(
            Need(
                owner=unit,
                title=title,
                problem=problem,
                processes=processes,
                affected="",
                legal_obligation=legal,
                urgency=urgency,
                effort=effort,
                benefit=BENEFITS.get(title, ""),
                contact=unit.lead,
                deadline=timezone.localdate() + datetime.timedelta(days=120 + 30 * index),
            ),
            actor=author,
            reason="Bedarf gemeldet",
        )
        needs[title] = need
        if scores:
            services.score_need(
                actor=strategist,
                need=need,
                scores={c.pk: s for c, s in zip(criteria, scores, strict=True)},
            )
        _triage(strategist, need, state)
    _rounds(strategist, needs)
    _mark(strategist, needs)
    _services(strategist, needs)
    log(f"{Need.objects.count()} Bedarfsmeldungen, {PriorityRound.objects.count()} Runden")


def _triage(strategist, need: Need, state: str) -> None:
    path = {
        NeedState.IN_REVIEW: [NeedState.IN_REVIEW],
        NeedState.PRIORITISED: [NeedState.IN_REVIEW, NeedState.PRIORITISED],
        NeedState.ADOPTED: [NeedState.IN_REVIEW, NeedState.ADOPTED],
        NeedState.DEFERRED: [NeedState.IN_REVIEW, NeedState.DEFERRED],
        NeedState.REJECTED: [NeedState.IN_REVIEW, NeedState.REJECTED],
    }.get(state, [])
    for step in path:
        measure = None
        if step == NeedState.ADOPTED:
            measure = Measure.objects.filter(title__icontains="WLAN-Ausbau Grundschulen").first()
            if measure is None:
                return
        reason = {
            NeedState.REJECTED: REJECTION,
            NeedState.DEFERRED: "Zurückgestellt bis zur Entscheidung über einen "
            "stadtweiten Chatbot (Trend „KI-Assistenz“).",
        }.get(step, "")
        services.change_state(
            actor=strategist, need=need, state=step, reason=reason, measure=measure
        )


def _rounds(strategist, needs: dict[str, Need]) -> None:
    today = timezone.localdate()
    current = services.default_round_values(today)
    previous = services.default_round_values(current["starts_on"] - datetime.timedelta(days=1))
    measures = list(Measure.objects.select_related("owner").order_by("code")[:4])
    closed = PriorityRound.objects.create(**previous)
    for index, measure in enumerate(measures[:3]):
        proposal = services.propose_priority(
            actor=strategist, round=closed, priority=index + 1, measure=measure
        )
        lead = measure.owner.lead
        if lead is not None:
            services.respond_to_proposal(
                actor=lead, proposal=proposal, agree=index != 2, comment=_objection(index)
            )
    services.close_round(actor=strategist, round=closed)
    open_round = PriorityRound.objects.create(**current)
    for title, priority in (
        ("DMS-Einführung in der Bauaufsicht", 1),
        ("Digitale Aktenführung im Standesamt", 2),
        ("WLAN in Gemeinschaftsunterkünften", 3),
    ):
        if title in needs:
            services.propose_priority(
                actor=strategist,
                round=open_round,
                priority=priority,
                need=needs[title],
                note="Vorschlag nach Bewertungsmodell.",
            )
    for index, measure in enumerate(measures):
        services.propose_priority(
            actor=strategist, round=open_round, priority=1 + index % 3, measure=measure
        )


def _objection(index: int) -> str:
    return "Erst nach Abschluss der Personalaufstockung umsetzbar." if index == 2 else ""


def _mark(strategist, needs: dict[str, Need]) -> None:
    hydrants = needs.get("Hydrantenplan im Geoinformationssystem")
    marks = [
        (
            needs.get("Online-Terminvergabe für die Gewerbeanmeldung"),
            needs.get("Terminbuchung im Internet für die Sozialberatung"),
            "coordinate",
            "Gemeinsame Terminlösung mit FB 33 prüfen.",
        ),
        # Pairs alike in words only ("…informationssystem"): FB 15 dismisses them, and they
        # leave every similar-items list.
        *(
            (hydrants, item, "unrelated", "Nur ähnlich benannt: Geodaten, nicht Sitzungsdienst.")
            for item in [
                *Measure.objects.filter(title="Neues Ratsinformationssystem"),
                *Project.objects.filter(title="Ratsinformationssystem 2.0"),
            ]
        ),
    ]
    for first, second, kind, comment in marks:
        if first and second:
            mark_pair(
                actor=strategist,
                key_a=item_key(first),
                key_b=item_key(second),
                kind=kind,
                comment=comment,
            )


# Verwaltungsleistungen shared by needs of different units and by measures or projects whose
# title names them: service, the needs' titles, a word of the measures' and projects' titles.
SERVICES = (
    (
        "Termin vereinbaren",
        (
            "Online-Terminvergabe für die Gewerbeanmeldung",
            "Terminbuchung im Internet für die Sozialberatung",
        ),
        "Termin",
    ),
    ("Gewerbe anmelden", ("Online-Terminvergabe für die Gewerbeanmeldung",), "Gewerbe"),
    ("Baugenehmigung beantragen", ("DMS-Einführung in der Bauaufsicht",), "Bauantr"),
    ("Steuern und Gebühren bezahlen", ("Online-Bezahlung von Steuern und Gebühren",), "Bezahl"),
)


def _services(strategist, needs: dict[str, Need]) -> None:
    """Link a few needs, measures and projects to the same Verwaltungsleistung, so that the
    similar-items lists show "gleiche Verwaltungsleistung: …"."""
    for name, titles, word in SERVICES:
        service, _created = Service.objects.get_or_create(name=name)
        items = [needs[title] for title in titles if title in needs]
        items += list(Measure.objects.filter(title__icontains=word)[:2])
        items += list(Project.objects.filter(title__icontains=word)[:1])
        for item in items:
            linked = [*item.services.all(), service]
            save_with_history(
                item,
                actor=strategist,
                reason=f"Verwaltungsleistung „{name}“ verknüpft",
                m2m={"services": linked},
            )
