"""The compliance matrix as OSCAL-style implementation status, for the IT department's tools.

Shaped like the control implementation of an OSCAL system security plan (1.1): each unit is
a component, each standard an implemented requirement (`control-id` = the standard's code,
which is the control id for standards imported from an OSCAL catalog), and each cell a
`by-components` entry with its `implementation-status`. It is read from `build_matrix`, so
it holds exactly the rows and columns the user sees on the matrix page. It is no complete
SSP (no system characteristics): a status report to be merged into one.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from fb15.models import city_settings

from .matrix import Matrix
from .models import ComplianceState

OSCAL_VERSION = "1.1.3"
NAMESPACE = "https://fb15.example/ns/oscal"  # our own props: the matrix's state word
# OSCAL's implementation states (allowed values plus the "allow-other" we need for the two
# states OSCAL has no word for). An approved exemption is an accepted alternative.
STATES = {
    ComplianceState.FULFILLED: "implemented",
    ComplianceState.PARTIAL: "partial",
    ComplianceState.NOT_FULFILLED: "not-implemented",
    ComplianceState.EXEMPT: "alternative",
    ComplianceState.UNCHECKED: "unknown",
}


def _uuid(*parts) -> str:
    """Stable UUIDs: the same unit and standard keep theirs from export to export."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}/" + "/".join(map(str, parts))))


def implementation_status(matrix: Matrix) -> dict:
    """The matrix as a JSON-ready dict (`{"system-security-plan": {...}}`)."""
    city = city_settings()
    now = timezone.now().replace(microsecond=0)
    components = [
        {
            "uuid": _uuid("unit", row.unit.pk),
            "type": "this-system",
            "title": f"{row.unit.code} {row.unit.name}",
            "description": row.unit.name,
            "props": [{"name": "fb15-unit", "ns": NAMESPACE, "value": row.unit.code}],
            "status": {"state": "operational"},
        }
        for row in matrix.rows
    ]
    requirements = []
    for index, standard in enumerate(matrix.standards):
        by_components = []
        for row in matrix.rows:
            cell = row.cells[index]
            remarks = str(cell.label)
            if cell.exempt_until:
                remarks += f" (Ausnahme bis {cell.exempt_until:%d.%m.%Y})"
            by_components.append(
                {
                    "component-uuid": _uuid("unit", row.unit.pk),
                    "uuid": _uuid("cell", row.unit.pk, standard.pk),
                    "description": remarks,
                    "props": [
                        {"name": "fb15-state", "ns": NAMESPACE, "value": cell.state},
                        {
                            "name": "fb15-confirmed",
                            "ns": NAMESPACE,
                            "value": "true" if cell.is_confirmed else "false",
                        },
                    ],
                    "implementation-status": {"state": STATES[cell.state], "remarks": remarks},
                }
            )
        props = [
            {"name": "label", "value": standard.code},
            {"name": "obligation", "ns": NAMESPACE, "value": standard.obligation},
        ]
        if standard.source_catalog:
            props.append(
                {"name": "source-catalog", "ns": NAMESPACE, "value": standard.source_catalog}
            )
        requirements.append(
            {
                "uuid": _uuid("standard", standard.pk),
                "control-id": standard.code,
                "props": props,
                "remarks": standard.title,
                "by-components": by_components,
            }
        )
    return {
        "system-security-plan": {
            "uuid": _uuid("matrix", now.isoformat()),
            "metadata": {
                "title": f"Einhaltung der Standards – {city.city_name}",
                "last-modified": now.isoformat(),
                "version": now.date().isoformat(),
                "oscal-version": OSCAL_VERSION,
            },
            "system-implementation": {"components": components},
            "control-implementation": {
                "description": (
                    "Umsetzungsstand der verwaltungsweiten Standards je Fachbereich "
                    "(Einhaltungsmatrix)."
                ),
                "implemented-requirements": requirements,
            },
        }
    }
