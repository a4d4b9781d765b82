from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheet import: reading files, mapping columns, dry run, writing through the
    apps' services (design.md: nothing imports from `imports`)."""

    name = "imports"
    verbose_name = _("Import")

    def ready(self):
        from fb15.models import Role
        from fb15.navigation import NavigationEntry, register_navigation
        from fb15.permissions import register_role_permissions

        register_role_permissions(
            Role.STRATEGY_TEAM, {"imports.importrun": ("view", "add", "change")}
        )
        register_navigation(
            NavigationEntry(
                _("Import und Export"), "import_upload", "imports.add_importrun", 15, "organisation"
            )
        )
