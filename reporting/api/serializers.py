"""What the API shows of status reports (metadata; the PDF is its own endpoint)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..models import Report


class ReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="__str__", read_only=True)
    scope = serializers.CharField(source="scope_label", read_only=True)
    is_released = serializers.BooleanField(read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id",
            "title",
            "scope_kind",
            "scope",
            "field_of_action",
            "unit",
            "period_label",
            "period_starts_on",
            "period_ends_on",
            "status",
            "is_released",
            "released_at",
            "data_as_of",
            "finished_at",
            "sha256",
            "size",
            "replaces",
            "correction_note",
            "pdf",
        )

    def get_pdf(self, report) -> str | None:
        """Where to download the PDF (a finished report only)."""
        if report.status != "done":
            return None
        url = reverse("api-report-pdf", args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
