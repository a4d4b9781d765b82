from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Compliance, Exemption, Service, Standard, Trend


@admin.register(Standard)
class StandardAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "obligation", "category", "status", "valid_from"]
    list_filter = ["status", "category", "obligation"]
    search_fields = ["code", "title"]


@admin.register(Compliance)
class ComplianceAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "standard", "state", "checked_on", "confirmed_at"]
    list_filter = ["state"]
    list_select_related = ["unit", "standard"]


@admin.register(Exemption)
class ExemptionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "standard", "status", "ends_on"]
    list_filter = ["status"]
    list_select_related = ["unit", "standard"]


@admin.register(Trend)
class TrendAdmin(SimpleHistoryAdmin):
    list_display = ["title", "quadrant", "ring"]
    list_filter = ["quadrant", "ring"]
    filter_horizontal = ["units", "standards"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]
