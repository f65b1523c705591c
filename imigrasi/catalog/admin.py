"""The catalog is data: administrators edit services, requirements and fees here (audited)."""

from django.contrib import admin

from imigrasi.audit.admin_mixins import AuditedModelAdmin
from imigrasi.catalog.models import FeeLine, Office, Requirement, Service, ServiceVariant


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ("name", "city", "province", "kind", "timezone", "is_active")
    list_filter = ("kind", "timezone", "is_active")
    search_fields = ("name", "city", "code")


class VariantInline(admin.TabularInline):
    model = ServiceVariant
    extra = 0


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0


class FeeLineInline(admin.TabularInline):
    model = FeeLine
    extra = 0
    fields = (
        "variant",
        "label_id",
        "label_en",
        "amount",
        "kind",
        "condition",
        "effective_from",
        "effective_to",
        "legal_basis",
    )


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "name_id",
        "family",
        "requires_visit",
        "online_application",
        "is_active",
    )
    list_filter = ("family", "is_active", "requires_visit")
    search_fields = ("code", "name_id", "name_en")
    inlines = [VariantInline, RequirementInline, FeeLineInline]
