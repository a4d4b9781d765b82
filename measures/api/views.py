"""Endpoints of measures and projects: read what the pages show, file what units report.

Writes go through the services and forms the pages use (same validation, history with the
acting user, period lock, concurrent-edit protection).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response

from fb15.api.base import Conflict, ReadOnlyViewSet, form_errors
from fb15.history import lock_if_current, save_with_history

from .. import services
from ..filters import (
    ChildFilterForm,
    IndicatorFilterForm,
    IndicatorValueFilterForm,
    MeasureFilterForm,
    ProjectFilterForm,
    StatusUpdateFilterForm,
)
from ..forms import IndicatorValueForm, MilestoneForm
from ..models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    StatusUpdate,
)
from . import serializers

REPORTED_ORDERING = ("code", "title", "progress", "updated_at")


class MeasureViewSet(ReadOnlyViewSet):
    """Maßnahmen: the list page's filters (`q`, `owner`, `status`, `traffic_light`, …)."""

    model = Measure
    serializer_class = serializers.MeasureSerializer
    filter_form_class = MeasureFilterForm
    ordering_fields = REPORTED_ORDERING
    ordering = ("code",)

    def base_queryset(self):
        return Measure.objects.select_related("owner", "responsible", "last_update_period")


class ProjectViewSet(ReadOnlyViewSet):
    """Projekte: the list page's filters."""

    model = Project
    serializer_class = serializers.ProjectSerializer
    filter_form_class = ProjectFilterForm
    ordering_fields = REPORTED_ORDERING
    ordering = ("code",)

    def base_queryset(self):
        readable = Measure.objects.restrict(self.request.user, "view").only("pk")
        return Project.objects.select_related(
            "owner", "lead", "last_update_period"
        ).prefetch_related(Prefetch("measures", readable))


class ReportingPeriodViewSet(ReadOnlyViewSet):
    """Berichtszeiträume: what status updates are filed for, and whether each is open."""

    model = ReportingPeriod
    serializer_class = serializers.ReportingPeriodSerializer
    ordering_fields = ("starts_on",)
    ordering = ("-starts_on",)


class StatusUpdateViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Statusmeldungen; POST files (or corrects) one for a measure or project."""

    model = StatusUpdate
    serializer_class = serializers.StatusUpdateSerializer
    filter_form_class = StatusUpdateFilterForm
    ordering_fields = ("reported_at", "updated_at", "pk")
    ordering = ("-reported_at",)

    def base_queryset(self):
        return StatusUpdate.objects.select_related("period", "author")

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.StatusUpdateFilingSerializer
        return serializers.StatusUpdateSerializer

    @extend_schema(
        request=serializers.StatusUpdateFilingSerializer,
        responses={
            201: serializers.StatusUpdateSerializer,
            200: serializers.StatusUpdateSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        filing = self.get_serializer(data=request.data)
        filing.is_valid(raise_exception=True)
        data = dict(filing.validated_data)
        model = Measure if "measure" in data else Project
        subject = get_object_or_404(
            model.objects.restrict(request.user, "view"), pk=data.pop(model._meta.model_name)
        )
        self.require("change", subject)
        period = self.period(data.pop("period", None))
        existed = subject.statusupdates.filter(period=period).exists()
        update = services.file_status_update(
            actor=request.user, subject=subject, period=period, **data
        )
        answer = serializers.StatusUpdateSerializer(update, context=self.get_serializer_context())
        return Response(
            answer.data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @staticmethod
    def period(period_id: int | None) -> ReportingPeriod:
        if period_id is None:
            period = ReportingPeriod.objects.current()
            if period is None:
                raise exceptions.ValidationError(
                    {"period": [_("Es gibt noch keinen Berichtszeitraum.")]}
                )
            return period
        period = ReportingPeriod.objects.filter(pk=period_id).first()
        if period is None:
            raise exceptions.ValidationError(
                {"period": [_("Diesen Berichtszeitraum gibt es nicht.")]}
            )
        return period


class MilestoneViewSet(mixins.UpdateModelMixin, ReadOnlyViewSet):
    """Meilensteine; PATCH sets the dates (fällig am, erreicht am)."""

    model = Milestone
    serializer_class = serializers.MilestoneSerializer
    filter_form_class = ChildFilterForm
    ordering_fields = ("due_on", "pk")
    ordering = ("due_on",)
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        request=serializers.MilestoneDatesSerializer, responses=serializers.MilestoneSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        self.require("change", milestone)
        dates = serializers.MilestoneDatesSerializer(data=request.data)
        dates.is_valid(raise_exception=True)
        data = dates.validated_data
        form = MilestoneForm(
            data={
                "title": milestone.title,
                "due_on": data.get("due_on", milestone.due_on),
                "reached_on": data.get("reached_on", milestone.reached_on),
            },
            instance=milestone,
            user=request.user,
        )
        if not form.is_valid():
            raise form_errors(form)
        with transaction.atomic():
            if "version" in data:
                _current, conflict = lock_if_current(milestone, data["version"], request.user)
                if conflict is not None:
                    raise Conflict(conflict.message)
            saved = save_with_history(form.save(commit=False), actor=request.user)
            self.require("change", saved)
        return Response(serializers.MilestoneSerializer(saved).data)


class IndicatorViewSet(ReadOnlyViewSet):
    """Kennzahlen of measures."""

    model = Indicator
    serializer_class = serializers.IndicatorSerializer
    filter_form_class = IndicatorFilterForm
    ordering_fields = ("name", "pk")
    ordering = ("pk",)


class IndicatorValueViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Messwerte; POST records one (one per indicator and day, not in the future)."""

    model = IndicatorValue
    serializer_class = serializers.IndicatorValueSerializer
    filter_form_class = IndicatorValueFilterForm
    ordering_fields = ("measured_on", "pk")
    ordering = ("measured_on",)

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.IndicatorValueFilingSerializer
        return serializers.IndicatorValueSerializer

    @extend_schema(
        request=serializers.IndicatorValueFilingSerializer,
        responses={201: serializers.IndicatorValueSerializer},
    )
    def create(self, request, *args, **kwargs):
        filing = self.get_serializer(data=request.data)
        filing.is_valid(raise_exception=True)
        data = filing.validated_data
        indicator = get_object_or_404(
            Indicator.objects.restrict(request.user, "view"), pk=data["indicator"]
        )
        self.require("change", indicator)
        form = IndicatorValueForm(
            data={"measured_on": data["measured_on"], "value": data["value"]},
            instance=IndicatorValue(indicator=indicator),
            user=request.user,
        )
        if not form.is_valid():
            raise form_errors(form)
        with transaction.atomic():
            saved = save_with_history(form.save(commit=False), actor=request.user)
            self.require("add", saved)
        answer = serializers.IndicatorValueSerializer(saved)
        return Response(answer.data, status=status.HTTP_201_CREATED)
