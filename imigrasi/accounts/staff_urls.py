from django.urls import include, path

from imigrasi.accounts import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("audit/", include("imigrasi.audit.urls")),
    path("permohonan/", include("imigrasi.applications.staff_urls")),
    path("antrean/", include("imigrasi.appointments.staff_urls")),
    path("asisten/", include("imigrasi.assistant.staff_urls")),
    path("privasi/", include("imigrasi.privacy.staff_urls")),
    path("koreksi/", include("imigrasi.privacy.correction_urls")),
    path("analitik/", include("imigrasi.analytics.urls")),
    path("integrasi/", include("imigrasi.outbox.urls")),
    path("registri/", include("imigrasi.registry.urls")),
]
