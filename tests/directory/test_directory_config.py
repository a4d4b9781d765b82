"""The environment variables of directory login: parsed strictly, with defaults for AD."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from fb15.directory_config import (
    ROLE_NAMES,
    authentication_backends,
    ldap_settings,
    oidc_settings,
    parse_role_groups,
)
from fb15.models import Role


def test_role_names_are_the_roles():
    assert set(ROLE_NAMES) == set(Role.values)


def test_role_groups_split_at_semicolons_and_keep_dns_whole():
    mapping = parse_role_groups(
        "LDAP_ROLE_GROUPS",
        "Strategieteam=CN=FB15, OU=Gruppen,DC=stadt;Rat=cn=rat,dc=stadt;Rat=cn=ausschuss,dc=stadt;",
    )
    assert mapping == {
        "Strategieteam": {"cn=fb15,ou=gruppen,dc=stadt"},
        "Rat": {"cn=rat,dc=stadt", "cn=ausschuss,dc=stadt"},
    }


@pytest.mark.parametrize("value", ["Admin=cn=x", "Strategieteam", "Rat="])
def test_bad_role_groups_fail_at_start_up(value):
    with pytest.raises(ImproperlyConfigured, match="LDAP_ROLE_GROUPS"):
        parse_role_groups("LDAP_ROLE_GROUPS", value)


def test_nothing_is_configured_without_the_variables():
    assert ldap_settings({}) == {}
    assert oidc_settings({}) == {}


def test_ldap_defaults_suit_active_directory():
    result = ldap_settings(
        {"LDAP_SERVER_URI": "ldaps://dc.stadt.example", "LDAP_USER_SEARCH_BASE": "dc=stadt"}
    )
    assert result["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"
    assert result["AUTH_LDAP_ALWAYS_UPDATE_USER"] is True
    assert "AUTH_LDAP_GROUP_SEARCH" not in result


def test_ldap_needs_a_search_base_and_roles_need_a_group_base():
    with pytest.raises(ImproperlyConfigured, match="LDAP_USER_SEARCH_BASE"):
        ldap_settings({"LDAP_SERVER_URI": "ldap://x"})
    with pytest.raises(ImproperlyConfigured, match="LDAP_GROUP_SEARCH_BASE"):
        ldap_settings(
            {
                "LDAP_SERVER_URI": "ldap://x",
                "LDAP_USER_SEARCH_BASE": "dc=x",
                "LDAP_ROLE_GROUPS": "Rat=cn=rat",
            }
        )


def test_oidc_names_every_missing_variable():
    with pytest.raises(ImproperlyConfigured, match="OIDC_OP_TOKEN_ENDPOINT"):
        oidc_settings({"OIDC_RP_CLIENT_ID": "fb15", "OIDC_RP_CLIENT_SECRET": "s"})


def test_axes_stays_first_and_local_accounts_stay():
    backends = authentication_backends(ldap_enabled=True, oidc_enabled=True)
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert backends.index("fb15.directory_ldap.DirectoryLDAPBackend") == 1
    assert "django.contrib.auth.backends.ModelBackend" in backends
