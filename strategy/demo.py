"""Demo strategy of a German city: eight fields of action, two past revisions and a draft.

History is written with past dates (`_history_date`), so "Fortschreibung 1 → 2 → Entwurf"
can be compared straight after `make run`. Idempotent: once the strategy exists, nothing is
written again.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fb15.models import User

from . import services
from .models import FieldOfAction, Goal, Strategy

TITLE = "Digitale Strategie der Stadt"
VISION = (
    "Die Stadt macht ihre Leistungen digital, einfach und barrierefrei zugänglich. "
    "Bürger*innen und Unternehmen erledigen Anliegen rund um die Uhr online, die "
    "Verwaltung arbeitet vernetzt und papierlos, Daten werden offen und verantwortungsvoll "
    "genutzt. Die Digitalisierung dient den Menschen in der Stadt und stärkt Vertrauen, "
    "Teilhabe und Klimaschutz."
)

# (field title, description, [(goal title, description, target year), ...]) as in revision 1
FIELDS = [
    (
        "Digitale Services für Bürger*innen und Unternehmen",
        "Verwaltungsleistungen sind online, medienbruchfrei und mobil nutzbar.",
        [
            (
                "Die 100 meistgenutzten Leistungen sind online verfügbar",
                "Umsetzung des Onlinezugangsgesetzes mit Ende-zu-Ende-Digitalisierung.",
                2026,
            ),
            (
                "Ein Servicekonto für alle Anliegen",
                "Anbindung an BundID und Unternehmenskonto, ein Postfach für Bescheide.",
                2025,
            ),
            ("Digitale Terminvergabe in allen Bürgerbüros", "", 2024),
            (
                "Barrierefreie Online-Angebote nach BITV 2.0",
                "Alle Formulare und Portale werden geprüft und barrierefrei gestaltet.",
                2027,
            ),
        ],
    ),
    (
        "Digitale Arbeitswelt",
        "Moderne Arbeitsplätze, digitale Zusammenarbeit und Qualifizierung der Beschäftigten.",
        [
            (
                "Elektronische Akte in allen Fachbereichen",
                "Einführung der E-Akte und digitaler Vorgangsbearbeitung.",
                2027,
            ),
            ("Mobiles Arbeiten für alle geeigneten Arbeitsplätze", "", 2025),
            (
                "Digitalkompetenz der Beschäftigten stärken",
                "Qualifizierungsprogramm mit Digitallots*innen in jedem Fachbereich.",
                2026,
            ),
        ],
    ),
    (
        "Daten und Transparenz",
        "Daten werden als Gemeingut verstanden und offen bereitgestellt.",
        [
            (
                "Open-Data-Portal mit 200 Datensätzen",
                "Veröffentlichung unter offenen Lizenzen, maschinenlesbar.",
                2026,
            ),
            (
                "Datenstrategie und Datenkompetenzzentrum",
                "Verbindliche Regeln für Datenqualität, -schutz und -nutzung.",
                2025,
            ),
            ("Ratsinformationen offen und durchsuchbar", "", 2025),
        ],
    ),
    (
        "IT-Infrastruktur und Sicherheit",
        "Eine leistungsfähige, sichere und nachhaltige IT-Grundversorgung.",
        [
            (
                "Informationssicherheit nach BSI IT-Grundschutz",
                "Aufbau eines ISMS und jährliche Notfallübungen.",
                2026,
            ),
            ("Glasfaseranschluss aller Verwaltungsstandorte", "", 2027),
            (
                "Konsolidierung der Rechenzentren",
                "Zwei georedundante Standorte mit dem kommunalen IT-Dienstleister.",
                2028,
            ),
            ("Green IT: Energiebedarf der IT um 30 % senken", "", 2030),
        ],
    ),
    (
        "Smart City",
        "Digitale Lösungen für eine lebenswerte, klimagerechte Stadt.",
        [
            (
                "Urbane Datenplattform aufbauen",
                "Sensordaten zu Verkehr, Umwelt und Energie an einem Ort.",
                2027,
            ),
            ("Intelligente Parkraum- und Verkehrssteuerung", "", 2028),
            (
                "Digitaler Zwilling der Innenstadt",
                "3D-Stadtmodell für Planung und Beteiligung.",
                2029,
            ),
        ],
    ),
    (
        "Digitale Bildung",
        "Schulen und Bildungseinrichtungen sind zeitgemäß ausgestattet.",
        [
            ("WLAN und Präsentationstechnik in allen Schulen", "", 2025),
            (
                "Schul-IT-Support mit festen Reaktionszeiten",
                "Zentraler Support durch den Schulträger.",
                2026,
            ),
            ("Medienkompetenz in Volkshochschule und Bibliothek", "", 2026),
        ],
    ),
    (
        "Beteiligung und Teilhabe",
        "Digitale Beteiligung ergänzt die Präsenzformate; niemand wird abgehängt.",
        [
            ("Beteiligungsplattform für alle Planungsverfahren", "", 2025),
            (
                "Digitallotsen-Angebote für ältere Menschen",
                "Sprechstunden in Stadtteilbüros und Bibliotheken.",
                2025,
            ),
            ("Mehrsprachige Online-Angebote", "", 2027),
        ],
    ),
    (
        "Steuerung und Zusammenarbeit",
        "Die Digitalisierung wird gesamtstädtisch gesteuert und transparent berichtet.",
        [
            ("Halbjährlicher Statusbericht an den Rat", "", 2024),
            (
                "Verwaltungsweite Standards für Software und Schnittstellen",
                "Verbindliche Standards mit Ausnahmeverfahren.",
                2025,
            ),
            (
                "Interkommunale Zusammenarbeit ausbauen",
                "Gemeinsame Lösungen mit Nachbarkommunen und dem Land.",
                2026,
            ),
        ],
    ),
]


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def _save(obj, actor, when, reason=""):
    obj._history_user = actor
    obj._history_date = when
    obj._change_reason = reason or None
    obj.save()
    del obj._history_date
    return obj


def seed(log) -> None:
    if Strategy.objects.filter(title=TITLE).exists():
        log("Digitale Strategie: bereits vorhanden")
        return
    actor = User.objects.get(username="strategie")
    start = _at(1000)
    strategy = _save(Strategy(title=TITLE, vision=VISION), actor, start, "Erstfassung")
    goals: dict[str, Goal] = {}
    fields: list[FieldOfAction] = []
    for position, (title, description, goal_rows) in enumerate(FIELDS, start=1):
        field = _save(
            FieldOfAction(
                strategy=strategy, position=position, title=title, description=description
            ),
            actor,
            start,
        )
        fields.append(field)
        for goal_position, (goal_title, goal_description, year) in enumerate(goal_rows, start=1):
            goals[goal_title] = _save(
                Goal(
                    field_of_action=field,
                    position=goal_position,
                    title=goal_title,
                    description=goal_description,
                    target_year=year,
                ),
                actor,
                start,
            )
    today = timezone.localdate()
    services.publish_revision(
        actor=actor,
        strategy=strategy,
        number=1,
        title="Digitale Strategie 2024",
        decided_on=today - datetime.timedelta(days=985),
        decision_reference="DS 0123/2024",
        summary="Erste vom Rat beschlossene Fassung der Digitalen Strategie.",
        at=_at(980),
    )

    # Revision 2: goals updated, one added, one dropped, two reordered.
    goal = goals["Digitale Terminvergabe in allen Bürgerbüros"]
    goal.description = "Online-Termine auch für Standesamt und Ausländerbehörde."
    _save(goal, actor, _at(600), "Umsetzungsstand 2024")
    _save(
        Goal(
            field_of_action=fields[2],
            position=4,
            title="KI-Leitlinien für die Verwaltung",
            description="Regeln für den verantwortungsvollen Einsatz von KI-Anwendungen.",
            target_year=2026,
        ),
        actor,
        _at(590),
        "Ergänzung nach Ratsanfrage",
    )
    old = goals["Halbjährlicher Statusbericht an den Rat"]
    old._history_user, old._history_date = actor, _at(585)
    old._change_reason = "Umgesetzt"
    old.delete()
    goal = goals["Green IT: Energiebedarf der IT um 30 % senken"]
    goal.target_year = 2029
    _save(goal, actor, _at(580), "Klimaschutzkonzept")
    smart_city = fields[4]
    smart_city.title = "Smart City und Klimaschutz"
    _save(smart_city, actor, _at(575))
    a, b = (
        goals["Mobiles Arbeiten für alle geeigneten Arbeitsplätze"],
        goals["Elektronische Akte in allen Fachbereichen"],
    )
    # Positions swap through a free slot, as services.move does.
    Goal.objects.filter(pk=a.pk).update(position=99)
    b.position = 2
    _save(b, actor, _at(570), "Reihenfolge geändert")
    a.position = 1
    _save(a, actor, _at(570) + datetime.timedelta(seconds=1), "Reihenfolge geändert")
    services.publish_revision(
        actor=actor,
        strategy=strategy,
        number=2,
        title="1. Fortschreibung 2025",
        decided_on=today - datetime.timedelta(days=560),
        decision_reference="DS 0456/2025",
        summary="KI-Leitlinien aufgenommen, Statusbericht umgesetzt, Smart City um Klimaschutz "
        "erweitert.",
        at=_at(555),
    )

    # The draft: changes since revision 2, not yet adopted.
    strategy.vision = (
        f"{VISION} Künstliche Intelligenz setzen wir transparent und am Gemeinwohl orientiert ein."
    )
    _save(strategy, actor, _at(40), "Leitbild um KI ergänzt")
    goal = goals["Die 100 meistgenutzten Leistungen sind online verfügbar"]
    goal.title = "Die 150 meistgenutzten Leistungen sind online verfügbar"
    goal.target_year = 2027
    _save(goal, actor, _at(30), "Ziel erhöht nach OZG 2.0")
    _save(
        Goal(
            field_of_action=fields[3],
            position=5,
            title="Cyber-Resilienz: Wiederanlauf kritischer Verfahren in 48 Stunden",
            description="Notfallhandbuch und regelmäßige Wiederherstellungstests.",
            target_year=2027,
        ),
        actor,
        _at(20),
        "Lehre aus Sicherheitsvorfällen anderer Kommunen",
    )
    goal = goals["Medienkompetenz in Volkshochschule und Bibliothek"]
    goal.field_of_action = fields[6]
    goal.position = 4
    _save(goal, actor, _at(10), "Zuständigkeit neu geordnet")
    log(
        f"Digitale Strategie: {FieldOfAction.objects.count()} Handlungsfelder, "
        f"{Goal.objects.count()} Ziele, 2 Fortschreibungen und ein Entwurf"
    )
