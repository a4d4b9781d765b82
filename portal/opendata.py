"""The portal's data for machines: measures as CSV and JSON, described by a DCAT-AP.de
catalogue (JSON-LD) that the city's open-data portal harvests.

Everything comes from `public.public_strategy`, so the open data holds exactly what the
portal's pages show, under the same rules.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fb15.models import CitySettings

from .models import PortalSettings
from .public import PublicMeasure, PublicStrategy

LICENCE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
THEME_GOVERNMENT = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
LANGUAGE_GERMAN = "http://publications.europa.eu/resource/authority/language/DEU"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DCATDE_VERSION = "http://dcat-ap.de/def/dcatde/2.0"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def csv_header(settings: PortalSettings) -> list[str]:
    header = [
        _("Handlungsfeld-Nr."),
        _("Handlungsfeld"),
        _("Ziel-Nr."),
        _("Ziel"),
        _("Zieljahr"),
        _("Kennung"),
        _("Maßnahme"),
        _("Beschreibung"),
        _("Federführung"),
        _("Priorität"),
        _("Status"),
        _("Ampel"),
        _("Fortschritt (%)"),
        _("geplanter Beginn"),
        _("geplantes Ende"),
        _("tatsächliches Ende"),
        _("Stand der letzten Statusmeldung"),
    ]
    if settings.shows_staff_names:
        header.append(_("verantwortliche Person"))
    return header


def _unit(row: PublicMeasure) -> str:
    return f"{row.unit.code} – {row.unit.name}" if row.unit else ""


def csv_rows(strategy: PublicStrategy, settings: PortalSettings):
    for row in strategy.measures:
        measure = row.measure
        cells = [
            row.field.number,
            row.field.field.title,
            row.goal.number,
            row.goal.goal.title,
            row.goal.goal.target_year or "",
            measure.code,
            measure.title,
            measure.description,
            _unit(row),
            measure.get_priority_display(),
            measure.get_status_display(),
            measure.get_traffic_light_display() or _("keine Meldung"),
            measure.progress,
            _date(measure.planned_start),
            _date(measure.planned_end),
            _date(measure.actual_end),
            row.period.label if row.period else "",
        ]
        if settings.shows_staff_names:
            cells.append(row.responsible)
        yield cells


def _date(day) -> str:
    return day.isoformat() if day else ""


def measures_json(strategy: PublicStrategy, settings: PortalSettings, city: CitySettings) -> dict:
    """The strategy as one nested document: fields of action → goals → measures."""
    revision = strategy.revision
    return {
        "herausgeber": city.city_name,
        "lizenz": LICENCE_URI,
        "strategie": {
            "titel": strategy.strategy.title,
            "leitbild": strategy.strategy.vision,
            "fortschreibung": {
                "nummer": revision.number,
                "titel": revision.title,
                "beschlossen_am": revision.decided_on.isoformat(),
                "drucksache": revision.decision_reference,
                "veroeffentlicht_am": revision.published_at.isoformat(),
            },
        },
        "handlungsfelder": [
            {
                "nummer": node.number,
                "titel": node.field.title,
                "beschreibung": node.field.description,
                "ziele": [
                    {
                        "nummer": goal.number,
                        "titel": goal.goal.title,
                        "beschreibung": goal.goal.description,
                        "zieljahr": goal.goal.target_year,
                        "massnahmen": [
                            _measure_json(row, settings) for row in strategy.measures_of(goal)
                        ],
                    }
                    for goal in node.goals
                ],
            }
            for node in strategy.tree.fields
        ],
    }


def _measure_json(row: PublicMeasure, settings: PortalSettings) -> dict:
    measure = row.measure
    data = {
        "kennung": measure.code,
        "titel": measure.title,
        "beschreibung": measure.description,
        "federfuehrung": _unit(row),
        "prioritaet": measure.get_priority_display(),
        "status": measure.get_status_display(),
        "ampel": measure.get_traffic_light_display() or None,
        "fortschritt_prozent": measure.progress,
        "geplanter_beginn": _date(measure.planned_start) or None,
        "geplantes_ende": _date(measure.planned_end) or None,
        "tatsaechliches_ende": _date(measure.actual_end) or None,
        "stand": row.period.label if row.period else None,
    }
    if settings.shows_staff_names:
        data["verantwortlich"] = row.responsible or None
    return data


def catalog(
    *,
    strategy: PublicStrategy,
    settings: PortalSettings,
    city: CitySettings,
    urls: dict[str, str],
) -> dict:
    """A DCAT-AP.de catalogue with one dataset and its two distributions (CSV, JSON).

    `urls` holds absolute URLs: catalog, portal, open_data, csv, json.
    """
    modified = _datetime(strategy.modified)
    issued = _datetime(strategy.revision.published_at)
    publisher = {"@type": "foaf:Organization", "foaf:name": city.city_name}
    contact = {"@type": "vcard:Organization", "vcard:fn": city.office_name}
    if city.email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{city.email}"}
    attribution = city.city_name
    distributions = [
        _distribution(
            urls["csv"],
            urls["open_data"],
            _("Maßnahmen als CSV"),
            "CSV",
            "text/csv",
            modified,
            attribution,
        ),
        _distribution(
            urls["json"],
            urls["open_data"],
            _("Strategie und Maßnahmen als JSON"),
            "JSON",
            "application/json",
            modified,
            attribution,
        ),
    ]
    dataset = {
        "@id": f"{urls['open_data']}#massnahmen",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{urls['open_data']}#massnahmen",
        "dct:title": _("%(title)s: Handlungsfelder, Ziele und Maßnahmen mit Umsetzungsstand")
        % {"title": strategy.strategy.title},
        "dct:description": _(
            "%(city)s: die Digitale Strategie in der zuletzt beschlossenen Fortschreibung "
            "(Nr. %(number)s, Ratsbeschluss %(reference)s) mit ihren öffentlichen Maßnahmen: "
            "federführender Fachbereich, Status, Ampel und Fortschritt nach der jeweils "
            "letzten Statusmeldung."
        )
        % {
            "city": city.city_name,
            "number": strategy.revision.number,
            "reference": strategy.revision.decision_reference,
        },
        "dct:publisher": publisher,
        "dcat:contactPoint": contact,
        "dcat:theme": {"@id": THEME_GOVERNMENT},
        "dcat:keyword": [_("Digitalisierung"), _("Digitale Strategie"), _("Verwaltung")],
        "dct:language": {"@id": LANGUAGE_GERMAN},
        "dct:issued": issued,
        "dct:modified": modified,
        "dcat:landingPage": {"@id": urls["portal"]},
        "dcatde:maintainer": publisher,
        "dcatde:licenseAttributionByText": attribution,
        "dcat:distribution": distributions,
    }
    if settings.contributor_id:
        dataset["dcatde:contributorID"] = {"@id": settings.contributor_id}
    return {
        "@context": CONTEXT,
        "@id": urls["catalog"],
        "@type": "dcat:Catalog",
        "dct:title": _("Offene Daten der Digitalen Strategie – %(city)s")
        % {"city": city.city_name},
        "dct:description": _("Daten des öffentlichen Portals zur Digitalen Strategie."),
        "dct:publisher": publisher,
        "dct:language": {"@id": LANGUAGE_GERMAN},
        "dct:modified": modified,
        "foaf:homepage": {"@id": urls["portal"]},
        "dcatde:dcatdeVersion": DCATDE_VERSION,
        "dcat:dataset": [dataset],
    }


def _distribution(url, page, title, file_type, media_type, modified, attribution) -> dict:
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": {"@id": page},
        "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": FILE_TYPE + file_type},
        "dcat:mediaType": media_type,
        "dct:license": {"@id": LICENCE_URI},
        "dcatde:licenseAttributionByText": attribution,
        "dct:modified": modified,
    }


def _datetime(value) -> dict:
    return {"@value": value.isoformat(timespec="seconds"), "@type": "xsd:dateTime"}
