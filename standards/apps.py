from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _cells_for_new_unit(sender, instance, created, raw=False, **kwargs):
    """A new unit gets its "ungeprüft" cells for every standard in force."""
    if created and not raw:
        from .services import ensure_compliance_rows

        ensure_compliance_rows()


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Standards und Trends")

    def ready(self):
        from fb15.home import register_home_section
        from fb15.models import OrgUnit

        from .news import home_section

        register_home_section(home_section)
        post_save.connect(_cells_for_new_unit, sender=OrgUnit, dispatch_uid="standards.new_unit")
