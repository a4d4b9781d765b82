"""Boxes other apps add to an object's page, without the page's app importing them.

An app registers a provider for a model in its AppConfig.ready():
`register_object_panel("measures.measure", provider)`. The provider takes the request and
the object and returns a `Panel` (template + context) or None when it has nothing to show
for this user; the page renders them with `{% object_panels object %}` (fb15_panels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.http import HttpRequest


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


PanelProvider = Callable[[HttpRequest, models.Model], "Panel | None"]
_providers: dict[str, list[PanelProvider]] = {}


def register_object_panel(model_label: str, provider: PanelProvider) -> PanelProvider:
    """Add a box to the pages of `model_label` ("app.model"); the same provider twice has
    no effect."""
    providers = _providers.setdefault(model_label.lower(), [])
    if provider not in providers:
        providers.append(provider)
    return provider


def object_panels(request: HttpRequest, obj: models.Model) -> list[Panel]:
    providers = _providers.get(obj._meta.label_lower, [])
    panels = (provider(request, obj) for provider in providers)
    return [panel for panel in panels if panel is not None]
