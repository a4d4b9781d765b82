"""Who calls the API: a browser session (with CSRF) or a personal access token."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from fb15.models import ApiToken
from fb15.services import hash_token

# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer fb15_…`: the token's owner, with the token as `request.auth`.

    A wrong, revoked or expired token, or one of a deactivated account, answers 401 with a
    German `detail`; a request without the header falls through to the session.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ungültige Kopfzeile Authorization: erwartet „Bearer <Token>“.")
            )
        try:
            secret = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ungültiges Zugangstoken.")) from None
        token = ApiToken.objects.select_related("owner").filter(key_hash=hash_token(secret)).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ungültiges Zugangstoken."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("Dieses Zugangstoken wurde widerrufen."))
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("Dieses Zugangstoken ist abgelaufen."))
        if not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Das Konto dieses Zugangstokens ist gesperrt."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            # A plain UPDATE: using a token is no change of it (no history entry, no version).
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in browser (documentation page, htmx): writes need the CSRF token."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _(
                    "CSRF-Prüfung fehlgeschlagen: Schreibende Anfragen aus dem Browser brauchen "
                    "das CSRF-Token (Kopfzeile X-CSRFToken)."
                )
            ) from None


class TokenScopePermission(permissions.BasePermission):
    """A read-only token may only read; a session or a write token may also write."""

    message = _(
        "Dieses Zugangstoken darf nur lesen; zum Schreiben braucht es „lesen und schreiben“."
    )

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            return token.may_write
        return True


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (or per session user, or per address) and time, counted in the
    default cache: Redis in production, so all web processes count together."""

    scope = "api"

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
