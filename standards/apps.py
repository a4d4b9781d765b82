from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _cells_for_new_unit(sender, instance, created, raw=False, **kwargs):
    """A new unit gets its "ungeprüft" cells for every standard in force."""
    if created and not raw:
        from .services import ensure_compliance_rows

        ensure_compliance_rows()


def _standard_restored(standard, actor):
    """A standard in force gets its "ungeprüft" cells again (deleted with it as empty)."""
    if standard.is_in_force:
        from .services import ensure_compliance_rows

        ensure_compliance_rows([standard], actor=actor)


def _empty_cell():
    """A compliance cell nobody has filled in yet: created automatically, says nothing."""
    from django.db.models import Q

    from .models import ComplianceState

    return Q(
        state=ComplianceState.UNCHECKED,
        evidence="",
        deviation_reason="",
        checked_on__isnull=True,
        confirmed_at__isnull=True,
    )


def _exemption_title(exemption) -> str:
    return _("Ausnahme %(unit)s · %(standard)s") % {
        "unit": exemption.unit.code,
        "standard": exemption.standard.code,
    }


def _exemption_label(record) -> str:
    # str() of an exemption reads its unit and standard: name it without extra queries.
    return f"{record.justification[:80]} ({record.get_status_display()})"


MODELS = ("standard", "compliance", "exemption", "trend", "service")


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

    section = "standards"
    for entry in (
        NavigationEntry(_("Standards"), "standard_list", "standards.view_standard", 10, section),
        NavigationEntry(
            _("Einhaltung"), "compliance_matrix", "standards.view_compliance", 20, section
        ),
        NavigationEntry(_("Ausnahmen"), "exemption_list", "standards.view_exemption", 30, section),
        NavigationEntry(_("Technologieradar"), "trend_radar", "standards.view_trend", 40, section),
        # FB 15 keeps the catalogue; readers meet the services on the pages that name them.
        NavigationEntry(
            _("Verwaltungsleistungen"), "service_list", "standards.add_service", 50, section
        ),
    ):
        register_navigation(entry)


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Standards und Trends")

    def ready(self):
        from fb15.home import register_home_section
        from fb15.inbox import register_tasks
        from fb15.models import OrgUnit
        from fb15.trash import register_disposable_rows, register_trash_model

        from . import search  # noqa: F401  (registers what the header search finds)
        from .home import standards_tasks
        from .models import Compliance, Exemption, Standard, Trend
        from .news import home_section

        register_tasks(standards_tasks)
        register_home_section(home_section)
        _register_role_permissions()
        _register_navigation()
        from fb15.comments import register_commentable

        register_commentable(Exemption, "ausnahmen", label=_exemption_title)
        post_save.connect(_cells_for_new_unit, sender=OrgUnit, dispatch_uid="standards.new_unit")
        # Empty cells do not keep a standard or unit from being deleted and go with it; filled
        # cells and exemptions do (PROTECT). Compliance cells are therefore never listed in
        # the Papierkorb: a restored standard or unit gets its empty cells again.
        register_disposable_rows(Compliance, _empty_cell)
        register_trash_model(Standard, after_restore=_standard_restored)
        register_trash_model(Exemption, label=_exemption_label)
        register_trash_model(Trend)
