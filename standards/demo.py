"""Demo standards, a filled compliance matrix with exemptions, and a technology radar.

Called by `manage.py seed_demo` after fb15's demo. Idempotent: rows are looked up by their
natural keys; the matrix, exemptions and ring histories are written only where missing.
No emails are sent (services are not used for the seed).
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fb15.demo import ensure, ensure_m2m
from fb15.models import OrgUnit, User

from .models import (
    Category,
    Compliance,
    ComplianceState,
    Exemption,
    ExemptionStatus,
    Obligation,
    Quadrant,
    Ring,
    Standard,
    StandardStatus,
    Trend,
)

M, S, K, N = Obligation.MUST, Obligation.SHOULD, Obligation.MAY, Obligation.MUST_NOT
SW, IF, PR, SEC = Category.SOFTWARE, Category.INTERFACE, Category.PROCESS, Category.SECURITY
BF, DS, DA = Category.ACCESSIBILITY, Category.DATA_PROTECTION, Category.DATA
B, D, X, R = (
    StandardStatus.BINDING,
    StandardStatus.DRAFT,
    StandardStatus.EXPIRING,
    StandardStatus.REPEALED,
)

# code, title, obligation, category, status, version, valid from, references
STANDARDS = [
    (
        "SW-01",
        "Open-Source-first bei Neubeschaffungen",
        M,
        SW,
        B,
        "2.0",
        "2024-01-01",
        "Open-Source-Strategie der Stadt https://opensource.stadt.example/strategie\n"
        "ZenDiS – Zentrum für Digitale Souveränität https://zendis.de/",
    ),
    (
        "SW-02",
        "E-Akte als führendes Ablagesystem",
        M,
        SW,
        B,
        "1.3",
        "2023-07-01",
        "DOMEA/E-Akte-Organisationskonzept https://www.verwaltung-innovativ.de/",
    ),
    (
        "SW-03",
        "Zentrales Dokumentenmanagement statt Netzlaufwerken",
        S,
        SW,
        B,
        "1.0",
        "2024-04-01",
        "",
    ),
    (
        "SW-04",
        "Standard-Bürosoftware im offenen Dokumentformat (ODF)",
        S,
        SW,
        B,
        "1.1",
        "2023-01-01",
        "ODF 1.3 (OASIS) https://docs.oasis-open.org/office/OpenDocument/v1.3/",
    ),
    ("SW-05", "Keine Fachverfahren ohne Herstellerwartung", N, SW, B, "1.0", "2022-10-01", ""),
    ("SW-06", "Browserbasierte Fachverfahren bevorzugen", S, SW, B, "1.0", "2024-01-01", ""),
    ("SW-07", "Videokonferenzen über die städtische Plattform", M, SW, B, "1.2", "2023-03-01", ""),
    ("SW-08", "Makrobasierte Office-Fachanwendungen", N, SW, X, "1.0", "2021-01-01", ""),
    (
        "IF-01",
        "XRechnung für eingehende Rechnungen",
        M,
        IF,
        B,
        "3.0",
        "2020-11-27",
        "XRechnung (KoSIT) https://xeinkauf.de/xrechnung/",
    ),
    (
        "IF-02",
        "OZG-Anbindung über FIT-Connect",
        M,
        IF,
        B,
        "1.1",
        "2024-01-01",
        "FIT-Connect https://docs.fitko.de/fit-connect/",
    ),
    (
        "IF-03",
        "XMeld für Meldedaten",
        M,
        IF,
        B,
        "2.5",
        "2023-05-01",
        "XMeld (XÖV) https://www.xrepository.de/",
    ),
    (
        "IF-04",
        "XPersonenstand im Standesamt",
        M,
        IF,
        B,
        "1.8",
        "2023-05-01",
        "XPersonenstand https://www.personenstandswesen.de/",
    ),
    (
        "IF-05",
        "XBau für Bauantragsverfahren",
        M,
        IF,
        B,
        "2.3",
        "2024-05-01",
        "XBau (XLeitstelle) https://www.xleitstelle.de/xbau",
    ),
    (
        "IF-06",
        "XAusländer für die Ausländerbehörde",
        M,
        IF,
        B,
        "1.24",
        "2024-02-01",
        "XAusländer https://www.xrepository.de/",
    ),
    (
        "IF-07",
        "Nutzerkonto BundID für Online-Dienste",
        M,
        IF,
        B,
        "1.0",
        "2024-06-01",
        "BundID https://id.bund.de/",
    ),
    (
        "IF-08",
        "Offene REST-Schnittstellen mit OpenAPI-Beschreibung",
        S,
        IF,
        B,
        "1.0",
        "2025-01-01",
        "OpenAPI https://spec.openapis.org/oas/latest.html",
    ),
    (
        "IF-09",
        "ePayBL für Online-Zahlungen",
        S,
        IF,
        B,
        "1.0",
        "2024-09-01",
        "ePayBL https://www.epaybl.de/",
    ),
    ("IF-10", "XTA/OSCI-Transport für Fachnachrichten", M, IF, X, "2.0", "2019-01-01", ""),
    (
        "PR-01",
        "Digitaler Posteingang mit Scan-Strategie",
        S,
        PR,
        B,
        "1.0",
        "2024-03-01",
        "BSI TR-03138 RESISCAN https://www.bsi.bund.de/dok/TR-03138",
    ),
    ("PR-02", "Elektronische Vergabe (E-Vergabe)", M, PR, B, "1.0", "2022-01-01", ""),
    (
        "PR-03",
        "Prozessmodellierung in BPMN 2.0",
        K,
        PR,
        B,
        "1.0",
        "2024-01-01",
        "BPMN 2.0 (OMG) https://www.omg.org/spec/BPMN/2.0/",
    ),
    (
        "PR-04",
        "Digitaler Antrag vor Papierformular",
        M,
        PR,
        B,
        "1.1",
        "2023-01-01",
        "OZG-Leitfaden https://leitfaden.ozg-umsetzung.de/",
    ),
    ("PR-05", "Changemanagement bei Fachverfahrenswechsel", S, PR, B, "1.0", "2025-01-01", ""),
    ("PR-06", "Papierbasierte Umlaufmappen", N, PR, B, "1.0", "2025-07-01", ""),
    (
        "SEC-01",
        "IT-Grundschutz-Baustein ORP.4 Identitäts- und Berechtigungsmanagement",
        M,
        SEC,
        B,
        "2023",
        "2023-02-01",
        "BSI IT-Grundschutz ORP.4 https://www.bsi.bund.de/dok/it-grundschutz-kompendium",
    ),
    (
        "SEC-02",
        "IT-Grundschutz-Baustein CON.3 Datensicherungskonzept",
        M,
        SEC,
        B,
        "2023",
        "2023-02-01",
        "BSI IT-Grundschutz CON.3 https://www.bsi.bund.de/dok/it-grundschutz-kompendium",
    ),
    (
        "SEC-03",
        "IT-Grundschutz-Baustein OPS.1.1.3 Patch- und Änderungsmanagement",
        M,
        SEC,
        B,
        "2023",
        "2023-02-01",
        "BSI IT-Grundschutz OPS.1.1.3 https://www.bsi.bund.de/dok/it-grundschutz-kompendium",
    ),
    (
        "SEC-04",
        "IT-Grundschutz-Baustein ORP.3 Sensibilisierung und Schulung",
        M,
        SEC,
        B,
        "2023",
        "2023-02-01",
        "BSI IT-Grundschutz ORP.3 https://www.bsi.bund.de/dok/it-grundschutz-kompendium",
    ),
    ("SEC-05", "Zwei-Faktor-Anmeldung für Fernzugriffe", M, SEC, B, "1.0", "2024-01-01", ""),
    (
        "SEC-06",
        "Notfallhandbuch je Fachverfahren (BSI-Standard 200-4)",
        S,
        SEC,
        B,
        "1.0",
        "2024-07-01",
        "BSI-Standard 200-4 https://www.bsi.bund.de/dok/200-4",
    ),
    ("SEC-07", "Private Endgeräte im Verwaltungsnetz", N, SEC, B, "1.0", "2022-01-01", ""),
    (
        "BF-01",
        "BITV 2.0 für Webangebote und Fachverfahren",
        M,
        BF,
        B,
        "2.0",
        "2019-05-27",
        "BITV 2.0 https://www.gesetze-im-internet.de/bitv_2_0/\n"
        "EN 301 549 https://www.etsi.org/deliver/etsi_en/301500_301599/301549/",
    ),
    (
        "BF-02",
        "Barrierefreie PDF-Dokumente (PDF/UA)",
        S,
        BF,
        B,
        "1.0",
        "2024-01-01",
        "PDF/UA (ISO 14289) https://pdfa.org/resource/pdfua-in-a-nutshell/",
    ),
    ("BF-03", "Erklärung zur Barrierefreiheit je Online-Dienst", M, BF, B, "1.0", "2020-09-23", ""),
    ("BF-04", "Leichte Sprache für zentrale Online-Dienste", K, BF, D, "0.9", None, ""),
    (
        "DS-01",
        "Verzeichnis der Verarbeitungstätigkeiten je Fachverfahren",
        M,
        DS,
        B,
        "1.0",
        "2018-05-25",
        "DSGVO Art. 30 https://dsgvo-gesetz.de/art-30-dsgvo/",
    ),
    (
        "DS-02",
        "Datenschutz-Folgenabschätzung bei KI-Einsatz",
        M,
        DS,
        B,
        "1.0",
        "2025-03-01",
        "DSGVO Art. 35 https://dsgvo-gesetz.de/art-35-dsgvo/",
    ),
    ("DS-03", "Auftragsverarbeitungsverträge für Cloud-Dienste", M, DS, B, "1.0", "2022-01-01", ""),
    (
        "DA-01",
        "Offene Daten über das städtische Open-Data-Portal",
        S,
        DA,
        B,
        "1.0",
        "2024-01-01",
        "GovData https://www.govdata.de/\nDCAT-AP.de https://www.dcat-ap.de/",
    ),
    ("DA-02", "Georeferenzierung nach ETRS89/UTM", M, DA, B, "1.0", "2021-01-01", ""),
    ("DA-03", "Stammdaten aus dem zentralen Adressregister", S, DA, D, "0.3", None, ""),
]

# Successor relations: (old code, new code).
SUPERSEDED = [("IF-10", "IF-02"), ("SW-08", "SW-06")]

# title, quadrant, ring history (oldest first, with month), unit codes, standard codes
PF, INF, DK, MZ = Quadrant.PLATFORMS, Quadrant.INFRASTRUCTURE, Quadrant.DATA_AI, Quadrant.METHODS
A, T, E, H = Ring.ADOPT, Ring.TRIAL, Ring.ASSESS, Ring.HOLD
TRENDS = [
    (
        "E-Akte mit Vorgangsbearbeitung",
        PF,
        [(E, "2024-02"), (T, "2025-01"), (A, "2026-03")],
        ["FB 32", "FB 50", "FB 33", "FB 63"],
        ["SW-02"],
    ),
    (
        "Low-Code-Plattform für Fachverfahren",
        PF,
        [(E, "2025-02"), (T, "2026-03")],
        ["FB 50", "FB 45", "FB 32"],
        ["IF-08"],
    ),
    (
        "OZG-Online-Dienste nach EfA-Prinzip",
        PF,
        [(T, "2023-06"), (A, "2025-01")],
        ["FB 33", "FB 32", "FB 50", "FB 39"],
        ["IF-02", "IF-07"],
    ),
    ("Digitaler Bauantrag", PF, [(T, "2024-04"), (A, "2025-10")], ["FB 63", "FB 61"], ["IF-05"]),
    (
        "Terminvergabe online für alle Publikumsdienste",
        PF,
        [(A, "2024-01")],
        ["FB 33", "FB 34", "FB 39", "FB 50"],
        [],
    ),
    ("Chatbot für Bürgeranfragen", PF, [(E, "2024-09"), (H, "2026-02")], ["FB 33", "FB 03"], []),
    (
        "Open-Source-Bürosuite (openDesk)",
        PF,
        [(E, "2024-05"), (T, "2025-09")],
        ["FB 10", "FB 11", "FB 15"],
        ["SW-01", "SW-04"],
    ),
    (
        "Elektronische Rechnungsbearbeitung",
        PF,
        [(T, "2022-11"), (A, "2024-03")],
        ["FB 20", "FB 21", "FB 16"],
        ["IF-01"],
    ),
    ("Schul-Lernplattform", PF, [(T, "2025-03")], ["FB 40"], []),
    (
        "Kommunale Cloud (souveräne Rechenzentren)",
        INF,
        [(E, "2024-01"), (T, "2025-06")],
        ["FB 15", "FB 10"],
        ["DS-03"],
    ),
    ("Zero-Trust-Netzarchitektur", INF, [(E, "2025-04")], ["FB 15", "FB 37"], ["SEC-05"]),
    (
        "Mobile Arbeitsplätze mit Thin Clients",
        INF,
        [(T, "2023-09"), (A, "2025-02")],
        ["FB 10", "FB 11", "FB 50", "FB 32"],
        [],
    ),
    ("Kubernetes-Betrieb für Fachverfahren", INF, [(E, "2025-05"), (T, "2026-04")], ["FB 15"], []),
    ("Glasfaseranbindung der Außenstellen", INF, [(A, "2023-01")], ["FB 40", "FB 43", "FB 67"], []),
    (
        "IoT-Sensorik in städtischen Gebäuden",
        INF,
        [(E, "2025-08")],
        ["FB 23", "FB 36", "FB 65"],
        [],
    ),
    (
        "Eigenbetrieb von Mailservern je Fachbereich",
        INF,
        [(T, "2021-01"), (H, "2024-06")],
        ["FB 43", "FB 44", "FB 46"],
        [],
    ),
    (
        "Generative KI für Textentwürfe",
        DK,
        [(E, "2024-11"), (T, "2026-01")],
        ["FB 03", "FB 11", "FB 30", "FB 50"],
        ["DS-02"],
    ),
    (
        "KI-gestützte Posteingangsklassifizierung",
        DK,
        [(E, "2025-06")],
        ["FB 10", "FB 21"],
        ["PR-01", "DS-02"],
    ),
    (
        "Urbane Datenplattform",
        DK,
        [(E, "2024-03"), (T, "2025-11")],
        ["FB 61", "FB 68", "FB 36"],
        ["DA-01"],
    ),
    ("Digitaler Zwilling der Stadt", DK, [(E, "2025-09")], ["FB 61", "FB 62", "FB 66"], ["DA-02"]),
    (
        "Open-Data-Portal",
        DK,
        [(T, "2023-05"), (A, "2024-10")],
        ["FB 12", "FB 15", "FB 61"],
        ["DA-01"],
    ),
    (
        "Automatisierte Bescheiderstellung",
        DK,
        [(E, "2025-01"), (T, "2026-05")],
        ["FB 21", "FB 50"],
        [],
    ),
    (
        "Self-Service-Analytics mit Dashboards",
        DK,
        [(T, "2024-02"), (A, "2025-12")],
        ["FB 12", "FB 20"],
        [],
    ),
    (
        "Gesichtserkennung im öffentlichen Raum",
        DK,
        [(E, "2023-10"), (H, "2024-04")],
        ["FB 32"],
        ["DS-02"],
    ),
    (
        "Agile Projektsteuerung (Scrum, Kanban)",
        MZ,
        [(T, "2023-04"), (A, "2025-03")],
        ["FB 15", "FB 11"],
        [],
    ),
    (
        "Service Design mit Nutzerforschung",
        MZ,
        [(E, "2024-06"), (T, "2025-10")],
        ["FB 33", "FB 50", "FB 45"],
        ["BF-01"],
    ),
    (
        "Digitallots*innen in jedem Fachbereich",
        MZ,
        [(T, "2024-01"), (A, "2025-06")],
        ["FB 32", "FB 50", "FB 40", "FB 63"],
        [],
    ),
    ("Prozessmodellierung mit BPMN", MZ, [(A, "2023-02")], ["FB 11", "FB 33"], ["PR-03"]),
    ("Open-Source-Community-Beteiligung", MZ, [(E, "2025-07")], ["FB 15"], ["SW-01"]),
    ("Papierlose Ratsarbeit", MZ, [(T, "2022-09"), (A, "2023-11")], ["FB 02", "FB 01"], []),
    (
        "Hackathons mit der Stadtgesellschaft",
        MZ,
        [(E, "2024-08"), (H, "2025-09")],
        ["FB 80", "FB 15"],
        [],
    ),
]

STATES = [
    (ComplianceState.FULFILLED, 52),
    (ComplianceState.PARTIAL, 22),
    (ComplianceState.NOT_FULFILLED, 10),
    (ComplianceState.UNCHECKED, 16),
]

EVIDENCE = {
    ComplianceState.FULFILLED: "Umsetzung geprüft, Nachweis in der E-Akte.",
    ComplianceState.PARTIAL: "In einigen Sachgebieten umgesetzt, Rest bis Jahresende geplant.",
    ComplianceState.NOT_FULFILLED: "Noch nicht umgesetzt.",
}

# unit, standard, justification, ends in days (negative: already ended), status
EXEMPTIONS = [
    (
        "FB 37",
        "SW-06",
        "Das Einsatzleitsystem der Feuerwehr ist nur als Client-Anwendung "
        "zugelassen; Ablösung mit dem Landessystem 2027.",
        400,
        ExemptionStatus.APPROVED,
    ),
    (
        "FB 62",
        "SW-01",
        "Das Katasterverfahren ALKIS ist landesweit vorgegeben.",
        700,
        ExemptionStatus.APPROVED,
    ),
    (
        "FB 53",
        "SW-07",
        "Amtsärztliche Videosprechstunden laufen über den zertifizierten Anbieter der KV.",
        200,
        ExemptionStatus.APPROVED,
    ),
    (
        "FB 44",
        "SEC-06",
        "Kein eigenes Fachverfahren im Betrieb, Notfallhandbuch entfällt bis "
        "zur Einführung der Schulverwaltung.",
        30,
        ExemptionStatus.APPROVED,
    ),
    (
        "FB 50",
        "IF-09",
        "Die Sozialleistungen werden nicht online bezahlt; ePayBL bringt keinen Nutzen.",
        365,
        ExemptionStatus.REQUESTED,
    ),
    (
        "FB 32",
        "SW-04",
        "Die Bußgeldstelle tauscht Dokumente mit Gerichten im DOCX-Format.",
        180,
        ExemptionStatus.REQUESTED,
    ),
    (
        "FB 46",
        "BF-02",
        "Historische Archivalien als Scan-PDF; Nachbearbeitung nicht leistbar.",
        365,
        ExemptionStatus.REJECTED,
    ),
]


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _pick_state(unit_code: str, standard_code: str) -> str:
    """A stable pseudo-random state per cell (the same on every machine and run)."""
    digest = hashlib.sha256(f"{unit_code}/{standard_code}".encode()).digest()
    roll = digest[0] * 100 // 256
    for state, weight in STATES:
        if roll < weight:
            return state
        roll -= weight
    return ComplianceState.UNCHECKED


def seed(log) -> None:
    strategist = User.objects.filter(username="strategie").first()
    standards = {}
    for code, title, obligation, category, status, version, valid_from, refs in STANDARDS:
        valid = _date(valid_from)
        standard, _ = ensure(
            Standard,
            {"code": code},
            {
                "title": title,
                "obligation": obligation,
                "category": category,
                "status": status,
                "version_label": version,
                "valid_from": valid,
                "valid_until": datetime.date(2026, 12, 31) if status == X else None,
                "next_review": (valid or datetime.date(2026, 1, 1)).replace(year=2027),
                "references": refs,
                "responsible": strategist,
                "description": f"{title}. Gilt für alle Fachbereiche der Stadtverwaltung; "
                "Fragen beantwortet das Strategieteam in FB 15.",
            },
        )
        standards[code] = standard
    for old, new in SUPERSEDED:
        ensure(Standard, {"pk": standards[old].pk}, {"superseded_by": standards[new]})

    units = {u.code: u for u in OrgUnit.objects.all()}
    in_force = [s for s in standards.values() if s.is_in_force]
    existing = set(Compliance.objects.values_list("unit_id", "standard_id"))
    today = timezone.localdate()
    cells = []
    for unit in units.values():
        for standard in in_force:
            if (unit.pk, standard.pk) in existing:
                continue
            state = _pick_state(unit.code, standard.code)
            if state == ComplianceState.NOT_FULFILLED and standard.obligation == Obligation.MUST:
                reason = "Fachverfahren wird 2027 abgelöst; bis dahin organisatorische Regelung."
            else:
                reason = ""
            checked = state != ComplianceState.UNCHECKED
            cells.append(
                Compliance(
                    unit=unit,
                    standard=standard,
                    state=state,
                    evidence=EVIDENCE.get(state, ""),
                    checked_on=today - datetime.timedelta(days=30) if checked else None,
                    deviation_reason=reason,
                    confirmed_by=strategist if checked and unit.pk % 3 else None,
                    confirmed_at=timezone.now() if checked and unit.pk % 3 else None,
                )
            )
    if cells:
        bulk_create_with_history(cells, Compliance, default_user=strategist)

    for unit_code, standard_code, justification, days, status in EXEMPTIONS:
        unit, standard = units.get(unit_code), standards[standard_code]
        if unit is None or Exemption.objects.filter(unit=unit, standard=standard).exists():
            continue
        with transaction.atomic():
            exemption = Exemption(
                unit=unit,
                standard=standard,
                justification=justification,
                ends_on=today + datetime.timedelta(days=days),
                status=status,
                requested_by=unit.lead,
            )
            if status != ExemptionStatus.REQUESTED:
                exemption.decided_by = strategist
                exemption.decided_at = timezone.now()
                exemption.decision_reason = (
                    "Nachvollziehbar begründet und befristet."
                    if status == ExemptionStatus.APPROVED
                    else "Eine Nachbearbeitung der meistgenutzten Dokumente ist zumutbar."
                )
            exemption._history_user = unit.lead
            exemption.save()
            if status == ExemptionStatus.APPROVED:
                cell = Compliance.objects.get(unit=unit, standard=standard)
                cell.state = ComplianceState.EXEMPT
                cell.confirmed_by, cell.confirmed_at = strategist, timezone.now()
                cell._history_user = strategist
                cell._change_reason = "Ausnahme genehmigt"
                cell.save()

    created_trends = 0
    for title, quadrant, history, unit_codes, standard_codes in TRENDS:
        trend = Trend.objects.filter(title=title).first()
        if trend is None:
            created_trends += 1
            # Replay the ring history with its dates, so moves read from history are real.
            for index, (ring, month) in enumerate(history):
                when = timezone.make_aware(datetime.datetime.fromisoformat(f"{month}-15 10:00"))
                if trend is None:
                    trend = Trend(
                        title=title,
                        quadrant=quadrant,
                        ring=ring,
                        description=f"{title}: Stand der Technik, Einsatz in Kommunen und "
                        "Bedeutung für die Stadtverwaltung.",
                        rationale="Einordnung des Strategieteams nach Marktbeobachtung und "
                        "Erfahrungen vergleichbarer Städte.",
                    )
                else:
                    trend.ring = ring
                trend._history_date = when
                trend._history_user = strategist
                trend._change_reason = "Aufnahme ins Radar" if index == 0 else "Neu eingeordnet"
                trend.save()
                if index == 0:
                    # The units and standards it concerns belong to its first assessment, not
                    # to the day of seeding (m2m changes write history rows too).
                    ensure_m2m(trend.units, [units[c] for c in unit_codes if c in units])
                    ensure_m2m(trend.standards, [standards[c] for c in standard_codes])
                del trend._history_date
        ensure_m2m(trend.units, [units[c] for c in unit_codes if c in units])
        ensure_m2m(trend.standards, [standards[c] for c in standard_codes])
    log(
        f"{len(standards)} Standards, {Compliance.objects.count()} Einhaltungszellen, "
        f"{Exemption.objects.count()} Ausnahmen, {Trend.objects.count()} Trends "
        f"({created_trends} neu)"
    )
