"""The trend over the last quarters: traffic lights and mean progress of the status updates
filed for each reporting period, for the Lagebild and the report."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from measures.models import ReportingPeriod, StatusUpdate

from . import charts
from .periods import Period

TREND_QUARTERS = 4


@dataclass(frozen=True)
class QuarterPoint:
    label: str  # the reporting period, "2026-Q3"
    counts: dict[str, int]  # status updates filed for it, per traffic light
    average_progress: int | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def quarter_trend(
    measure_ids, period: Period, as_of: datetime.datetime | None = None
) -> list[QuarterPoint]:
    """The last TREND_QUARTERS reporting periods up to `period`'s end, oldest first: per
    period the traffic lights and mean progress of the measures' updates filed for it (by
    `as_of`, if given). `measure_ids` may be a list or a subquery. Two queries."""
    periods = list(
        ReportingPeriod.objects.filter(starts_on__lte=period.ends_on).order_by("-starts_on")[
            :TREND_QUARTERS
        ]
    )[::-1]
    updates = StatusUpdate.objects.filter(measure_id__in=measure_ids, period__in=periods)
    if as_of is not None:
        updates = updates.filter(reported_at__lte=as_of)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    progress: dict[int, int] = defaultdict(int)
    for period_id, light, count, progress_sum in (
        updates.order_by()
        .values_list("period_id", "traffic_light")
        .annotate(Count("id"), Sum("progress"))
    ):
        counts[period_id][light or ""] = count
        progress[period_id] += progress_sum or 0
    points = []
    for reporting_period in periods:
        filed = sum(counts[reporting_period.pk].values())
        points.append(
            QuarterPoint(
                reporting_period.label,
                counts[reporting_period.pk],
                round(progress[reporting_period.pk] / filed) if filed else None,
            )
        )
    return points


def trend_chart(chart_id: str, points: list[QuarterPoint]):
    """The trend as bars of absolute counts, one per quarter, its mean progress in the label."""
    bars = [
        charts.LightBar(
            point.label
            if point.average_progress is None
            else _("%(quarter)s · Ø %(progress)s %%")
            % {"quarter": point.label, "progress": point.average_progress},
            point.counts,
        )
        for point in points
    ]
    return charts.traffic_light_bars(
        chart_id, _("Ampeln und mittlerer Fortschritt je Quartal"), bars
    )
