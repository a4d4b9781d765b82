"""LDAP / Active Directory login (django-auth-ldap), on when LDAP_SERVER_URI is set.

django-auth-ldap creates the user at the first login and copies name and e-mail on every
login (AUTH_LDAP_ALWAYS_UPDATE_USER); this backend adds role and unit. An unreachable
directory is logged and the login refused by django-auth-ldap; the `ldap_error` receiver marks
the request so the login page can say so (fb15.directory.DirectoryLoginForm).
"""

from __future__ import annotations

import logging

import ldap
from django.conf import settings
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .directory import adopt_imported_account, apply_directory_profile

logger = logging.getLogger(__name__)

# Errors that mean "could not ask the directory", as opposed to "the directory said no".
UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)


def mark_unreachable(request) -> None:
    if request is not None:
        request.directory_unreachable = True


class DirectoryLDAPBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        mail = ldap_user.attrs.get(settings.AUTH_LDAP_USER_ATTR_MAP.get("email", "mail"), [])
        adopt_imported_account(username, mail[0] if mail else "")
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password():
            # A local account (the administrator's) is never taken over by a directory entry
            # of the same name; it logs in with its own password (ModelBackend).
            raise ldap_user.AuthenticationFailed(f"{username} is a local account")
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        attribute = settings.LDAP_UNIT_ATTRIBUTE
        try:
            group_dns = ldap_user.group_dns if settings.LDAP_ROLE_GROUPS else set()
        except ldap.LDAPError as exc:
            # The password was right but the groups cannot be read: no login with stale roles.
            logger.warning("LDAP group lookup for %s failed: %s", user.username, exc)
            if isinstance(exc, UNREACHABLE):
                mark_unreachable(ldap_user._request)
            return None
        unit_values = ldap_user.attrs.get(attribute, []) if attribute else []
        apply_directory_profile(
            user,
            role_groups=settings.LDAP_ROLE_GROUPS,
            memberships=group_dns,
            unit_code=(unit_values[0] if unit_values else "") if attribute else None,
        )
        return user


@receiver(ldap_error, sender=DirectoryLDAPBackend)
def note_unreachable_directory(sender, context, user, request, exception, **kwargs):
    """django-auth-ldap reports LDAP errors here (and has already logged them)."""
    if isinstance(exception, UNREACHABLE):
        mark_unreachable(request)
