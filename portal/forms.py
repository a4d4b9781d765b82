from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from fb15.forms import DomainForm

from .models import PortalSettings


class PortalSettingsForm(DomainForm):
    class Meta:
        model = PortalSettings
        fields = ["is_enabled", "shows_staff_names", "contributor_id"]
        field_classes = {"contributor_id": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributor_id"].error_messages["invalid"] = _(
            "Bitte geben Sie die Kennung als vollständige Adresse an (http://…)."
        )
