"""Apps register their own role grants and menu entries; fb15 names no other app."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from fb15.models import Role
from fb15.permissions import role_permissions

pytestmark = pytest.mark.django_db

CORE = Path(__file__).resolve().parents[2] / "fb15"


@pytest.mark.parametrize("module", ["permissions.py", "context_processors.py", "navigation.py"])
def test_core_registries_name_no_other_app(module):
    source = (CORE / module).read_text()
    assert not re.search(r"\b(measures|strategy|standards|reporting)\.", source), module


def test_every_app_contributes_its_role_grants():
    table = role_permissions()
    apps = {label.split(".")[0] for grants in table.values() for label in grants}
    assert apps == {
        *("fb15", "measures", "strategy", "standards", "reporting", "imports", "needs", "portal")
    }
    assert "decide" in table[Role.STRATEGY_TEAM]["standards.exemption"]
    assert "triage" in table[Role.STRATEGY_TEAM]["needs.need"]
    # Staff only open the list (their own unit's needs come from the unit, not a role).
    assert table[Role.STAFF]["needs.need"] == ("browse",)
    assert "needs.need" not in table[Role.COUNCIL]
    assert "view_draft" in table[Role.STAFF]["strategy.strategy"]
    assert "view_draft" not in table[Role.COUNCIL]["strategy.strategy"]


def test_role_groups_hold_the_registered_permissions():
    def codenames(role):
        group = Group.objects.get(name=role)
        return set(group.permissions.values_list("content_type__app_label", "codename"))

    assert ("standards", "decide_exemption") in codenames(Role.STRATEGY_TEAM)
    assert ("strategy", "view_draft_strategy") in codenames(Role.STAFF)
    assert ("strategy", "view_draft_strategy") not in codenames(Role.COUNCIL)
    assert ("measures", "view_measure") in codenames(Role.COUNCIL)
    assert ("measures", "change_measure") not in codenames(Role.STAFF)


def menu(client):
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    return re.findall(r"<a[^>]*>\s*(?:<[^>]+>\s*)*([^<]+?)\s*<", nav)


def test_menu_keeps_its_order_and_shows_only_what_the_user_may_open(personas, client_for):
    strategist = menu(client_for(personas["strategist"]))
    # Sections since issue 13; their entries: sub-navigation (tests/fb15/test_navigation.py).
    order = ["Start", "Strategie", "Standards", "Lagebild &amp; Berichte", "Organisation"]
    assert [label for label in strategist if label in order] == order
    lead = menu(client_for(personas["lead32"]))
    assert "Mein Fachbereich" in lead
    assert "Mein Fachbereich" not in menu(client_for(personas["council"]))


def test_standards_never_import_measures():
    """The one link between the two runs measures → standards (Measure.trends)."""
    standards = CORE.parent / "standards"
    for path in standards.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(from|import) measures\b", source, re.M), path
