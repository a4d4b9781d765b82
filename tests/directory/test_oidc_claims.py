"""OpenID Connect without a browser: claims → user, role and unit, and where logout leads.
(The whole flow against a real provider is tests/browser/test_oidc_browser.py.)"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from fb15.directory import DirectoryOIDCBackend
from fb15.directory_config import oidc_settings
from fb15.models import Role, User
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://login.stadt.example/realms/stadt"
ENV = {
    "OIDC_RP_CLIENT_ID": "fb15",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "OIDC_OP_ISSUER": ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{ISSUER}/protocol/openid-connect/auth",
    "OIDC_OP_TOKEN_ENDPOINT": f"{ISSUER}/protocol/openid-connect/token",
    "OIDC_OP_USER_ENDPOINT": f"{ISSUER}/protocol/openid-connect/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{ISSUER}/protocol/openid-connect/certs",
    "OIDC_OP_END_SESSION_ENDPOINT": f"{ISSUER}/protocol/openid-connect/logout",
    "OIDC_ROLE_GROUPS": "Rat=/rat;Mitarbeitende=/verwaltung",
    "OIDC_UNIT_CLAIM": "department",
}
CLAIMS = {
    "sub": "0b1c",
    "preferred_username": "Max.Rat",
    "given_name": "Max",
    "family_name": "Rat",
    "email": "max.rat@stadt.example",
    "groups": "/rat",
    "department": "fb  32",
}


@pytest.fixture
def oidc_on(settings):
    for name, value in oidc_settings(ENV).items():
        setattr(settings, name, value)
    settings.OIDC_ENABLED = True


def test_claims_create_the_user_with_role_and_unit(oidc_on):
    unit = OrgUnitFactory(code="FB 32")
    user = DirectoryOIDCBackend().create_user(CLAIMS)

    user = User.objects.get(pk=user.pk)
    assert user.username == "max.rat"
    assert (user.get_full_name(), user.email) == ("Max Rat", "max.rat@stadt.example")
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {Role.COUNCIL}
    assert list(user.member_units.all()) == [unit]


def test_an_unknown_unit_keeps_the_unit_and_roles_follow_the_claims(oidc_on):
    unit = OrgUnitFactory(code="FB 32")
    backend = DirectoryOIDCBackend()
    user = backend.create_user(CLAIMS)
    user.groups.add(Group.objects.create(name="Redaktion"))

    [found] = backend.filter_users_by_claims(CLAIMS)
    backend.update_user(found, {**CLAIMS, "groups": ["/verwaltung"], "department": "FB 99"})

    assert set(user.groups.values_list("name", flat=True)) == {Role.STAFF, "Redaktion"}
    assert list(user.member_units.all()) == [unit]


def test_logout_after_oidc_login_ends_the_session_at_the_provider(client, oidc_on):
    client.force_login(UserFactory())
    session = client.session
    session["oidc_id_token"] = "eyJ.id.token"
    session.save()

    response = client.post(reverse("logout"))

    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ENV["OIDC_OP_END_SESSION_ENDPOINT"]
    query = parse_qs(target.query)
    assert query["id_token_hint"] == ["eyJ.id.token"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/anmelden/"]
    assert "_auth_user_id" not in client.session


def test_logout_of_a_local_account_stays_local(client, oidc_on):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_login_page_offers_the_service_account_only_when_configured(client, settings):
    settings.OIDC_ENABLED = False
    assert "Mit dem Dienstkonto anmelden" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404


def test_login_page_shows_the_service_account_button_when_configured(client, oidc_on):
    page = client.get(reverse("login") + "?next=/massnahmen/").content.decode()
    assert "Mit dem Dienstkonto anmelden" in page
    assert 'href="/anmelden/dienstkonto/?next=/massnahmen/"' in page


def test_a_local_account_of_the_same_name_is_not_taken_over_by_the_provider(oidc_on):
    UserFactory(username="max.rat", first_name="Lokal")
    backend = DirectoryOIDCBackend()
    [local] = backend.filter_users_by_claims(CLAIMS)

    with pytest.raises(SuspiciousOperation):
        backend.update_user(local, CLAIMS)
    local.refresh_from_db()
    assert local.first_name == "Lokal"


def test_a_person_the_import_created_is_found_by_e_mail_at_first_login(oidc_on):
    imported = User.objects.create(username="max.rat@stadt.example", email="max.rat@stadt.example")
    imported.set_unusable_password()
    imported.save()
    backend = DirectoryOIDCBackend()

    assert list(backend.filter_users_by_claims(CLAIMS)) == [imported]
    imported.refresh_from_db()
    assert imported.username == "max.rat"


def test_a_local_account_with_the_same_e_mail_is_not_adopted(oidc_on):
    UserFactory(username="max.rat@stadt.example", email="max.rat@stadt.example")

    assert list(DirectoryOIDCBackend().filter_users_by_claims(CLAIMS)) == []
