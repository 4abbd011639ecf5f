from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only for everybody, superusers included."""

    list_display = ["occurred_at", "actor_label", "actor_role", "action", "outcome", "source_ip"]
    list_filter = ["action", "outcome", "actor_role"]
    search_fields = ["actor_label", "target_label", "action"]
    list_select_related = ["actor", "target_type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
