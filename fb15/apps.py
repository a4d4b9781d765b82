from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _unit_restored(unit, actor):
    from .permissions import sync_unit_grants

    sync_unit_grants(unit)


def _register_sqlite_fold(sender, connection, **kwargs) -> None:
    """SQLite's LIKE folds only ASCII: give the search our folding for umlauts and ß."""
    if connection.vendor == "sqlite":
        from .search_folding import fold

        connection.connection.create_function("FB15_FOLD", 1, fold, deterministic=True)


def _sync_roles(sender, **kwargs):
    from .permissions import sync_role_permissions

    sync_role_permissions()


def _ensure_city_settings(sender, **kwargs):
    """The one settings row exists after every migrate (and every flush, as role groups)."""
    from .models import CitySettings

    CitySettings.objects.get_or_create(pk=1)


class Fb15Config(AppConfig):
    name = "fb15"
    verbose_name = _("Organisation")

    def ready(self):
        from .api import schema  # noqa: F401  (drf-spectacular's extensions register on import)
        from .home import FirstStep, register_first_step
        from .models import DEFAULT_CITY_NAME, CitySettings, Division, OrgUnit
        from .trash import register_trash_model

        register_first_step(
            FirstStep(
                _("Name, Logo und Kontakt der Stadt eintragen"),
                "city_settings_edit",
                10,
                lambda: CitySettings.objects.exclude(city_name=DEFAULT_CITY_NAME).exists(),
            )
        )
        register_first_step(
            FirstStep(
                _("Dezernate und Fachbereiche anlegen"), "orgunit_list", 20, OrgUnit.objects.exists
            )
        )

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="fb15.sync_roles")
        post_migrate.connect(
            _ensure_city_settings, sender=self, dispatch_uid="fb15.ensure_city_settings"
        )
        connection_created.connect(_register_sqlite_fold, dispatch_uid="fb15.sqlite_fold")
        register_trash_model(Division)
        # The lead's and deputies' rights on the unit were deleted with it.
        register_trash_model(OrgUnit, after_restore=_unit_restored)

        from .security import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="fb15.stamp_session")
