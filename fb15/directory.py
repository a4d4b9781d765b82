"""Login through the city's directory: roles and unit from directory groups, the login and logout
pages, and OpenID Connect (Keycloak, Entra ID, ADFS). LDAP's backend is in directory_ldap.py,
as python-ldap is an optional, compiled dependency. Settings: fb15/directory_config.py.

The directory decides three things at every login: name and e-mail, the role (only the three
role groups of `Role`; other groups a user has stay untouched) and the unit the person works in
(`OrgUnit.members`, matched by unit code). Leads and deputies are still set in fb15 itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .directory_config import normalize_group
from .forms import LoginForm
from .models import OrgUnit, Role, User

logger = logging.getLogger(__name__)

DIRECTORY_UNREACHABLE = _(
    "Der Verzeichnisdienst ist nicht erreichbar. Bitte versuchen Sie es in einigen Minuten "
    "erneut oder wenden Sie sich an die IT-Abteilung."
)
SOURCE_REASON = "Verzeichnisdienst"


def adopt_imported_account(username: str, email: str) -> None:
    """At a person's first directory login, an account the spreadsheet import created for
    them (user name = e-mail, no password) becomes their directory account — instead of a
    second user beside the one that holds their unit and rights. Accounts with a password
    (local ones) are never taken over."""
    if not email or User.objects.filter(username__iexact=username).exists():
        return
    imported = User.objects.filter(username__iexact=email, email__iexact=email).first()
    if imported is not None and not imported.has_usable_password():
        imported.username = username
        imported._change_reason = SOURCE_REASON
        imported.save(update_fields=["username"])


@transaction.atomic
def apply_directory_profile(
    user: User,
    *,
    role_groups: Mapping[str, frozenset[str]],
    memberships: Iterable[str],
    unit_code: str | None,
) -> None:
    """Set the user's role groups and unit from what the directory says about them.

    `role_groups` maps role → normalised directory group names; when it is empty, roles are
    not managed by the directory. `unit_code` None means no unit attribute is configured; an
    empty or unknown code leaves the unit as it is (and is logged), so a typo in the
    directory does not take a person out of their unit.
    """
    if role_groups:
        held = {normalize_group(group) for group in memberships}
        wanted = {role for role, groups in role_groups.items() if groups & held}
        current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if wanted - current:
            user.groups.add(*Group.objects.filter(name__in=wanted - current))
        if current - wanted:
            user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    if unit_code is None:
        return
    code = " ".join(unit_code.split())
    unit = OrgUnit.objects.filter(code__iexact=code).first() if code else None
    if unit is None:
        logger.warning("Directory unit %r of user %s matches no unit code", code, user.username)
        return
    for other in OrgUnit.objects.filter(members=user).exclude(pk=unit.pk):
        other._change_reason = SOURCE_REASON
        other.members.remove(user)
    if not unit.members.filter(pk=user.pk).exists():
        unit._change_reason = SOURCE_REASON
        unit.members.add(user)


class DirectoryLoginForm(LoginForm):
    """The login form; says so when the directory could not be asked, instead of "wrong
    password" (the LDAP backend marks the request, see directory_ldap.py)."""

    def get_invalid_login_error(self):
        if getattr(self.request, "directory_unreachable", False):
            return ValidationError(DIRECTORY_UNREACHABLE, code="directory_unreachable")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    authentication_form = DirectoryLoginForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.OIDC_ENABLED}


def provider_logout_url(request) -> str:
    """Where to send the browser at logout (OIDC_OP_LOGOUT_URL_METHOD): the provider's
    end-session endpoint, which ends the session there too and sends the browser back to our
    login page. Without an id token or endpoint, our login page directly."""
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    id_token = request.session.get("oidc_id_token")
    endpoint = getattr(settings, "OIDC_OP_END_SESSION_ENDPOINT", "")
    if not (id_token and endpoint):
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": back,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout; a user who came through OpenID Connect is logged out at the provider
    as well, or the next click on "Mit dem Dienstkonto anmelden" would sign them in unasked."""

    def post(self, request, *args, **kwargs):
        provider_url = ""
        if settings.OIDC_ENABLED and request.session.get("oidc_id_token"):
            provider_url = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """Creates and updates users from the provider's claims: user name, name, e-mail, role
    (OIDC_ROLE_CLAIM) and unit (OIDC_UNIT_CLAIM)."""

    username_claim = "preferred_username"

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            logger.warning("OIDC id token from unexpected issuer %r", payload.get("iss"))
            raise PermissionDenied
        return payload

    def verify_claims(self, claims):
        return bool(claims.get(self.username_claim) or claims.get("email"))

    def get_username(self, claims):
        return str(claims.get(self.username_claim) or claims["email"]).lower()[:150]

    def filter_users_by_claims(self, claims):
        username = self.get_username(claims)
        adopt_imported_account(username, str(claims.get("email") or ""))
        return self.UserModel.objects.filter(username__iexact=username)

    def create_user(self, claims):
        user = self.UserModel(username=self.get_username(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if user.has_usable_password():
            # A local account (the administrator's) is never taken over by the provider.
            raise SuspiciousOperation(f"{user.username} is a local account")
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        user.email = str(claims.get("email", user.email))[:254]
        user._change_reason = SOURCE_REASON
        user.save()
        groups = claims.get(settings.OIDC_ROLE_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        unit_claim = settings.OIDC_UNIT_CLAIM
        apply_directory_profile(
            user,
            role_groups=settings.OIDC_ROLE_GROUPS,
            memberships=[str(group) for group in groups],
            unit_code=str(claims.get(unit_claim) or "") if unit_claim else None,
        )
        return user


def _require_oidc() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


def oidc_login(request):
    """Sends the browser to the provider's login page (404 when OIDC is not configured)."""
    _require_oidc()
    return OIDCAuthenticationRequestView.as_view()(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        messages.error(
            self.request,
            _(
                "Die Anmeldung mit dem Dienstkonto ist fehlgeschlagen. "
                "Bitte versuchen Sie es erneut."
            ),
        )
        return reverse("login")


def oidc_callback(request):
    """Where the provider sends the browser back with the authorisation code."""
    _require_oidc()
    return OIDCCallbackView.as_view()(request)
