"""What the API shows of measures and projects, and what it accepts for their reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fb15.api.base import StrictSerializer

from ..models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    Status,
    StatusUpdate,
    TrafficLight,
)

REPORTED_FIELDS = (
    "status",
    "traffic_light",
    "progress",
    "planned_start",
    "planned_end",
    "actual_end",
    "budget_planned",
    "budget_spent",
    "is_confidential",
    "last_update_period",
    "updated_at",
    "url",
)


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The object's HTML page, absolute. The URL is reversed once per list, not per row."""

    MARKER = 987654321

    def __init__(self, url_name: str, **kwargs):
        super().__init__(source="pk", read_only=True, **kwargs)
        self.url_name = url_name
        self.pattern = None

    def to_representation(self, pk) -> str:
        if self.pattern is None:
            url = reverse(self.url_name, args=[self.MARKER])
            request = self.context.get("request")
            url = request.build_absolute_uri(url) if request else url
            self.pattern = url.replace(str(self.MARKER), "{}")
        return self.pattern.format(pk)


class MeasureSerializer(serializers.ModelSerializer):
    owner_code = serializers.CharField(source="owner.code", read_only=True)
    responsible = serializers.StringRelatedField()
    last_update_period = serializers.SlugRelatedField(slug_field="label", read_only=True)
    url = PageUrlField("measure_detail")

    class Meta:
        model = Measure
        fields = (
            "id",
            "code",
            "title",
            "description",
            "goal",
            "owner",
            "owner_code",
            "responsible",
            "priority",
            "funding_source",
            *REPORTED_FIELDS,
        )


class ProjectSerializer(serializers.ModelSerializer):
    owner_code = serializers.CharField(source="owner.code", read_only=True)
    lead = serializers.StringRelatedField()
    last_update_period = serializers.SlugRelatedField(slug_field="label", read_only=True)
    # Only the measures the reader may read (prefetched through restrict() by the view).
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = PageUrlField("project_detail")

    class Meta:
        model = Project
        fields = (
            "id",
            "code",
            "title",
            "description",
            "measures",
            "owner",
            "owner_code",
            "lead",
            "phase",
            *REPORTED_FIELDS,
        )


class ReportingPeriodSerializer(serializers.ModelSerializer):
    closes_on = serializers.DateField(read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = ReportingPeriod
        fields = (
            "id",
            "label",
            "starts_on",
            "ends_on",
            "reporting_date",
            "closes_on",
            "locked_at",
            "is_open",
        )

    def get_is_open(self, period) -> bool:
        return period.is_open()


class StatusUpdateSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(source="period.label", read_only=True)
    author = serializers.StringRelatedField()

    class Meta:
        model = StatusUpdate
        fields = (
            "id",
            "measure",
            "project",
            "period",
            "period_label",
            "traffic_light",
            "progress",
            "status",
            "summary",
            "risks",
            "next_steps",
            "budget_spent",
            "progress_drop_reason",
            "needs_decision",
            "decision_note",
            "review_state",
            "review_question",
            "review_answer",
            "author",
            "reported_at",
            "updated_at",
        )


class StatusUpdateFilingSerializer(StrictSerializer):
    """A status update as the unit's own tool files it (the form's fields, by name).

    Exactly one of `measure` and `project`; `period` defaults to the current reporting
    period. With `seen_at` (when the tool last read the updates), an update someone else
    filed since is not overwritten (409). Filing again for the same period corrects it.
    """

    measure = serializers.IntegerField(required=False, min_value=1)
    project = serializers.IntegerField(required=False, min_value=1)
    period = serializers.IntegerField(required=False, min_value=1)
    traffic_light = serializers.ChoiceField(choices=TrafficLight.choices)
    progress = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    summary = serializers.CharField(allow_blank=True, trim_whitespace=False)
    risks = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    budget_spent = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    progress_drop_reason = serializers.CharField(required=False, allow_blank=True, default="")
    needs_decision = serializers.BooleanField(required=False, default=False)
    decision_note = serializers.CharField(required=False, allow_blank=True, default="")
    review_answer = serializers.CharField(required=False, allow_blank=True, default="")
    seen_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, data):
        if ("measure" in data) == ("project" in data):
            raise serializers.ValidationError(
                _("Bitte genau eines angeben: „measure“ oder „project“.")
            )
        return data


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ("id", "measure", "project", "title", "due_on", "reached_on", "updated_at")


class MilestoneDatesSerializer(StrictSerializer):
    """The dates of a milestone; `version` is its `updated_at` as last read (optional):
    if someone saved it since, nothing is written and the answer is 409."""

    due_on = serializers.DateField(required=False)
    reached_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.DateTimeField(required=False)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ("id", "measure", "name", "unit", "baseline", "target_value", "target_date")


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ("id", "indicator", "measured_on", "value", "updated_at")


class IndicatorValueFilingSerializer(StrictSerializer):
    indicator = serializers.IntegerField(min_value=1)
    measured_on = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
