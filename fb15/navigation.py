"""Navigation entries of the base template, registered by the apps (as home sections are).

fb15 names only its own pages; each app adds its entries in its AppConfig.ready():
`register_navigation(NavigationEntry(_("Label"), "<url name>", "<app>.view_<model>", 70))`.
An entry is shown to users who may open it: `needs` is None (every logged-in user), a
permission name, or a test taking the user. `position` orders the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .permissions import units_managed_by


@dataclass(frozen=True)
class NavigationEntry:
    label: str
    url_name: str
    needs: str | Callable[[object], bool] | None
    position: int

    def is_shown_to(self, user) -> bool:
        if callable(self.needs):
            return bool(self.needs(user))
        return not self.needs or user.has_perm(self.needs)


_entries: dict[str, NavigationEntry] = {}


def register_navigation(entry: NavigationEntry) -> NavigationEntry:
    """Add a menu entry; registering the same URL name again replaces it."""
    _entries[entry.url_name] = entry
    return entry


def navigation_entries() -> list[NavigationEntry]:
    return sorted(_entries.values(), key=lambda entry: entry.position)


def manages_any_unit(user) -> bool:
    return units_managed_by(user).exists()


# The core's own pages.
register_navigation(NavigationEntry(_("Start"), "home", None, 10))
register_navigation(NavigationEntry(_("Fachbereiche"), "orgunit_list", "fb15.view_orgunit", 60))


def _may_use_trash(user) -> bool:
    from .trash import may_use_trash

    return may_use_trash(user)


register_navigation(NavigationEntry(_("Papierkorb"), "trash", _may_use_trash, 130))
