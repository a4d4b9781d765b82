"""The base every endpoint is built on: restricted querysets, filters, pagination, errors."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Codes of service ValidationErrors that mean "the data changed meanwhile or is locked",
# answered 409 Conflict instead of 400.
CONFLICT_CODES = {"stale", "period_locked"}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Der Datensatz wurde inzwischen geändert.")
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus the errors our services and the database raise: German JSON,
    never a 500 for bad input."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data, codes = exc.message_dict, set()
        else:
            data, codes = {"__all__": exc.messages}, {error.code for error in exc.error_list}
        general = data.pop("__all__", None)
        if general:
            data["detail"] = " ".join(general)
        return Response(data, status=409 if codes & CONFLICT_CODES else 400)
    if isinstance(exc, IntegrityError):
        # Two writes at once on the same row (e.g. the same day's value twice).
        exc = Conflict(_("Der Datensatz wurde gleichzeitig geändert. Bitte erneut senden."))
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("Der Inhalt der Anfrage ist kein gültiges JSON."))
    if isinstance(exc, DjangoPermissionDenied) and not str(exc):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        general = response.data.get("detail")
        if isinstance(general, list):
            # Errors about the whole request (NON_FIELD_ERRORS_KEY) read as one `detail` text.
            response.data["detail"] = " ".join(str(message) for message in general)
    return response


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know (or may not write), instead of ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [_("Unbekanntes oder nicht änderbares Feld.")] for name in unknown}
                )
        return super().to_internal_value(data)


def form_errors(form) -> exceptions.ValidationError:
    """A Django form's German errors as the API's 400 answer (`detail` for non-field ones)."""
    errors = {name: list(messages) for name, messages in form.errors.items()}
    general = errors.pop("__all__", None)
    if general:
        errors["detail"] = " ".join(general)
    return exceptions.ValidationError(errors)


class RestrictedViewSet(viewsets.GenericViewSet):
    """Every endpoint's objects come from `model.objects.restrict(user, "view")`: rows a user
    may not read answer 404; `require(action, obj)` answers 403 for an action not allowed."""

    model = None
    filter_form_class = None
    ordering_fields = ("pk",)

    def base_queryset(self):
        """Hook for select_related/prefetch; restriction is applied on top."""
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, "view")

    def require(self, action: str, obj) -> None:
        if not type(obj).objects.can(self.request.user, action, obj):
            raise exceptions.PermissionDenied(
                _("Sie dürfen „%(obj)s“ nicht ändern.") % {"obj": obj}
            )


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RestrictedViewSet):
    """List (filtered, ordered, cursor-paginated) and retrieve."""
