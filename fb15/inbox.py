"""'Ihre Aufgaben': what waits for the user, on top of the start page, from every app.

Apps register a provider in AppConfig.ready() (`register_tasks(provider)`, as home
sections are); it takes the request and returns the user's open `Task`s (an empty list
when there is nothing to do or it does not concern them). Each provider asks only for the
counts it shows, so the start page stays cheap at any size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

# Most urgent first: overdue, due soon, to do, for information only (nothing to do).
URGENCIES = ("danger", "warning", "todo", "info")


@dataclass(frozen=True)
class TaskAction:
    """A POST button next to a task (e.g. "Erinnerung senden")."""

    label: str
    url: str
    name: str = ""  # button name/value posted with the form
    value: str = ""


@dataclass(frozen=True)
class Task:
    label: str  # what is to be done, with its number: "3 Statusmeldungen zu prüfen"
    url: str  # where to do it
    count: int | None = None
    detail: str = ""  # a second line: the deadline, the oldest item …
    urgency: str = "todo"  # one of URGENCIES
    actions: tuple[TaskAction, ...] = ()
    position: int = 100

    def __post_init__(self):
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown urgency {self.urgency!r}")


TaskProvider = Callable[[HttpRequest], list[Task]]
_providers: list[TaskProvider] = []


def register_tasks(provider: TaskProvider) -> TaskProvider:
    """Add a task provider; registering the same callable twice has no effect."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tasks_for(request: HttpRequest) -> list[Task]:
    """The user's open tasks, most urgent first, then by the providers' positions."""
    tasks = [task for provider in _providers for task in provider(request)]
    return sorted(tasks, key=lambda task: (URGENCIES.index(task.urgency), task.position))
