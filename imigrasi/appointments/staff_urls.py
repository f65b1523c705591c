"""The officer console under /staff/antrean/."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.appointments import views_onsite as views

app_name = "queue_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.console, name="console"),
    path("loket/", views.console_counter, name="counter"),
    path("aksi/<slug:action>/", views.console_act, name="act"),
    path("kios/daftarkan/", views.pair_kiosk, name="pair_kiosk"),
    path("kios/lepas/", views.unpair_kiosk, name="unpair_kiosk"),
]
