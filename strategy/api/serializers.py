"""What the API shows of the strategy: its tree at a moment, revisions, fields and goals.

Fields of action and goals may be live rows (draft readers) or historical rows as adopted
in the latest revision (everybody else): plain serializers read both alike.
"""

from __future__ import annotations

from rest_framework import serializers

from ..models import Revision


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = (
            "id",
            "number",
            "title",
            "decided_on",
            "decision_reference",
            "summary",
            "published_at",
        )


class FieldOfActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    field_of_action = serializers.IntegerField(source="field_of_action_id")
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    target_year = serializers.IntegerField(allow_null=True)


class RollupSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average_progress = serializers.IntegerField(allow_null=True)
    traffic_lights = serializers.SerializerMethodField()

    def get_traffic_lights(self, rollup) -> dict[str, int]:
        return {share.value or "none": share.count for share in rollup.shares}


class GoalItemSerializer(serializers.Serializer):
    """A row below a goal (a measure), as of the tree's moment."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    traffic_light = serializers.CharField()
    progress = serializers.IntegerField()


class GoalNodeSerializer(serializers.Serializer):
    number = serializers.CharField()
    goal = GoalSerializer()
    rollup = RollupSerializer(allow_null=True)
    items = serializers.DictField(child=GoalItemSerializer(many=True))


class FieldNodeSerializer(serializers.Serializer):
    number = serializers.CharField()
    field = FieldOfActionSerializer()
    rollup = RollupSerializer(allow_null=True)
    goals = GoalNodeSerializer(many=True)


class StrategyTreeSerializer(serializers.Serializer):
    """The strategy at one moment: `is_draft` for today's working state, else as adopted in
    `revision` (or as it stood at the end of `date`, for draft readers)."""

    title = serializers.CharField(source="tree.strategy.title")
    vision = serializers.CharField(source="tree.strategy.vision")
    as_of = serializers.DateTimeField(source="tree.when", allow_null=True)
    is_draft = serializers.BooleanField()
    revision = RevisionSerializer(allow_null=True)
    fields_of_action = FieldNodeSerializer(source="tree.fields", many=True)
