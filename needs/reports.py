"""Data of needs for reports, offered to `reporting` (which needs must not be imported by:
reporting reads this module, never the other way round).

`priority_list(reader)` is the section "Prioritätenliste, Stand Q3": the newest closed round
(or a given one) with every proposal the reader may see, ordered by priority.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from measures.models import Measure

from .models import Need, PriorityProposal, PriorityRound


@dataclass(frozen=True)
class PriorityLine:
    kind: str  # "Bedarfsmeldung" or "Maßnahme"
    title: str
    unit_code: str
    priority: int
    statement: str  # "einverstanden", "Einwand", "noch offen"
    comment: str


@dataclass(frozen=True)
class PriorityList:
    round: PriorityRound
    lines: list[PriorityLine]

    @property
    def title(self) -> str:
        return f"Prioritätenliste, Stand {self.round.label}"


def priority_list(
    reader=None, round: PriorityRound | None = None, until: datetime.date | None = None
) -> PriorityList | None:
    """The priority list of `round` (default: the newest round closed, starting by `until` if
    given) as `reader` may read it: proposals on measures the reader may read and on needs
    whose title the reader may see (confidential needs of other units are left out).
    Without a reader, as a report to the council reads it: public measures and needs that
    are not confidential. Three queries at any size."""
    if reader is None:
        rounds = PriorityRound.objects.all()
        visible = Q(
            measure__in=Measure.objects.filter(Measure.objects.public_condition()).values("pk")
        ) | Q(need__in=Need.objects.filter(is_confidential=False).values("pk"))
    else:
        rounds = PriorityRound.objects.restrict(reader, "view")
        visible = Q(measure__in=Measure.objects.restrict(reader, "view").values("pk")) | Q(
            need__in=Need.objects.titles_for(reader).values("pk")
        )
    if round is None:
        closed = rounds.filter(closed_at__isnull=False)
        if until is not None:
            closed = closed.filter(starts_on__lte=until)
        round = closed.order_by("-starts_on").first()
    elif not rounds.filter(pk=round.pk).exists():
        return None
    if round is None:
        return None
    proposals = (
        PriorityProposal.objects.filter(round=round)
        .filter(visible)
        .select_related("need", "measure", "unit")
        .order_by("priority", "unit__code", "pk")
    )
    lines = [
        PriorityLine(
            kind=str(type(p.item)._meta.verbose_name),
            title=str(p.item) if p.measure_id else p.need.title,
            unit_code=p.unit.code,
            priority=p.priority,
            statement=p.get_statement_display(),
            comment=p.statement_comment,
        )
        for p in proposals
    ]
    return PriorityList(round=round, lines=lines)
