"""Reporting periods: the months and quarters a report covers."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from measures.models import (
    ReportingPeriod,
)
from measures.services import quarter_of

from .models import (
    Frequency,
)


class ReportError(Exception):
    """A report cannot be made (no strategy, unknown scope or period): not worth retrying."""


# ------------------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: datetime.date
    ends_on: datetime.date


def month_of(day: datetime.date) -> Period:
    starts_on = day.replace(day=1)
    next_start = (starts_on + datetime.timedelta(days=32)).replace(day=1)
    return Period(f"{day:%Y-%m}", starts_on, next_start - datetime.timedelta(days=1))


def quarter_period(day: datetime.date) -> Period:
    """The quarter containing `day`, as stored if its reporting period exists, else computed.

    Reads only: pages (the Lagebild, the report form) call this on GET; the daily job and
    requesting a report create the period (`ensure_quarter`).
    """
    starts_on, ends_on, label = quarter_of(day)
    stored = ReportingPeriod.objects.filter(starts_on=starts_on).first()
    if stored is not None:
        return Period(stored.label, stored.starts_on, stored.ends_on)
    return Period(label, starts_on, ends_on)


def period_just_ended(frequency: str, today: datetime.date) -> Period:
    """The month or quarter before the one containing `today`."""
    if frequency == Frequency.MONTHLY:
        return month_of(today.replace(day=1) - datetime.timedelta(days=1))
    current = quarter_period(today)
    return quarter_period(current.starts_on - datetime.timedelta(days=1))


def parse_period(label: str) -> Period:
    """ "2026-Q3" or "2026-07" → the period; ReportError for anything else."""
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", label.strip()):
        year, quarter = int(match[1]), int(match[2])
        return quarter_period(datetime.date(year, 3 * quarter - 2, 1))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", label.strip()):
        month = int(match[2])
        if 1 <= month <= 12:
            return month_of(datetime.date(int(match[1]), month, 1))
    raise ReportError(
        _("Unbekannter Zeitraum „%(label)s“ (erwartet z. B. 2026-Q3 oder 2026-07).")
        % {"label": label}
    )
