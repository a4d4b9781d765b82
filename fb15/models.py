"""The cross-cutting core: users, the organisation (Dezernate and Fachbereiche), roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .querysets import RestrictedManager, RestrictedQuerySet, UnitScope


class Role(models.TextChoices):
    """The role groups, created by a data migration. Department rights are not roles."""

    STRATEGY_TEAM = "Strategieteam", _("Strategieteam (FB 15)")
    COUNCIL = "Rat", _("Ratsmitglied")
    STAFF = "Mitarbeitende", _("Mitarbeitende")


class DomainModel(models.Model):
    """Base of every domain model: restricted manager and edit timestamp.

    Each concrete model also declares `history = HistoricalRecords(...)` itself.

    `updated_at` doubles as the version for optimistic concurrency in edit forms.
    """

    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)
    objects = RestrictedManager()

    class Meta:
        abstract = True


class RestrictedUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Role = group membership; unit rights = guardian grants."""

    objects = RestrictedUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Division(DomainModel):
    """A Dezernat: the group of Fachbereiche under one member of the city's executive."""

    number = models.CharField(_("Nummer"), max_length=10, unique=True, help_text=_("z. B. „III“"))
    name = models.CharField(_("Bezeichnung"), max_length=200)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Dezernat")
        verbose_name_plural = _("Dezernate")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"Dezernat {self.number} – {self.name}"


class OrgUnitQuerySet(RestrictedQuerySet):
    def with_people(self) -> "OrgUnitQuerySet":
        return self.select_related("division", "lead").prefetch_related("deputies", "members")


class OrgUnit(DomainModel):
    """A Fachbereich. Its lead and deputies hold `manage_unit_work` on it (see permissions.py)."""

    code = models.CharField(
        _("Kürzel"),
        max_length=20,
        unique=True,
        help_text=_("z. B. „FB 32“"),
        error_messages={"unique": _("Es gibt bereits einen Fachbereich mit diesem Kürzel.")},
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    division = models.ForeignKey(
        Division,
        verbose_name=_("Dezernat"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("Leitung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_units",
    )
    deputies = models.ManyToManyField(
        User,
        verbose_name=_("Stellvertretung"),
        blank=True,
        related_name="deputy_units",
    )
    members = models.ManyToManyField(
        User,
        verbose_name=_("Mitarbeitende"),
        blank=True,
        related_name="member_units",
    )
    email = models.EmailField(_("Funktionspostfach"), blank=True)

    history = HistoricalRecords(m2m_fields=[deputies, members])
    objects = RestrictedManager.from_queryset(OrgUnitQuerySet)()
    # Leads may read their unit like everybody else, but only the strategy team edits it.
    unit_scope = UnitScope(path="", actions=frozenset())

    class Meta:
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")
        ordering = ["code"]
        permissions = [("manage_unit_work", _("Maßnahmen und Projekte des Fachbereichs pflegen"))]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("orgunit_detail", args=[self.pk])


class OrgUnitUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for grants on units (fast id subqueries)."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)


class OrgUnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)


class Notification(models.Model):
    """An email of any app in the outbox: written with the change that causes it, sent after.

    Apps queue mail only through `fb15.mail.queue_mail`. The unique key keeps reruns from
    creating a mail twice; `sent_at` is set only once the mail server accepted it. Unsent
    ones are retried with back-off by a periodic job (`fb15.send_pending_notifications`).
    """

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    recipients = models.TextField(_("Empfänger*innen"))
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Text"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Zustellversuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    last_error = models.TextField(_("letzter Fehler"), blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="fb15_notification_unsent",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipient_list(self) -> list[str]:
        return [line for line in self.recipients.splitlines() if line]
