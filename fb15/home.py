"""Sections other apps add to the start page, without fb15 importing them.

Dependencies point towards fb15, so an app registers a callable from its
`AppConfig.ready()`: `register_home_section(my_section)`. The callable takes the request
and returns a `HomeSection` (template + context) or None when it has nothing to show for
this user. The start page renders the sections in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass
class HomeSection:
    template: str
    title: str
    context: dict = field(default_factory=dict)


SectionProvider = Callable[[HttpRequest], "HomeSection | None"]
_providers: list[SectionProvider] = []


def register_home_section(provider: SectionProvider) -> SectionProvider:
    """Add a start-page section; registering the same callable twice has no effect."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def home_sections(request: HttpRequest) -> list[HomeSection]:
    sections = (provider(request) for provider in _providers)
    return [section for section in sections if section is not None]
