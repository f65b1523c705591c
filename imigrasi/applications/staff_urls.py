from django.urls import path

from imigrasi.applications import staff_grants, staff_views

app_name = "applications"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("lewat-waktu/", staff_views.sla, name="sla"),
    path("<str:number>/", staff_views.detail, name="detail"),
    path("<str:number>/ambil/", staff_views.claim, name="claim"),
    path("<str:number>/tugaskan/", staff_views.assign, name="assign"),
    path("<str:number>/tindakan/<slug:action>/", staff_views.act, name="act"),
    path("<str:number>/batalkan-izin/", staff_grants.cancel_grant, name="cancel_grant"),
]
