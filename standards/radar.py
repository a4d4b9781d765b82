"""Geometry of the technology radar: where each numbered blip sits in the server-rendered SVG.

Four quadrants (90° each) and four rings (Übernehmen innermost). Blips of one
quadrant × ring cell are spread evenly over its arc, alternating between two radii when
there are many, so the picture is stable for the same data (no randomness).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .models import Quadrant, Ring

SIZE = 640
CENTER = SIZE // 2
RING_RADII = [120, 190, 255, 310]  # outer edge of each ring, from the centre outwards
QUADRANT_ORDER = list(Quadrant.values)
RING_ORDER = list(Ring.values)
# Quadrant i spans these angles (degrees, counter-clockwise from the positive x axis;
# SVG's y axis points down, so we negate y).
QUADRANT_START = {0: 0, 1: 90, 2: 180, 3: 270}
BLIP_RADIUS = 11
ROW_FRACTIONS = {1: [0.55], 2: [0.38, 0.75], 3: [0.3, 0.58, 0.86]}


@dataclass
class Blip:
    number: int
    trend: object
    x: float
    y: float


@dataclass
class RingBand:
    label: str
    radius: int
    label_y: int


@dataclass
class QuadrantLabel:
    label: str
    x: float
    y: float
    anchor: str


def sort_key(trend) -> tuple:
    return (QUADRANT_ORDER.index(trend.quadrant), RING_ORDER.index(trend.ring), trend.title)


def layout(trends) -> dict:
    """Numbered blips (numbering = list order) and the static parts of the drawing."""
    ordered = sorted(trends, key=sort_key)
    groups: dict[tuple[str, str], list] = {}
    for trend in ordered:
        groups.setdefault((trend.quadrant, trend.ring), []).append(trend)
    blips = []
    for number, trend in enumerate(ordered, start=1):
        group = groups[(trend.quadrant, trend.ring)]
        index = group.index(trend)
        ring_index = RING_ORDER.index(trend.ring)
        inner = RING_RADII[ring_index - 1] if ring_index else 0
        outer = RING_RADII[ring_index]
        # Crowded cells get two or three radial rows, so numbered blips do not overlap.
        capacity = 2 if ring_index == 0 else 3
        rows = min(3, 1 + (len(group) - 1) // capacity)
        fraction = ROW_FRACTIONS[rows][index % rows]
        if ring_index == 0:  # the centre has little arc length: keep blips away from it
            fraction = 0.3 + 0.65 * fraction
        radius = inner + (outer - inner) * fraction
        start = QUADRANT_START[QUADRANT_ORDER.index(trend.quadrant)]
        margin = 12 if ring_index else 20
        span = 90 - 2 * margin
        angle = math.radians(start + margin + span * (index + 0.5) / len(group))
        blips.append(
            Blip(
                number=number,
                trend=trend,
                x=round(CENTER + radius * math.cos(angle), 1),
                y=round(CENTER - radius * math.sin(angle), 1),
            )
        )
    rings = [
        RingBand(label=Ring(value).label, radius=RING_RADII[i], label_y=CENTER - RING_RADII[i] + 16)
        for i, value in enumerate(RING_ORDER)
    ]
    quadrant_labels = [
        QuadrantLabel(Quadrant(QUADRANT_ORDER[0]).label, SIZE - 8, 20, "end"),
        QuadrantLabel(Quadrant(QUADRANT_ORDER[1]).label, 8, 20, "start"),
        QuadrantLabel(Quadrant(QUADRANT_ORDER[2]).label, 8, SIZE - 10, "start"),
        QuadrantLabel(Quadrant(QUADRANT_ORDER[3]).label, SIZE - 8, SIZE - 10, "end"),
    ]
    return {
        "size": SIZE,
        "center": CENTER,
        "blips": blips,
        "rings": list(reversed(rings)),  # draw the outer circle first
        "quadrant_labels": quadrant_labels,
        "axis_start": CENTER - RING_RADII[-1],
        "axis_end": CENTER + RING_RADII[-1],
    }
