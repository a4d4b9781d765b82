from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _schedule_restored(schedule, actor):
    """Its beat entry was deleted with it: create a new one."""
    from .services import sync_schedule

    sync_schedule(schedule)


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Berichte")

    def ready(self):
        from fb15.home import FirstStep, register_first_step, register_home_section
        from fb15.inbox import register_tasks
        from fb15.trash import register_trash_model

        from .home import lagebild_section, report_tasks
        from .models import Report, ReportSchedule

        register_home_section(lagebild_section)
        register_tasks(report_tasks)
        register_first_step(
            FirstStep(_("Ersten Statusbericht erzeugen"), "report_add", 50, Report.objects.exists)
        )
        register_trash_model(ReportSchedule, after_restore=_schedule_restored)
        _register_role_permissions()
        _register_navigation()
        from fb15.council import register_council_linkable

        register_council_linkable(Report, "berichte")
        from . import warming

        warming.connect()


def _register_role_permissions():
    from fb15.models import Role
    from fb15.permissions import register_role_permissions

    all_actions = ("view", "add", "change", "delete")
    register_role_permissions(
        Role.STRATEGY_TEAM,
        {"reporting.report": all_actions, "reporting.reportschedule": all_actions},
    )
    for reader in (Role.COUNCIL, Role.STAFF):
        register_role_permissions(reader, {"reporting.report": ("view",)})


def _register_navigation():
    from fb15.navigation import NavigationEntry, register_navigation

    section = "reporting"
    for entry in (
        NavigationEntry(_("Lagebild"), "report_dashboard", "reporting.view_report", 10, section),
        NavigationEntry(_("Berichte"), "report_list", "reporting.view_report", 20, section),
        NavigationEntry(
            _("Berichtspläne"),
            "reportschedule_list",
            "reporting.view_reportschedule",
            30,
            section,
        ),
    ):
        register_navigation(entry)
