"""A city without demo data: after `migrate` and `setup_city` every page answers, and every
empty list or overview says what is missing and offers the next step."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from fb15.empty_state import EmptyAction, empty_state
from fb15.models import CitySettings, Role, User
from fb15.views.generic import ObjectListView
from reporting.models import Report, ReportStatus
from tests.factories import GoalFactory, MeasureFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = (200, 302, 403, 405)
# URL names without arguments that answer otherwise on an empty instance, and why.
SKIPPED = {
    "oidc_authentication_init": "404 while OpenID Connect is not configured",
    "oidc_authentication_callback": "404 while OpenID Connect is not configured",
    "city_logo": "404 until a logo is uploaded (test_city_settings.py)",
    "api-strategy": "404 for the council until a revision is published (tests/api)",
}
# Django's own admin site; the public portal, 404 until FB 15 switches it on (tests/portal)
SKIPPED_PREFIXES = ("admin/", "portal/")


def pages_without_arguments() -> list[tuple[str, str]]:
    """(name, URL) of every named URL pattern that needs no argument."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not pattern.pattern.regex.groups:
                yield pattern.name

    names = sorted({name for name in walk(get_resolver().url_patterns) if name})
    return [(name, reverse(name)) for name in names if name not in SKIPPED]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(monkeypatch):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", "Ein-langes-Passwort-2026")
    call_command(
        "setup_city", "--noinput", "--city=Stadt Musterhausen", "--admin-username=admin",
        stdout=io.StringIO(),
    )  # fmt: skip
    return User.objects.get(username="admin")


@pytest.fixture
def council_member():
    return UserFactory(username="rat", roles=[Role.COUNCIL])


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_page_without_arguments_answers_the_admin_and_a_council_member(admin, council_member):
    pages = pages_without_arguments()
    assert len(pages) > 30
    wrong = []
    for user in (admin, council_member):
        client = client_of(user)
        for name, url in pages:
            status = client.get(url).status_code
            if status not in ALLOWED:
                wrong.append(f"{name} ({url}) as {user.username}: {status}")
    assert not wrong, "\n".join(wrong)


def test_no_page_fails_on_a_database_with_only_its_migrations():
    # Before setup_city there is no strategy yet: its pages may answer 404, none 500.
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_of(superuser)
    failed = [name for name, url in pages_without_arguments() if client.get(url).status_code >= 500]
    assert not failed
    page = client.get(reverse("strategy_detail")).content.decode()
    assert "Noch keine Strategie erfasst." in page
    assert f'href="{reverse("strategy_edit")}"' in page


@pytest.mark.parametrize(
    ("url_name", "message", "action_url_names"),
    [
        ("strategy_detail", "Noch keine Strategie erfasst.", ["fieldofaction_add"]),
        ("measure_list", "Noch keine Maßnahmen.", ["measure_add"]),
        ("project_list", "Noch keine Projekte.", ["project_add"]),
        ("orgunit_list", "Noch keine Fachbereiche erfasst.", ["division_add", "orgunit_add"]),
        ("standard_list", "Noch keine Standards erfasst.", ["standard_add"]),
        ("compliance_matrix", "Noch keine verbindlichen Standards", ["standard_add"]),
        ("trend_radar", "Noch keine Trends bewertet.", ["trend_add"]),
        ("report_dashboard", "Noch keine Maßnahmen oder Projekte", ["measure_add"]),
        ("report_list", "Noch keine Statusberichte.", ["report_add", "reportschedule_add"]),
        ("revision_list", "noch keine Fortschreibung veröffentlicht", ["revision_publish"]),
    ],
)
def test_empty_pages_say_what_is_missing_and_link_the_next_step(
    admin, council_member, url_name, message, action_url_names
):
    page = client_of(admin).get(reverse(url_name)).content.decode()
    assert message in page
    for name in action_url_names:
        assert f'href="{reverse(name)}"' in page
    # A council member is not offered steps they may not take.
    council_page = client_of(council_member).get(reverse(url_name)).content.decode()
    for name in action_url_names:
        assert f'href="{reverse(name)}"' not in council_page


def test_start_page_shows_the_first_steps_to_the_admin_only(admin, council_member):
    page = client_of(admin).get(reverse("home")).content.decode()
    assert "Erste Schritte" in page
    for name in ("city_settings_edit", "orgunit_list", "strategy_detail", "measure_list"):
        assert f'href="{reverse(name)}"' in page
    # setup_city has named the city: that step is done, the others are open.
    assert page.count("kern-badge--success") == 1
    assert "Erste Schritte" not in client_of(council_member).get(reverse("home")).content.decode()


def test_first_steps_disappear_once_every_step_is_done(admin):
    unit = OrgUnitFactory(code="FB 15")
    MeasureFactory(goal=GoalFactory(), owner=unit)
    assert "Erste Schritte" in client_of(admin).get(reverse("home")).content.decode()
    Report.objects.create(
        period_label="2026-Q4",
        period_starts_on="2026-10-01",
        period_ends_on="2026-12-31",
        status=ReportStatus.FAILED,
        error="Test",
    )
    assert "Erste Schritte" not in client_of(admin).get(reverse("home")).content.decode()


def test_a_list_with_rows_that_the_filter_hides_shows_no_empty_state(admin):
    OrgUnitFactory(code="FB 15", name="Digitales")
    page = client_of(admin).get(reverse("orgunit_list") + "?q=nichtda").content.decode()
    assert "Noch keine Fachbereiche erfasst." not in page
    assert "Keine Fachbereiche gefunden." in page


def test_an_empty_state_step_with_an_unknown_url_name_fails_even_when_hidden(admin):
    hidden = EmptyAction("Aus Tabelle importieren", "no_such_page", needs=lambda user: False)
    with pytest.raises(NoReverseMatch):
        empty_state(admin, "Noch nichts.", [hidden])


def test_every_generic_lists_empty_steps_name_existing_pages():
    views = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            else:
                view = getattr(pattern.callback, "view_class", None)
                if view and issubclass(view, ObjectListView):
                    views.append(view)

    walk(get_resolver().url_patterns)
    declared = [action for view in views for action in view.empty_actions]
    assert len(declared) >= 8
    for action in declared:
        reverse(action.url_name)


def test_header_shows_the_configured_city_name_and_logo(admin, client):
    city = CitySettings.objects.get()
    city.logo.save("wappen.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    page = client_of(admin).get(reverse("home")).content.decode()
    assert '<span class="fb15-brand__code">Stadt Musterhausen</span>' in page
    assert "<title>Start – Stadt Musterhausen</title>" in page
    assert f'<img class="fb15-brand__logo" src="{city.logo_url}"' in page
    # The login page (no user yet) shows them too.
    login_page = client.get(reverse("login")).content.decode()
    assert "Stadt Musterhausen" in login_page and city.logo_url in login_page
