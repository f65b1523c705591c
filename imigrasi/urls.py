from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path

from imigrasi.accounts.views import admin_login, admin_password_change
from imigrasi.api import api
from imigrasi.applications.views import status_check

# The admin has no login or password form of its own: sign-in (with the mandatory second
# factor for staff) always goes through the accounts flow.
admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.password_change = admin_password_change  # type: ignore[method-assign,assignment]
admin.site.site_header = "Imigrasi Digital"
# Roles are a field of the user, not Django groups: the group screens would only confuse.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.site_title = "Imigrasi Digital"

urlpatterns = [
    path("", include("imigrasi.pages.urls")),
    path("akun/privasi/", include("imigrasi.privacy.urls")),
    path("akun/kode-berbagi/", include("imigrasi.sharecodes.urls")),
    path("akun/", include("imigrasi.accounts.urls")),
    path("layanan/", include("imigrasi.catalog.urls")),
    path("permohonan/", include("imigrasi.applications.urls")),
    path("cek-status/", status_check, name="status_check"),
    path("verifikasi/", include("imigrasi.credentials.urls")),
    path(".well-known/", include("imigrasi.credentials.urls_well_known")),
    path("cek-status-izin/", include("imigrasi.sharecodes.urls_public")),
    path("o/", include("imigrasi.sharecodes.urls_oauth")),
    path("survei/", include("imigrasi.feedback.urls")),
    path("ikm/", include("imigrasi.feedback.urls_results")),
    path("kunjungan/", include("imigrasi.appointments.urls_booking")),
    path("antrean/", include("imigrasi.appointments.urls_onsite")),
    path("asisten/", include("imigrasi.assistant.urls")),
    path("pengaduan/", include("imigrasi.complaints.urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/pengaduan/", include("imigrasi.complaints.staff_urls")),
    path("staff/", include("imigrasi.accounts.staff_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "imigrasi.pages.views.bad_request"
handler403 = "imigrasi.pages.views.permission_denied"
handler404 = "imigrasi.pages.views.page_not_found"
handler500 = "imigrasi.pages.views.server_error"
