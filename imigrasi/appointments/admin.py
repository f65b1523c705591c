"""Office capacity is data: administrators set hours, closures, quotas, services and counters
per office here (audited). Bookings and tickets are shown read-only, without personal data."""

from django.contrib import admin

from imigrasi.appointments.models import (
    Booking,
    BookingPolicy,
    Counter,
    DateOverride,
    OfficeHours,
    OfficeService,
    Slot,
    Ticket,
)
from imigrasi.audit.admin_mixins import AuditedModelAdmin


@admin.register(BookingPolicy)
class BookingPolicyAdmin(AuditedModelAdmin):
    list_display = (
        "office",
        "slot_minutes",
        "online_per_slot",
        "priority_per_slot",
        "acceleration_per_slot",
        "release_mode",
        "release_days_ahead",
    )
    list_filter = ("release_mode",)
    search_fields = ("office__name", "office__code")


@admin.register(OfficeHours)
class OfficeHoursAdmin(AuditedModelAdmin):
    list_display = ("office", "weekday", "opens", "closes", "break_starts", "break_ends")
    list_filter = ("weekday",)
    search_fields = ("office__name", "office__code")


@admin.register(DateOverride)
class DateOverrideAdmin(AuditedModelAdmin):
    list_display = ("office", "date", "is_open", "reason")
    list_filter = ("is_open",)
    search_fields = ("office__name", "office__code", "reason")
    date_hierarchy = "date"


@admin.register(OfficeService)
class OfficeServiceAdmin(AuditedModelAdmin):
    list_display = ("office", "service", "queue_prefix", "is_available")
    list_filter = ("is_available", "queue_prefix")
    search_fields = ("office__name", "office__code", "service__code")


@admin.register(Counter)
class CounterAdmin(AuditedModelAdmin):
    list_display = ("office", "code", "prefixes", "serves_priority", "is_active")
    list_filter = ("serves_priority", "is_active")
    search_fields = ("office__name", "office__code")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ("office", "starts_at", "pool", "capacity", "taken")
    list_filter = ("pool",)
    search_fields = ("office__code",)
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("code", "office", "service", "status", "queue_number", "created_at")
    list_filter = ("status",)
    search_fields = ("code",)
    fields = (
        "code",
        "office",
        "service",
        "slot",
        "status",
        "queue_number",
        "needs_wheelchair",
        "needs_sign_language",
        "brings_companion",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
    )


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "office", "date", "lane", "status", "counter", "issued_at")
    list_filter = ("status", "lane", "origin")
    search_fields = ("number", "office__code")
    date_hierarchy = "date"
    exclude = ("booking",)
