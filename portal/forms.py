from fb15.forms import DomainForm

from .models import PortalSettings


class PortalSettingsForm(DomainForm):
    class Meta:
        model = PortalSettings
        fields = ["is_enabled", "shows_staff_names", "contributor_id"]
