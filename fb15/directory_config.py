"""Settings for directory login, read from environment variables (see README, "Anmeldung über
Verzeichnisdienst"). Imported by fb15/settings.py, so nothing here may touch models.

`ldap_settings(env)` and `oidc_settings(env)` return the settings to add: empty when the
service is not configured, so local accounts alone work as before. Wrong values fail at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The names of fb15.models.Role (models cannot be imported while settings load; a test keeps
# both in step). Only these groups are managed by directory login, other groups stay as they are.
ROLE_NAMES = ("Strategieteam", "Rat", "Mitarbeitende")

LDAP_BACKEND = "fb15.directory_ldap.DirectoryLDAPBackend"
OIDC_BACKEND = "fb15.directory.DirectoryOIDCBackend"


def normalize_group(value: str) -> str:
    """Directory group names and DNs compare case-insensitively and without blanks around , =."""
    return re.sub(r"\s*([,=])\s*", r"\1", value.strip()).lower()


def parse_role_groups(name: str, value: str) -> dict[str, frozenset[str]]:
    """Parse "Strategieteam=<group>;Rat=<group>;…" into role → normalised group names.

    A role may appear several times (several directory groups give the same role). Group DNs
    contain commas and equals signs, so roles are separated by semicolons and split at the
    first "=" only.
    """
    mapping: dict[str, set[str]] = {}
    for item in value.split(";"):
        if not item.strip():
            continue
        role, sep, group = item.partition("=")
        role, group = role.strip(), group.strip()
        if not sep or not group:
            raise ImproperlyConfigured(f"{name}: expected ROLE=GROUP, got {item.strip()!r}")
        if role not in ROLE_NAMES:
            raise ImproperlyConfigured(
                f"{name}: unknown role {role!r}, expected one of {', '.join(ROLE_NAMES)}"
            )
        mapping.setdefault(role, set()).add(normalize_group(group))
    return {role: frozenset(groups) for role, groups in mapping.items()}


def _required(env: Mapping[str, str], names: list[str], service: str) -> None:
    missing = [name for name in names if not env.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(f"{service} needs {', '.join(missing)}")


def _int(env: Mapping[str, str], name: str, default: str) -> int:
    value = env.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


# LDAP_GROUP_TYPE → (django-auth-ldap group type class, default group search filter)
_GROUP_TYPES = {
    "activedirectory": ("NestedActiveDirectoryGroupType", "(objectClass=group)"),
    "groupofnames": ("GroupOfNamesType", "(objectClass=groupOfNames)"),
    "groupofuniquenames": ("GroupOfUniqueNamesType", "(objectClass=groupOfUniqueNames)"),
    "posixgroup": ("PosixGroupType", "(objectClass=posixGroup)"),
}


def ldap_settings(env: Mapping[str, str]) -> dict:
    """django-auth-ldap settings; empty unless LDAP_SERVER_URI is set.

    Defaults suit Active Directory (sAMAccountName, nested AD groups); OpenLDAP needs
    LDAP_USER_FILTER="(uid=%(user)s)" and LDAP_GROUP_TYPE=groupOfNames.
    """
    uri = env.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    try:
        import ldap
        from django_auth_ldap import config
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set, but django-auth-ldap is not installed "
            "(pip install 'fb15[ldap]', needs libldap2-dev and libsasl2-dev)"
        ) from None
    _required(env, ["LDAP_USER_SEARCH_BASE"], "LDAP login")
    role_groups = parse_role_groups("LDAP_ROLE_GROUPS", env.get("LDAP_ROLE_GROUPS", ""))
    group_base = env.get("LDAP_GROUP_SEARCH_BASE", "").strip()
    if role_groups and not group_base:
        raise ImproperlyConfigured("LDAP_ROLE_GROUPS needs LDAP_GROUP_SEARCH_BASE")
    group_type_name = env.get("LDAP_GROUP_TYPE", "activeDirectory").strip().lower()
    if group_type_name not in _GROUP_TYPES:
        raise ImproperlyConfigured(
            f"LDAP_GROUP_TYPE must be one of activeDirectory, groupOfNames, groupOfUniqueNames, "
            f"posixGroup, got {group_type_name!r}"
        )
    group_class, group_filter = _GROUP_TYPES[group_type_name]
    timeout = _int(env, "LDAP_TIMEOUT", "5")
    result = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.get("LDAP_START_TLS", "0").strip().lower()
        in ("1", "true", "yes", "on"),
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(
            env["LDAP_USER_SEARCH_BASE"].strip(),
            ldap.SCOPE_SUBTREE,
            env.get("LDAP_USER_FILTER", "").strip() or "(sAMAccountName=%(user)s)",
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": env.get("LDAP_ATTR_FIRST_NAME", "givenName"),
            "last_name": env.get("LDAP_ATTR_LAST_NAME", "sn"),
            "email": env.get("LDAP_ATTR_EMAIL", "mail"),
        },
        # Name and e-mail follow the directory on every login, not only on the first.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Active Directory answers with referrals the client cannot follow anonymously;
        # an unreachable server must fail within seconds, not hang the login page.
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        "LDAP_ROLE_GROUPS": role_groups,
        "LDAP_UNIT_ATTRIBUTE": env.get("LDAP_UNIT_ATTRIBUTE", "").strip(),
    }
    if group_base:
        result["AUTH_LDAP_GROUP_SEARCH"] = config.LDAPSearch(
            group_base,
            ldap.SCOPE_SUBTREE,
            env.get("LDAP_GROUP_FILTER", "").strip() or group_filter,
        )
        result["AUTH_LDAP_GROUP_TYPE"] = getattr(config, group_class)()
    return result


def oidc_settings(env: Mapping[str, str]) -> dict:
    """mozilla-django-oidc settings; empty unless OIDC_RP_CLIENT_ID is set."""
    client_id = env.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return {}
    _required(
        env,
        [
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        ],
        "OpenID Connect login",
    )
    return {
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env["OIDC_RP_CLIENT_SECRET"].strip(),
        "OIDC_OP_ISSUER": env["OIDC_OP_ISSUER"].strip(),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env["OIDC_OP_AUTHORIZATION_ENDPOINT"].strip(),
        "OIDC_OP_TOKEN_ENDPOINT": env["OIDC_OP_TOKEN_ENDPOINT"].strip(),
        "OIDC_OP_USER_ENDPOINT": env["OIDC_OP_USER_ENDPOINT"].strip(),
        "OIDC_OP_JWKS_ENDPOINT": env["OIDC_OP_JWKS_ENDPOINT"].strip(),
        # Without it, logout ends only our session; the provider would sign the user in again.
        "OIDC_OP_END_SESSION_ENDPOINT": env.get("OIDC_OP_END_SESSION_ENDPOINT", "").strip(),
        "OIDC_RP_SIGN_ALGO": env.get("OIDC_RP_SIGN_ALGO", "RS256").strip(),
        "OIDC_RP_SCOPES": env.get("OIDC_RP_SCOPES", "openid email profile").strip(),
        "OIDC_TIMEOUT": _int(env, "OIDC_TIMEOUT", "10"),
        "OIDC_ROLE_CLAIM": env.get("OIDC_ROLE_CLAIM", "groups").strip(),
        "OIDC_ROLE_GROUPS": parse_role_groups("OIDC_ROLE_GROUPS", env.get("OIDC_ROLE_GROUPS", "")),
        "OIDC_UNIT_CLAIM": env.get("OIDC_UNIT_CLAIM", "").strip(),
        # The id token is the id_token_hint of the provider's end-session request at logout.
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_OP_LOGOUT_URL_METHOD": "fb15.directory.provider_logout_url",
        "OIDC_USE_PKCE": True,
    }


def form_action_origins(oidc: Mapping[str, object]) -> list[str]:
    """Origins the logout form may end up at: logout posts to /abmelden/, which redirects to
    the provider's end-session endpoint, and browsers apply CSP form-action to redirects."""
    endpoint = str(oidc.get("OIDC_OP_END_SESSION_ENDPOINT", ""))
    if not endpoint:
        return []
    parts = urlsplit(endpoint)
    return [f"{parts.scheme}://{parts.netloc}"]


def authentication_backends(*, ldap_enabled: bool, oidc_enabled: bool) -> list[str]:
    """axes first (refuses locked-out names before any password check), then the directories,
    then local accounts (the administrator's) and guardian's object permissions."""
    return [
        "axes.backends.AxesStandaloneBackend",
        *([LDAP_BACKEND] if ldap_enabled else []),
        *([OIDC_BACKEND] if oidc_enabled else []),
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
