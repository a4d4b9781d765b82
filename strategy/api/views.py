"""Endpoints of the strategy: the tree now, as of a revision or a day; revisions, fields, goals.

The moment is chosen exactly as on the pages (`services.moment_as_of`): the council reads
adopted revisions only; draft readers may read the working state of any day.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from fb15.api.base import ReadOnlyViewSet, form_errors

from .. import services
from ..forms import AsOfForm
from ..models import FieldOfAction, Goal, Revision, may_read_draft
from ..tree import StrategyTree, build_tree
from . import serializers


@dataclass
class Snapshot:
    tree: StrategyTree
    is_draft: bool
    revision: Revision | None


class StrategyView(APIView):
    """Die Digitale Strategie als Baum: Handlungsfelder, Ziele, Maßnahmen mit Ampel-Roll-up."""

    @extend_schema(
        parameters=[
            OpenApiParameter("revision", OpenApiTypes.INT, description="Nummer der Fortschreibung"),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Stand zum Ende dieses Tages"),
        ],
        responses=serializers.StrategyTreeSerializer,
    )
    def get(self, request):
        user = request.user
        strategy = services.readable_strategy(user)
        if strategy is None:
            raise Http404
        revisions = list(Revision.objects.restrict(user, "view").filter(strategy=strategy))
        params = request.query_params
        if "revision" in params or "date" in params:
            form = AsOfForm(
                {"revision": params.get("revision", ""), "datum": params.get("date", "")},
                revisions=revisions,
            )
            if not form.is_valid():
                errors = form_errors(form).detail
                if "datum" in errors:
                    errors["date"] = errors.pop("datum")
                raise exceptions.ValidationError(errors)
            when, revision = services.moment_as_of(
                user,
                revisions,
                number=form.cleaned_data.get("revision"),
                day=form.cleaned_data.get("datum"),
            )
            if when is None:
                raise exceptions.NotFound(
                    _("Zu diesem Datum war noch keine Fortschreibung beschlossen.")
                )
            snapshot = Snapshot(build_tree(strategy, when, user=user), False, revision)
        elif may_read_draft(user):
            snapshot = Snapshot(build_tree(strategy, user=user), True, None)
        elif revisions:
            tree = services.revision_tree(revisions[0], user=user, live_items=True)
            snapshot = Snapshot(tree, False, revisions[0])
        else:
            raise exceptions.NotFound(_("Es ist noch keine Fortschreibung veröffentlicht."))
        if snapshot.tree.strategy is None:
            raise exceptions.NotFound(_("Zu diesem Zeitpunkt gab es die Strategie noch nicht."))
        return Response(serializers.StrategyTreeSerializer(snapshot).data)


class RevisionViewSet(ReadOnlyViewSet):
    """Fortschreibungen (published revisions)."""

    model = Revision
    serializer_class = serializers.RevisionSerializer
    ordering_fields = ("number",)
    ordering = ("-number",)


class PublishedViewSet(ReadOnlyViewSet):
    """Rows as the reader may read them: the draft, or as adopted in the latest revision."""

    lookup_field = "id"
    ordering_fields = ("id",)
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation reads no rows
            return self.model.objects.none()
        return self.model.objects.as_read_by(self.request.user)


class FieldOfActionViewSet(PublishedViewSet):
    """Handlungsfelder."""

    model = FieldOfAction
    serializer_class = serializers.FieldOfActionSerializer


class GoalViewSet(PublishedViewSet):
    """Ziele."""

    model = Goal
    serializer_class = serializers.GoalSerializer
