"""What a list or overview shows while it has nothing to show: what is missing, what next.

A view declares a message and its next steps as `EmptyAction`s by URL name; each step is
offered to users who may take it (`needs` as in navigation entries: None for everybody, a
permission name, or a test taking the user — `may_add(Measure)` for the usual case).
Every URL name is reversed whether the step is shown or not, so a wrong name fails the
page (and the empty-instance tests) instead of silently hiding a button.

Generic lists declare `empty_message` and `empty_actions` (fb15/views/generic.py); other
pages put `empty_state(user, message, actions)` into their context. Both render
templates/inc/empty_state.html.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy

from .navigation import may_open


@dataclass(frozen=True)
class EmptyAction:
    label: str
    url_name: str
    needs: str | Callable[[object], bool] | None = None


@dataclass(frozen=True)
class EmptyState:
    message: str
    actions: list[dict]  # {"label": …, "url": …}, only those the user may take


def may_add(model) -> Callable[[object], bool]:
    """The test for an "add" step: whoever may add rows of `model` at all (the same
    `RestrictedQuerySet.may_add` the edit views ask)."""
    return lambda user: model.objects.may_add(user)


def empty_state(user, message: str, actions: Sequence[EmptyAction] = ()) -> EmptyState:
    resolved = [(action, reverse(action.url_name)) for action in actions]
    return EmptyState(
        message,
        [
            {"label": action.label, "url": url}
            for action, url in resolved
            if may_open(user, action.needs)
        ],
    )


# Every empty list of what a spreadsheet can bring (units, strategy, measures, projects,
# standards) offers the import too; by URL name and permission, so fb15 imports no app.
IMPORT_ACTION = EmptyAction(
    gettext_lazy("Aus Tabelle importieren"), "import_upload", "imports.add_importrun"
)
