"""The holder's share codes, under /akun/kode-berbagi/."""

from django.urls import URLPattern, path

from imigrasi.sharecodes import views

app_name = "sharecodes"

urlpatterns: list[URLPattern] = [
    path("", views.share_codes, name="list"),
    path("buat/", views.create, name="create"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/cabut/", views.revoke, name="revoke"),
]
