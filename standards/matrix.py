"""The compliance matrix as data: units × standards in force, shared by the page and the CSV.

A fixed number of queries whatever the number of units and standards: units, standards,
cells, approved exemptions and the units the user may assess.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from fb15.models import OrgUnit

from .models import Compliance, ComplianceState, Exemption, ExemptionStatus, Standard

SYMBOLS = {
    ComplianceState.FULFILLED: "✔",
    ComplianceState.PARTIAL: "◐",
    ComplianceState.NOT_FULFILLED: "✖",
    ComplianceState.EXEMPT: "A",
    ComplianceState.UNCHECKED: "?",
}


@dataclass
class Cell:
    state: str
    is_confirmed: bool = False
    exempt_until: datetime.date | None = None
    url: str = ""

    @property
    def label(self) -> str:
        return ComplianceState(self.state).label

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.state]


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, state: str) -> None:
        self.counts[state] = self.counts.get(state, 0) + 1

    @property
    def rate(self) -> int | None:
        """Share of "erfüllt" among the cells that must comply (exemptions left out), in %."""
        relevant = sum(self.counts.values()) - self.counts.get(ComplianceState.EXEMPT, 0)
        if not relevant:
            return None
        return round(100 * self.counts.get(ComplianceState.FULFILLED, 0) / relevant)


@dataclass
class Row:
    unit: OrgUnit
    cells: list[Cell]
    tally: Tally
    is_editable: bool


@dataclass
class Matrix:
    standards: list[Standard]
    rows: list[Row]
    column_tallies: list[Tally]
    total: Tally


def build_matrix(user, *, category: str = "", division: str = "") -> Matrix:
    units = OrgUnit.objects.restrict(user, "view").select_related("division")
    if division.isdigit():
        units = units.filter(division__pk=division)  # out-of-range ids find nothing
    units = list(units.order_by("division__position", "code"))
    standards = Standard.objects.restrict(user, "view").in_force()
    if category:
        standards = standards.filter(category=category)
    standards = list(standards.order_by("code"))
    unit_ids = [u.pk for u in units]
    standard_ids = [s.pk for s in standards]
    cells = {
        (unit_id, standard_id): (state, confirmed_at)
        for unit_id, standard_id, state, confirmed_at in Compliance.objects.restrict(user, "view")
        .filter(unit_id__in=unit_ids, standard_id__in=standard_ids)
        .values_list("unit_id", "standard_id", "state", "confirmed_at")
    }
    exempt_until = {
        (unit_id, standard_id): ends_on
        for unit_id, standard_id, ends_on in Exemption.objects.restrict(user, "view")
        .filter(status=ExemptionStatus.APPROVED, unit_id__in=unit_ids, standard_id__in=standard_ids)
        .values_list("unit_id", "standard_id", "ends_on")
    }
    editable = set(
        Compliance.objects.restrict(user, "change")
        .filter(unit_id__in=unit_ids)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    # One reverse() for all cells: 4,800 links must not cost 4,800 URL resolutions.
    url_pattern = reverse("compliance_edit", args=[111111111, 222222222])
    column_tallies = [Tally() for _ in standards]
    total = Tally()
    rows = []
    for unit in units:
        is_editable = unit.pk in editable
        tally = Tally()
        row_cells = []
        for index, standard in enumerate(standards):
            state, confirmed_at = cells.get(
                (unit.pk, standard.pk), (ComplianceState.UNCHECKED, None)
            )
            cell = Cell(
                state=state,
                is_confirmed=confirmed_at is not None,
                exempt_until=exempt_until.get((unit.pk, standard.pk))
                if state == ComplianceState.EXEMPT
                else None,
                url=url_pattern.replace("111111111", str(unit.pk)).replace(
                    "222222222", str(standard.pk)
                )
                if is_editable
                else "",
            )
            row_cells.append(cell)
            tally.add(state)
            column_tallies[index].add(state)
            total.add(state)
        rows.append(Row(unit=unit, cells=row_cells, tally=tally, is_editable=is_editable))
    return Matrix(standards=standards, rows=rows, column_tallies=column_tallies, total=total)
