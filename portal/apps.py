from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Public transparency pages and open data: read-only, anonymous, switched on by FB 15."""

    name = "portal"
    verbose_name = _("Öffentliches Portal")

    def ready(self):
        from fb15.models import Role
        from fb15.navigation import NavigationEntry, register_navigation
        from fb15.permissions import register_role_permissions

        register_role_permissions(Role.STRATEGY_TEAM, {"portal.portalsettings": ("view", "change")})
        register_navigation(
            NavigationEntry(
                _("Öffentliches Portal"),
                "portal_settings_edit",
                "portal.change_portalsettings",
                35,
                "organisation",
            )
        )
