from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """SQLite's LIKE folds only ASCII: give it our own folding for umlauts and ß."""
    if connection.vendor == "sqlite":
        from search.folding import fold

        connection.connection.create_function("FB15_FOLD", 1, fold, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Suche")

    def ready(self) -> None:
        connection_created.connect(register_sqlite_fold, dispatch_uid="fb15_search_sqlite_fold")
