"""/cek-status-izin/: the status check for employers, landlords and banks without an API client."""

from django.urls import URLPattern, path

from imigrasi.sharecodes import views

app_name = "status_check"

urlpatterns: list[URLPattern] = [
    path("", views.check, name="check"),
]
