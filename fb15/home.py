"""Sections other apps add to the start page, without fb15 importing them.

Dependencies point towards fb15, so an app registers a callable from its
`AppConfig.ready()`: `register_home_section(my_section)`. The callable takes the request
and returns a `HomeSection` (template + context) or None when it has nothing to show for
this user. The start page renders the sections in registration order.

A new instance's start page also shows "Erste Schritte" (`register_first_step`), until
every registered step is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse


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


@dataclass(frozen=True)
class FirstStep:
    """A step of the start page's "Erste Schritte" box of a new instance.

    `is_done` is a test without arguments ("is there any unit?"); apps register their steps
    in AppConfig.ready() with `register_first_step`, ordered by `position`.
    """

    label: str
    url_name: str
    position: int
    is_done: Callable[[], bool]


_first_steps: dict[str, FirstStep] = {}


def register_first_step(step: FirstStep) -> FirstStep:
    """Add a step; registering the same URL name again replaces it."""
    _first_steps[step.url_name] = step
    return step


def first_steps(user) -> list[dict] | None:
    """The steps with their state for whoever sets the instance up (holders of
    `fb15.change_citysettings`), until every step is done; else None."""
    if not user.has_perm("fb15.change_citysettings"):
        return None
    steps = sorted(_first_steps.values(), key=lambda step: step.position)
    rows = [
        {"label": step.label, "url": reverse(step.url_name), "is_done": step.is_done()}
        for step in steps
    ]
    if all(row["is_done"] for row in rows):
        return None
    return rows
