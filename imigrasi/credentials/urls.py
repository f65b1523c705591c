"""The public document check and the holder's printable page, under /verifikasi/."""

from django.urls import URLPattern, path

from imigrasi.credentials import views

app_name = "credentials"

urlpatterns: list[URLPattern] = [
    path("", views.check, name="check"),
    path("dokumen/<uuid:public_id>/", views.document, name="document"),
]
