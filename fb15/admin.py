"""Django admin: for superusers administering user accounts and, in a pinch, the organisation."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Division, Notification, OrgUnit, User
from .permissions import sync_unit_grants


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    pass


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "position"]


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "division", "lead"]
    list_filter = ["division"]
    search_fields = ["code", "name"]
    filter_horizontal = ["deputies", "members"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_unit_grants(form.instance)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The mail outbox, read-only: what was sent, what waits for the mail server and why."""

    list_display = ["subject", "created_at", "sent_at", "attempts", "next_attempt_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipients", "key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
