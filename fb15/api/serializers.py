"""What the API shows of the organisation."""

from __future__ import annotations

from rest_framework import serializers

from fb15.models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    division = serializers.StringRelatedField()
    lead = serializers.StringRelatedField()

    class Meta:
        model = OrgUnit
        fields = ("id", "code", "name", "division", "lead", "email", "updated_at")
