"""Writes of the core that touch several objects; views, commands and tests call these."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import save_with_history
from .models import ApiToken, CitySettings, OrgUnit, Role, User, validate_logo
from .permissions import sync_unit_grants


@transaction.atomic
def save_org_unit(unit: OrgUnit, *, actor, reason: str = "", m2m: dict | None = None) -> OrgUnit:
    """Save a unit (members in `m2m`) and keep its lead/deputy grants in step."""
    save_with_history(unit, actor=actor, reason=reason, m2m=m2m)
    sync_unit_grants(unit)
    return unit


# What other apps need in a new instance (the strategy app: its Strategy row). Each app
# registers a step in its AppConfig.ready(); `set_up_city` calls them as
# step(settings=<CitySettings>, actor=<the admin>), after the settings and the admin are saved.
SETUP_REASON = "manage.py setup_city"
SetupStep = Callable[..., None]
_setup_steps: list[SetupStep] = []


def register_setup_step(step: SetupStep) -> SetupStep:
    """Add a step of `set_up_city`; registering the same callable twice has no effect."""
    if step not in _setup_steps:
        _setup_steps.append(step)
    return step


@transaction.atomic
def set_up_city(
    *,
    city_name: str,
    office_name: str,
    email: str = "",
    logo_path: Path | None = None,
    admin_username: str,
    admin_email: str = "",
    admin_password: str | None = None,
) -> tuple[User, bool]:
    """Make an instance the city's own: settings, the first admin, the apps' setup steps.

    The admin is a superuser in the role group Strategieteam (so mails to the strategy office
    reach them). Running it again updates everything; an existing admin keeps their password
    unless `admin_password` is given. Invalid values raise ValidationError (German messages)
    and write nothing. Returns the admin and whether the account was created.
    """
    settings = CitySettings.objects.get_or_create(pk=1)[0]
    settings.city_name, settings.office_name, settings.email = city_name, office_name, email
    settings.full_clean(exclude=["logo"])
    admin = User.objects.filter(username=admin_username).first()
    created = admin is None
    if created:
        if admin_password is None:
            raise ValidationError(_("Für ein neues Administrationskonto ist ein Passwort nötig."))
        admin = User(username=admin_username)
    admin.email = admin_email
    admin.is_superuser = admin.is_staff = admin.is_active = True
    admin.full_clean(exclude=["password"])
    if admin_password is not None:
        validate_password(admin_password, admin)
        admin.set_password(admin_password)
    # Everything is checked: write.
    save_with_history(admin, actor=None, reason=SETUP_REASON)
    admin.groups.add(Group.objects.get(name=Role.STRATEGY_TEAM))
    if logo_path is not None:
        with logo_path.open("rb") as handle:
            logo = File(handle, name=logo_path.name)
            validate_logo(logo)
            if settings.logo:
                settings.logo.delete(save=False)
            settings.logo.save(logo_path.name, logo, save=False)
    save_with_history(settings, actor=admin, reason=SETUP_REASON)
    for step in _setup_steps:
        step(settings=settings, actor=admin)
    return admin, created


# --- Personal access tokens for the JSON API ------------------------------------------------

TOKEN_PREFIX = "fb15_"
TOKEN_MAX_DAYS = 365


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(
    *, actor: User, name: str, scope: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """A new token of `actor`, valid through `expires_on` (end of that day); returns the
    token and its secret, which is shown once and never stored."""
    today = timezone.localdate()
    if expires_on < today:
        raise ValidationError(
            {"expires_on": _("Das Ablaufdatum darf nicht in der Vergangenheit liegen.")}
        )
    if expires_on > today + datetime.timedelta(days=TOKEN_MAX_DAYS):
        raise ValidationError(
            {"expires_on": _("Ein Token gilt höchstens %(days)s Tage.") % {"days": TOKEN_MAX_DAYS}}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    end_of_day = datetime.datetime.combine(expires_on, datetime.time.max)
    token = ApiToken(
        owner=actor,
        name=name.strip(),
        scope=scope,
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        key_hash=hash_token(secret),
        expires_at=timezone.make_aware(end_of_day),
    )
    token.full_clean()
    save_with_history(token, actor=actor, reason=_("Zugangstoken angelegt"))
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of `actor`'s own tokens (PermissionDenied-free: others' are not found)."""
    token = ApiToken.objects.restrict(actor, "change").select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_with_history(token, actor=actor, reason=_("Zugangstoken widerrufen"))
    return token
