"""What the API shows of standards, compliance, exemptions and the technology radar."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Compliance, Exemption, Standard, Trend


class StandardSerializer(serializers.ModelSerializer):
    responsible = serializers.StringRelatedField()

    class Meta:
        model = Standard
        fields = (
            "id",
            "code",
            "title",
            "obligation",
            "category",
            "description",
            "status",
            "version_label",
            "valid_from",
            "valid_until",
            "next_review",
            "responsible",
            "references",
            "superseded_by",
            "updated_at",
        )


class ComplianceSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    standard_code = serializers.CharField(source="standard.code", read_only=True)

    class Meta:
        model = Compliance
        fields = (
            "id",
            "unit",
            "unit_code",
            "standard",
            "standard_code",
            "state",
            "evidence",
            "checked_on",
            "deviation_reason",
            "confirmed_at",
            "updated_at",
        )


class ExemptionSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    standard_code = serializers.CharField(source="standard.code", read_only=True)

    class Meta:
        model = Exemption
        fields = (
            "id",
            "unit",
            "unit_code",
            "standard",
            "standard_code",
            "justification",
            "ends_on",
            "status",
            "decided_at",
            "decision_reason",
            "updated_at",
        )


class TrendSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trend
        fields = ("id", "title", "quadrant", "ring", "description", "rationale", "updated_at")
