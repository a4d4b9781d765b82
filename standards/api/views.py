"""Endpoints of standards, compliance, exemptions and trends (read only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fb15.api.base import ReadOnlyViewSet
from fb15.filters import FilterForm, with_all

from ..models import Compliance, ComplianceState, Exemption, Quadrant, Ring, Standard, Trend
from ..views import ExemptionFilterForm, StandardFilterForm
from . import serializers


class ComplianceFilterForm(FilterForm):
    unit = forms.IntegerField(label=_("Fachbereich (ID)"), min_value=1, required=False)
    standard = forms.IntegerField(label=_("Standard (ID)"), min_value=1, required=False)
    state = forms.ChoiceField(
        label=_("Stand"), choices=with_all(ComplianceState.choices), required=False
    )


class TrendFilterForm(FilterForm):
    quadrant = forms.ChoiceField(
        label=_("Quadrant"), choices=with_all(Quadrant.choices), required=False
    )
    ring = forms.ChoiceField(label=_("Ring"), choices=with_all(Ring.choices), required=False)

    search_fields = ("title", "description")


class StandardViewSet(ReadOnlyViewSet):
    """Standards of the catalogue: the list page's filters."""

    model = Standard
    serializer_class = serializers.StandardSerializer
    filter_form_class = StandardFilterForm
    ordering_fields = ("code", "title", "updated_at")
    ordering = ("code",)

    def base_queryset(self):
        return Standard.objects.select_related("responsible")


class ComplianceViewSet(ReadOnlyViewSet):
    """The compliance matrix as rows: one per unit and standard assessed."""

    model = Compliance
    serializer_class = serializers.ComplianceSerializer
    filter_form_class = ComplianceFilterForm
    ordering_fields = ("pk", "updated_at")
    ordering = ("pk",)

    def base_queryset(self):
        return Compliance.objects.select_related("unit", "standard")


class ExemptionViewSet(ReadOnlyViewSet):
    """Ausnahmen von Standards."""

    model = Exemption
    serializer_class = serializers.ExemptionSerializer
    filter_form_class = ExemptionFilterForm
    ordering_fields = ("ends_on", "pk")
    ordering = ("pk",)

    def base_queryset(self):
        return Exemption.objects.select_related("unit", "standard")


class TrendViewSet(ReadOnlyViewSet):
    """Trends of the technology radar."""

    model = Trend
    serializer_class = serializers.TrendSerializer
    filter_form_class = TrendFilterForm
    ordering_fields = ("title", "pk")
    ordering = ("title",)
