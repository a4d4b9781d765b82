from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheet import: reading files, mapping columns, dry run, writing through the
    apps' services (design.md: nothing imports from `imports`)."""

    name = "imports"
    verbose_name = _("Import")
