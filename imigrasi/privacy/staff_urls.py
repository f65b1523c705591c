"""The data protection officer's pages under /staff/privasi/."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.privacy import breach_views

app_name = "privacy_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("insiden/", breach_views.incident_list, name="incidents"),
    path("insiden/baru/", breach_views.incident_new, name="incident_new"),
    path("insiden/<uuid:public_id>/", breach_views.incident_detail, name="incident"),
    path(
        "insiden/<uuid:public_id>/penilaian/",
        breach_views.incident_assess,
        name="incident_assess",
    ),
    path(
        "insiden/<uuid:public_id>/lembaga-pdp/",
        breach_views.incident_authority,
        name="incident_authority",
    ),
    path(
        "insiden/<uuid:public_id>/beri-tahu/",
        breach_views.incident_notify,
        name="incident_notify",
    ),
    path("insiden/<uuid:public_id>/tutup/", breach_views.incident_close, name="incident_close"),
]
