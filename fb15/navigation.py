"""Navigation entries of the base template, registered by the apps (as home sections are).

fb15 names only its own pages and the sections; each app adds its entries in its
AppConfig.ready():
`register_navigation(NavigationEntry(_("Label"), "<url name>", "<app>.view_<model>", 70,
section="standards"))`.
An entry is shown to users who may open it: `needs` is None (every logged-in user), a
permission name, or a test taking the user. `position` orders entries inside their section.

The top navigation shows sections (at most six): a section is shown when at least one of
its entries is; its link opens its first visible entry, and the section pages show the
visible entries as sub-navigation. An entry without a section is a top entry of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .permissions import units_managed_by

MAX_TOP_ENTRIES = 6


@dataclass(frozen=True)
class NavigationSection:
    key: str
    label: str
    position: int


@dataclass(frozen=True)
class NavigationEntry:
    label: str
    url_name: str
    needs: str | Callable[[object], bool] | None
    position: int
    section: str | None = None

    def is_shown_to(self, user) -> bool:
        return may_open(user, self.needs)


def may_open(user, needs: str | Callable[[object], bool] | None) -> bool:
    """Whether `user` meets `needs`: None (anybody), a permission name, or a test."""
    if callable(needs):
        return bool(needs(user))
    return not needs or user.has_perm(needs)


_sections: dict[str, NavigationSection] = {}
_entries: dict[str, NavigationEntry] = {}


def register_navigation_section(section: NavigationSection) -> NavigationSection:
    _sections[section.key] = section
    return section


def register_navigation(entry: NavigationEntry) -> NavigationEntry:
    """Add a menu entry; registering the same URL name again replaces it."""
    if entry.section is not None and entry.section not in _sections:
        raise ValueError(f"unknown navigation section {entry.section!r}")
    _entries[entry.url_name] = entry
    return entry


def navigation_entries() -> list[NavigationEntry]:
    return sorted(_entries.values(), key=lambda entry: entry.position)


def navigation_tree(user) -> list[tuple[NavigationSection, list[NavigationEntry]]]:
    """The sections the user sees, in order, each with its visible entries (never empty).

    An entry without a section stands for a section of its own (label and position its own).
    """
    groups: dict[str, tuple[NavigationSection, list[NavigationEntry]]] = {}
    for entry in navigation_entries():
        if not entry.is_shown_to(user):
            continue
        if entry.section is None:
            section = NavigationSection(f"entry:{entry.url_name}", entry.label, entry.position)
        else:
            section = _sections[entry.section]
        groups.setdefault(section.key, (section, []))[1].append(entry)
    return sorted(groups.values(), key=lambda group: group[0].position)


def manages_any_unit(user) -> bool:
    return units_managed_by(user).exists()


# The sections of the top navigation (the apps add their entries to them).
for _section in (
    NavigationSection("strategy", _("Strategie"), 30),
    NavigationSection("standards", _("Standards"), 40),
    NavigationSection("reporting", _("Lagebild & Berichte"), 50),
    NavigationSection("organisation", _("Organisation"), 60),
):
    register_navigation_section(_section)


# The core's own pages.
register_navigation(NavigationEntry(_("Start"), "home", None, 10))
register_navigation(
    NavigationEntry(_("Fachbereiche"), "orgunit_list", "fb15.view_orgunit", 10, "organisation")
)


def _may_use_trash(user) -> bool:
    from .trash import may_use_trash

    return may_use_trash(user)


register_navigation(NavigationEntry(_("Papierkorb"), "trash", _may_use_trash, 20, "organisation"))
register_navigation(
    NavigationEntry(
        _("Einstellungen der Stadt"),
        "city_settings_edit",
        "fb15.change_citysettings",
        30,
        "organisation",
    )
)
