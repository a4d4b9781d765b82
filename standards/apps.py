from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _cells_for_new_unit(sender, instance, created, raw=False, **kwargs):
    """A new unit gets its "ungeprüft" cells for every standard in force."""
    if created and not raw:
        from .services import ensure_compliance_rows

        ensure_compliance_rows()


MODELS = ("standard", "compliance", "exemption", "trend")


def _register_role_permissions():
    from fb15.models import Role
    from fb15.permissions import register_role_permissions

    all_actions = ("view", "add", "change", "delete")
    grants = {f"standards.{name}": all_actions for name in MODELS}
    # Deciding exemptions is `decide_exemption`, the strategy team's alone.
    grants["standards.exemption"] = (*all_actions, "decide")
    register_role_permissions(Role.STRATEGY_TEAM, grants)
    for reader in (Role.COUNCIL, Role.STAFF):
        register_role_permissions(reader, {f"standards.{name}": ("view",) for name in MODELS})


def _register_navigation():
    from fb15.navigation import NavigationEntry, register_navigation

    for entry in (
        NavigationEntry(_("Standards"), "standard_list", "standards.view_standard", 70),
        NavigationEntry(_("Einhaltung"), "compliance_matrix", "standards.view_compliance", 80),
        NavigationEntry(_("Ausnahmen"), "exemption_list", "standards.view_exemption", 90),
        NavigationEntry(_("Technologieradar"), "trend_radar", "standards.view_trend", 100),
    ):
        register_navigation(entry)


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Standards und Trends")

    def ready(self):
        from fb15.home import register_home_section
        from fb15.models import OrgUnit

        from .news import home_section

        register_home_section(home_section)
        _register_role_permissions()
        _register_navigation()
        post_save.connect(_cells_for_new_unit, sender=OrgUnit, dispatch_uid="standards.new_unit")
