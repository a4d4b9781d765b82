"""LDAP login through the real login page against a real OpenLDAP server (tests/directory/
conftest.py): user created with name and e-mail, group → role, attribute → unit, sync on
every login, German messages for a wrong password and for a directory that is down."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from fb15.directory_config import authentication_backends, ldap_settings
from fb15.models import OrgUnit, Role, User
from tests.directory.conftest import USER_PASSWORD, openldap_env
from tests.directory.slapd import SUFFIX
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ldap_on(settings, slapd):
    """The settings an installation with the OpenLDAP variables of conftest.py gets."""
    for name, value in ldap_settings(openldap_env(slapd)).items():
        setattr(settings, name, value)
    settings.LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = authentication_backends(
        ldap_enabled=True, oidc_enabled=False
    )
    return slapd


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def test_first_login_creates_user_with_name_email_role_and_unit(client, ldap_on):
    unit = OrgUnitFactory(code="FB 15")
    response = log_in(client, "erika.muster", USER_PASSWORD)

    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert "Erika Muster" in response.content.decode()
    user = User.objects.get(username="erika.muster")
    assert (user.first_name, user.last_name) == ("Erika", "Muster")
    assert user.email == "erika.muster@stadt.example"
    assert not user.has_usable_password()
    # cn=fb15 → Strategieteam; cn=kantine is mapped to nothing.
    assert set(user.groups.values_list("name", flat=True)) == {Role.STRATEGY_TEAM}
    assert list(user.member_units.all()) == [unit]


def test_group_dn_matches_regardless_of_case_and_blanks_and_no_attribute_means_no_unit(
    client, ldap_on
):
    OrgUnitFactory(code="FB 15")
    response = log_in(client, "paul.rat", USER_PASSWORD)

    assert response.wsgi_request.user.is_authenticated
    user = User.objects.get(username="paul.rat")
    assert set(user.groups.values_list("name", flat=True)) == {Role.COUNCIL}
    assert not OrgUnit.objects.filter(members=user).exists()


def test_changes_in_the_directory_are_synced_on_the_next_login(client, ldap_on):
    fb15 = OrgUnitFactory(code="FB 15")
    fb32 = OrgUnitFactory(code="FB 32")
    log_in(client, "erika.muster", USER_PASSWORD)
    user = User.objects.get(username="erika.muster")
    # Given by hand in fb15: an unmapped group stays, a role the directory does not give goes.
    newsletter = Group.objects.create(name="Newsletter")
    user.groups.add(newsletter, Group.objects.get(name=Role.COUNCIL))
    client.post(reverse("logout"))

    dn = f"uid=erika.muster,ou=people,{SUFFIX}"
    ldap_on.modify(
        f"dn: {dn}\nchangetype: modify\nreplace: mail\nmail: e.muster@stadt.example\n-\n"
        "replace: departmentNumber\ndepartmentNumber: fb 32\n"
    )
    try:
        response = log_in(client, "erika.muster", USER_PASSWORD)
    finally:
        ldap_on.modify(
            f"dn: {dn}\nchangetype: modify\nreplace: mail\nmail: erika.muster@stadt.example\n-\n"
            "replace: departmentNumber\ndepartmentNumber: FB 15\n"
        )

    assert response.wsgi_request.user.is_authenticated
    user.refresh_from_db()
    assert user.email == "e.muster@stadt.example"
    assert set(user.groups.values_list("name", flat=True)) == {Role.STRATEGY_TEAM, "Newsletter"}
    assert list(user.member_units.all()) == [fb32]
    assert not fb15.members.filter(pk=user.pk).exists()
    assert User.objects.filter(username="erika.muster").count() == 1


def test_wrong_password_gets_the_usual_german_message(client, ldap_on):
    response = log_in(client, "erika.muster", "falsch")

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    page = response.content.decode()
    assert "Benutzername oder Passwort ist falsch" in page
    assert "Verzeichnisdienst" not in page
    assert not User.objects.filter(username="erika.muster").exists()


def test_directory_down_gets_a_german_message_and_local_accounts_still_work(client, ldap_on):
    UserFactory(username="admin-lokal")
    ldap_on.stop()
    try:
        response = log_in(client, "erika.muster", USER_PASSWORD)

        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
        page = response.content.decode()
        assert "Der Verzeichnisdienst ist nicht erreichbar" in page
        assert "Benutzername oder Passwort ist falsch" not in page

        response = log_in(client, "admin-lokal", PASSWORD)
        assert response.wsgi_request.user.username == "admin-lokal"
    finally:
        ldap_on.start()


def test_local_account_logs_in_while_the_directory_is_up(client, ldap_on):
    UserFactory(username="admin-lokal")
    response = log_in(client, "admin-lokal", PASSWORD)
    assert response.wsgi_request.user.username == "admin-lokal"


def test_a_local_account_of_the_same_name_is_not_taken_over_by_the_directory(client, ldap_on):
    local = UserFactory(username="erika.muster", first_name="Lokal", email="lokal@example.org")

    response = log_in(client, "erika.muster", USER_PASSWORD)
    assert not response.wsgi_request.user.is_authenticated
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()

    response = log_in(client, "erika.muster", PASSWORD)
    assert response.wsgi_request.user == local
    local.refresh_from_db()
    assert (local.first_name, local.email) == ("Lokal", "lokal@example.org")


def test_the_user_name_is_matched_regardless_of_case(client, ldap_on):
    log_in(client, "erika.muster", USER_PASSWORD)
    client.post(reverse("logout"))
    response = log_in(client, "Erika.Muster", USER_PASSWORD)

    assert response.wsgi_request.user.username == "erika.muster"
    assert User.objects.filter(username__iexact="erika.muster").count() == 1


def test_a_person_the_import_created_becomes_the_directory_account_at_first_login(client, ldap_on):
    imported = User.objects.create(
        username="erika.muster@stadt.example", email="erika.muster@stadt.example"
    )
    imported.set_unusable_password()
    imported.save()

    response = log_in(client, "erika.muster", USER_PASSWORD)

    assert response.wsgi_request.user.pk == imported.pk
    imported.refresh_from_db()
    assert imported.username == "erika.muster"
    assert User.objects.filter(email__iexact="erika.muster@stadt.example").count() == 1
