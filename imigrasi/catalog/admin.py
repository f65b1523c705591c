from django.contrib import admin

from imigrasi.audit.admin_mixins import AuditedModelAdmin
from imigrasi.catalog.models import Office


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ("name", "city", "province", "kind", "timezone", "is_active")
    list_filter = ("kind", "timezone", "is_active")
    search_fields = ("name", "city", "code")
