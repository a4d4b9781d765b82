"""OpenID Connect login in Chromium against a real OpenID provider process (oidc-provider on
node, tests/directory/oidc.py): the provider's login form, role and unit from claims, and a
logout that ends the session at the provider as well."""

import copy

import pytest
from playwright.sync_api import expect

from fb15.directory_config import authentication_backends, form_action_origins, oidc_settings
from fb15.models import Role, User
from tests.browser.conftest import assert_accessible
from tests.directory.oidc import NODE, NPM, OidcProvider
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    if NODE is None or NPM is None:
        pytest.skip("node and npm are needed to run the OpenID provider (oidc-provider)")
    provider = OidcProvider(
        redirect_uri=f"{live_server.url}/anmelden/dienstkonto/rueckkehr/",
        post_logout_redirect_uri=f"{live_server.url}/anmelden/",
    )
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_on(settings, oidc_provider):
    configured = oidc_settings(oidc_provider.env())
    for name, value in configured.items():
        setattr(settings, name, value)
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = authentication_backends(
        ldap_enabled=False, oidc_enabled=True
    )
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += form_action_origins(configured)
    settings.CONTENT_SECURITY_POLICY = policy
    return oidc_provider


def sign_in_at_provider(page, login: str) -> None:
    expect(page.locator("input[name=login]")).to_be_visible()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("beliebig")
    page.locator("button[type=submit]").click()


def test_service_account_login_sets_role_and_unit_and_logout_ends_the_provider_session(
    page, live_server, oidc_on
):
    unit = OrgUnitFactory(code="FB 15")
    page.goto(f"{live_server.url}/anmelden/")
    assert_accessible(page)

    page.get_by_role("link", name="Mit dem Dienstkonto anmelden").click()
    page.wait_for_url(f"{oidc_on.issuer}/**")
    sign_in_at_provider(page, "erika")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Angemeldet als")).to_contain_text("Erika Dienstkonto")
    assert_accessible(page)
    user = User.objects.get(username="erika.dienst")
    assert user.email == "erika.dienst@stadt.example"
    assert not user.has_usable_password()
    # "/fb15/strategie" → Strategieteam; "/kantine" is mapped to nothing.
    assert set(user.groups.values_list("name", flat=True)) == {Role.STRATEGY_TEAM}
    assert list(user.member_units.all()) == [unit]

    page.get_by_role("button", name="Abmelden").click()
    # The provider asks whether to end its session too; fb15 sent the id token as hint.
    page.wait_for_url(f"{oidc_on.issuer}/session/end**")
    page.locator("button[autofocus], button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/anmelden/")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/anmelden/?next=/")

    # Logged out at the provider as well: it asks for the login again instead of
    # sending the browser straight back signed in.
    page.get_by_role("link", name="Mit dem Dienstkonto anmelden").click()
    page.wait_for_url(f"{oidc_on.issuer}/**")
    expect(page.locator("input[name=login]")).to_be_visible()
