"""`portal_is_enabled` for the app's footer: a link to the public portal while it is on."""

from django.utils.functional import SimpleLazyObject

from .models import portal_is_enabled


def portal(request):
    return {"portal_is_enabled": SimpleLazyObject(portal_is_enabled)}
