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
        from fb15.home import register_home_section
        from fb15.trash import register_trash_model

        from .home import lagebild_section
        from .models import ReportSchedule

        register_home_section(lagebild_section)
        register_trash_model(ReportSchedule, after_restore=_schedule_restored)
