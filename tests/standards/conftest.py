import pytest

from tests.factories import ComplianceFactory, ExemptionFactory, StandardFactory, TrendFactory


@pytest.fixture
def world(personas):
    """One binding standard with a cell and an open exemption request for each demo unit,
    and a trend concerning FB 32."""
    unit32, unit50 = personas["unit32"], personas["unit50"]
    standard = StandardFactory(code="SW-01", title="Open-Source-first")
    cells = {
        "own": ComplianceFactory(unit=unit32, standard=standard, state="partial"),
        "other": ComplianceFactory(unit=unit50, standard=standard, state="fulfilled"),
    }
    exemptions = {
        "own": ExemptionFactory(unit=unit32, standard=standard, requested_by=personas["lead32"]),
        "other": ExemptionFactory(unit=unit50, standard=standard, requested_by=personas["lead50"]),
    }
    trend = TrendFactory(title="E-Akte", units=[unit32])
    return {
        **personas,
        "standard": standard,
        "cells": cells,
        "exemptions": exemptions,
        "trend": trend,
    }
