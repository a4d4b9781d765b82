"""The cross-cutting core: users, the organisation (Dezernate and Fachbereiche), roles."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .querysets import RestrictedManager, RestrictedQuerySet, UnitScope

COMMENT_MAX_LENGTH = 5000


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

    def get_absolute_url(self) -> str:
        return f"{reverse('orgunit_list')}?division={self.pk}"


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


LOGO_MAX_BYTES = 512 * 1024
# What a raster logo file starts with, by extension.
RASTER_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff"}


def validate_logo(file) -> None:
    """A logo is a small PNG, JPEG or SVG file whose content matches its name."""
    if getattr(file, "_committed", False):
        return  # the stored logo was checked when it was uploaded
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in (*RASTER_SIGNATURES, "svg"):
        raise ValidationError(_("Das Logo muss eine PNG-, JPEG- oder SVG-Datei sein."))
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Das Logo ist zu groß (höchstens %(kb)s KB).") % {"kb": LOGO_MAX_BYTES // 1024}
        )
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if extension == "svg":
        matches = head.lstrip().startswith(b"<") and b"<svg" in head
    else:
        matches = head.startswith(RASTER_SIGNATURES[extension])
    if not matches:
        raise ValidationError(_("Der Inhalt der Datei passt nicht zur Dateiendung."))


DEFAULT_CITY_NAME = "Stadtverwaltung"


class LogoStorage(FileSystemStorage):
    """Files below MEDIA_ROOT whose URL is the logo view (MEDIA itself is not served)."""

    def url(self, name) -> str:
        return reverse("city_logo")


class CitySettings(DomainModel):
    """The city this instance serves: its name, the strategy office, logo and contact.

    One row (pk 1), read through `fb15.city.city_settings()`; shown in the page header and
    on the PDF reports.
    """

    city_name = models.CharField(_("Name der Stadt"), max_length=200, default=DEFAULT_CITY_NAME)
    office_name = models.CharField(
        _("Name des Fachbereichs"),
        max_length=200,
        default="FB 15 – Digitale Verwaltung und IT-Steuerung",
        help_text=_("Der Fachbereich, der die Digitale Strategie steuert."),
    )
    logo = models.FileField(
        _("Logo"),
        upload_to="city/",
        storage=LogoStorage(),
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG oder SVG, höchstens 512 KB."),
    )
    email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    address = models.CharField(
        _("Anschrift"), max_length=300, blank=True, help_text=_("z. B. „Markt 1, 52062 Aachen“")
    )
    oparl_system_url = models.URLField(
        _("Ratsinformationssystem (OParl-Adresse)"),
        blank=True,
        help_text=_(
            "Die Adresse des OParl-Systems (OParl 1.1) des Ratsinformationssystems, z. B. "
            "„https://ris.stadt.example/oparl/v1/system“. Damit lassen sich Fortschreibungen, "
            "Maßnahmen und Berichte mit Drucksachen verknüpfen."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Einstellungen der Stadt")
        verbose_name_plural = _("Einstellungen der Stadt")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="fb15_citysettings_single_row")
        ]

    def __str__(self) -> str:
        return self.city_name

    def get_absolute_url(self) -> str:
        return reverse("city_settings_edit")

    @property
    def logo_url(self) -> str:
        """Where pages load the logo from ('' without one); the version defeats old caches."""
        if not self.logo:
            return ""
        return f"{self.logo.url}?v={self.updated_at:%Y%m%d%H%M%S}"


def city_settings() -> CitySettings:
    """The city's settings row (created by migration 0006 and `setup_city`), or — on a
    database without it — unsaved defaults: reading the settings never writes."""
    return CitySettings.objects.filter(pk=1).first() or CitySettings(pk=1)


class CommentQuerySet(RestrictedQuerySet):
    """Comments follow their subject's rights (a measure, project or exemption).

    view: comments of subjects the user may read, through the subject model's own
    `restrict(user, "view")` (confidential measures included). change: the author's own
    comments, not deleted. delete: the author's own, or any for holders of
    `fb15.delete_comment` (the strategy team moderates). Writing one is decided on the
    subject: `fb15.comments.may_comment`.
    """

    def restrict(self, user, action: str = "view") -> "CommentQuerySet":
        from .comments import commentables

        if action not in ("view", "change", "delete"):
            raise ValueError(f"unknown action {action!r} for Comment")
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        readable = models.Q(pk__in=[])
        for entry in commentables():
            subjects = entry.model.objects.restrict(user, "view").values("pk")
            readable |= models.Q(
                content_type=ContentType.objects.get_for_model(entry.model),
                object_id__in=subjects,
            )
        rows = self.filter(readable)
        if action == "view":
            return rows
        rows = rows.filter(is_deleted=False)
        if action == "delete" and user.has_perm("fb15.delete_comment"):
            return rows
        return rows.filter(author=user)

    def for_subject(self, subject: models.Model) -> "CommentQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
        )

    def may_add(self, user) -> bool:
        return bool(user and user.is_authenticated and user.has_perm("fb15.add_comment"))


class Comment(DomainModel):
    """A remark on a measure, project or exemption; `@username` mentions a person.

    Deleting one keeps the row (is_deleted, text emptied): the thread stays readable and
    the history keeps what was written, by whom and when.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Art des Gegenstands"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("Gegenstand"))
    subject = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        User,
        verbose_name=_("verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
    )
    text = models.TextField(_("Kommentar"), max_length=COMMENT_MAX_LENGTH, blank=True)
    mentioned = models.ManyToManyField(
        User,
        verbose_name=_("erwähnte Personen"),
        blank=True,
        related_name="mentioned_in_comments",
    )
    created_at = models.DateTimeField(_("verfasst am"), default=timezone.now)
    edited_at = models.DateTimeField(_("bearbeitet am"), null=True, blank=True)
    is_deleted = models.BooleanField(_("gelöscht"), default=False)

    history = HistoricalRecords()
    objects = RestrictedManager.from_queryset(CommentQuerySet)()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="fb15_comment_subject"
            )
        ]

    def __str__(self) -> str:
        return _("Kommentar von %(author)s") % {"author": self.author or _("unbekannt")}

    def get_absolute_url(self) -> str:
        """The comment in its thread on the subject's page."""
        return f"{self.subject.get_absolute_url()}#kommentar-{self.pk}"


class Following(models.Model):
    """A person watches ("beobachtet") a measure, project or exemption and is mailed about
    new status updates and comments. A personal subscription, not domain data: no history.
    """

    user = models.ForeignKey(
        User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="followings"
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Art des Gegenstands"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("Gegenstand"))
    subject = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("seit"), default=timezone.now)

    class Meta:
        verbose_name = _("Beobachtung")
        verbose_name_plural = _("Beobachtungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="fb15_following_unique"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="fb15_following_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type_id}:{self.object_id}"


class CouncilPaper(models.Model):
    """A Drucksache of the council information system, mirrored over OParl (fb15/oparl.py).

    Not a domain object: fb15 never edits it, the beat job refreshes it (fb15/council.py).
    `details` keeps what the pages show (type, consultations with bodies, meetings and
    results); a failed refresh keeps the last known state and notes the error.
    """

    url = models.URLField(_("OParl-Adresse"), max_length=500, unique=True)
    reference = models.CharField(_("Aktenzeichen"), max_length=100, blank=True)
    name = models.CharField(_("Titel"), max_length=500, blank=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    paper_type = models.CharField(_("Art der Drucksache"), max_length=200, blank=True)
    web_url = models.URLField(_("Seite im Ratsinformationssystem"), max_length=500, blank=True)
    details = models.JSONField(_("Beratungsfolge"), default=dict, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField(_("zuletzt abgerufen"), null=True, blank=True)
    checked_at = models.DateTimeField(_("zuletzt geprüft"), null=True, blank=True)
    error = models.TextField(_("Fehler beim letzten Abruf"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("Drucksache")
        verbose_name_plural = _("Drucksachen")
        ordering = ["-date", "reference"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.reference, self.name) if part) or self.url

    @property
    def consultations(self) -> list[dict]:
        """The stored consultations, each with `meeting_day` (a date, for the pages)."""
        return [
            {**consultation, "meeting_day": _iso_day(consultation.get("meeting_start"))}
            for consultation in self.details.get("consultations", [])
        ]


def _iso_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class CouncilPaperLink(models.Model):
    """A revision, measure or report linked to a council paper (registry: fb15/council.py)."""

    paper = models.ForeignKey(
        CouncilPaper, verbose_name=_("Drucksache"), on_delete=models.PROTECT, related_name="links"
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Art des Gegenstands"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("Gegenstand"))
    subject = GenericForeignKey("content_type", "object_id")
    linked_by = models.ForeignKey(
        User,
        verbose_name=_("verknüpft von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("verknüpft am"), default=timezone.now)

    history = HistoricalRecords()
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("Verknüpfung mit einer Drucksache")
        verbose_name_plural = _("Verknüpfungen mit Drucksachen")
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "content_type", "object_id"], name="fb15_council_link_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="fb15_council_subject")]

    def __str__(self) -> str:
        return str(self.paper)


class TokenScope(models.TextChoices):
    READ = "read", _("nur lesen")
    WRITE = "write", _("lesen und schreiben")


class ApiTokenQuerySet(RestrictedQuerySet):
    """A token is its owner's alone: nobody else lists, sees or revokes it."""

    def restrict(self, user, action: str = "view") -> "ApiTokenQuerySet":
        if action not in ("view", "add", "change", "delete"):
            raise ValueError(f"unknown action {action!r} for ApiToken")
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(owner=user)

    def usable(self, now=None) -> "ApiTokenQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(DomainModel):
    """A personal access token for the JSON API (`Authorization: Bearer fb15_…`).

    The secret is shown once when the token is created; only its SHA-256 is stored (the
    secret is 256 random bits, so a fast hash is safe and a lookup is one index hit).
    A token acts as its owner, never with more rights; `scope` "read" allows reads only.
    """

    owner = models.ForeignKey(
        User, verbose_name=_("Inhaber*in"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("Bezeichnung"), max_length=100, help_text=_("Wofür? z. B. „Projekttool FB 32“")
    )
    scope = models.CharField(
        _("Berechtigung"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(_("Anfang des Tokens"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zugangstoken")
        verbose_name_plural = _("Zugangstokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self) -> str:
        return reverse("token_list")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE
