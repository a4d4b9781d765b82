"""Endpoints of the core: the units (Fachbereiche)."""

from __future__ import annotations

from fb15.models import OrgUnit

from .base import ReadOnlyViewSet
from .serializers import OrgUnitSerializer


class OrgUnitViewSet(ReadOnlyViewSet):
    """Fachbereiche."""

    model = OrgUnit
    serializer_class = OrgUnitSerializer
    ordering_fields = ("code",)
    ordering = ("code",)

    def base_queryset(self):
        return OrgUnit.objects.select_related("division", "lead")
