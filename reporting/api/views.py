"""Endpoints of the report archive: metadata and the PDF, with the rules of the pages
(drafts only for FB 15; the file verified against its SHA-256)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.decorators import action

from fb15.api.base import Conflict, ReadOnlyViewSet

from .. import services
from ..models import Report, ReportStatus
from ..views import ReportFilterForm
from . import serializers


class PdfRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReportViewSet(ReadOnlyViewSet):
    """Statusberichte: FB 15 sees every report, everybody else the released ones."""

    model = Report
    serializer_class = serializers.ReportSerializer
    filter_form_class = ReportFilterForm
    ordering_fields = ("created_at", "pk")
    ordering = ("-created_at",)

    def get_queryset(self):
        reports = Report.objects.visible_to(self.request.user)
        return reports.select_related("field_of_action", "unit")

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            409: OpenApiResponse(description="Datei fehlt oder Prüfsumme stimmt nicht"),
        }
    )
    @action(detail=True, url_path="pdf", renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        """The report's PDF, as the download on its page."""
        report = get_object_or_404(self.get_queryset(), pk=pk, status=ReportStatus.DONE)
        content = services.verify_file(report)
        if content is None:
            raise Conflict(
                _("Die Datei des Berichts fehlt oder stimmt nicht mit ihrer Prüfsumme überein.")
            )
        return HttpResponse(
            content,
            content_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition_header(True, report.download_name),
                "X-Content-SHA256": report.sha256,
            },
        )
