import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

FIELDS = [
    "sequence",
    "at",
    "actor_username",
    "actor",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "pretty_details",
    "previous_hash",
    "hash",
]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail, for system administrators to inspect: nobody can add, change or delete an event here."""

    class Media:
        css = {"all": ["css/admin.css"]}  # a stylesheet, not a style attribute: the CSP allows no inline styles

    list_display = ["sequence", "at", "actor_username", "action", "object_type", "object_id", "short_reason"]
    # Exact matches only: the trail grows large, and these stay cheap on it.
    search_fields = ["=actor_username", "=action", "=object_type", "=object_id"]
    ordering = ["-sequence"]
    fields = FIELDS
    readonly_fields = FIELDS
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reason given"))
    def short_reason(self, event: AuditEvent) -> str:
        return event.reason if len(event.reason) <= 60 else event.reason[:59] + "…"

    @admin.display(description=_("details"))
    def pretty_details(self, event: AuditEvent) -> str:
        return format_html(
            '<pre class="audit-details">{}</pre>',
            json.dumps(event.details, indent=2, sort_keys=True, ensure_ascii=False),
        )
