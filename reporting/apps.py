from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Berichte")

    def ready(self):
        from fb15.home import register_home_section

        from .home import lagebild_section

        register_home_section(lagebild_section)
