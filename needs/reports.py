"""Data of needs for reports, offered to `reporting` (which needs must not be imported by:
reporting reads this module, never the other way round).

`priority_list(reader)` is the section "Prioritätenliste, Stand Q3": the newest closed round
(or a given one) with every proposal the reader may see, ordered by priority.
"""

from __future__ import annotations

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


def priority_list(reader, round: PriorityRound | None = None) -> PriorityList | None:
    """The priority list of `round` (default: the newest closed round) as `reader` may read
    it: proposals on measures the reader may read and on needs whose title the reader may
    see (confidential needs of other units are left out). Three queries at any size."""
    rounds = PriorityRound.objects.restrict(reader, "view")
    if round is None:
        round = rounds.filter(closed_at__isnull=False).order_by("-starts_on").first()
    elif not rounds.filter(pk=round.pk).exists():
        return None
    if round is None:
        return None
    visible = Q(measure__in=Measure.objects.restrict(reader, "view").values("pk")) | Q(
        need__in=Need.objects.titles_for(reader).values("pk")
    )
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
