"""The decision-event pages under /staff/integrasi/."""

from django.urls import URLPattern, path

from imigrasi.outbox import views

app_name = "outbox"

urlpatterns: list[URLPattern] = [
    path("", views.deliveries, name="deliveries"),
    path("kirim-ulang/<int:delivery_id>/", views.replay, name="replay"),
    path("rahasia/<slug:code>/", views.rotate, name="rotate"),
]
