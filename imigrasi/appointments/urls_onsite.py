"""Public on-site pages under /antrean/: kiosk, display board, the ticket holder's page."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.appointments import views_onsite as views

app_name = "queue"

urlpatterns: list[URLPattern | URLResolver] = [
    path("kios/<slug:office>/", views.kiosk_start, name="kiosk"),
    path("kios/<slug:office>/kode/", views.kiosk_code, name="kiosk_code"),
    path("kios/<slug:office>/langsung/", views.kiosk_walk_in, name="kiosk_walk_in"),
    path("kios/<slug:office>/prioritas/", views.kiosk_priority, name="kiosk_priority"),
    path(
        "kios/<slug:office>/prioritas/<slug:reason>/",
        views.kiosk_priority_service,
        name="kiosk_priority_service",
    ),
    path(
        "kios/<slug:office>/prioritas/<slug:reason>/<slug:service>/",
        views.kiosk_assistance,
        name="kiosk_assistance",
    ),
    path("kios/<slug:office>/tiket/<uuid:public_id>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("papan/<slug:office>/", views.board, name="board"),
    path("papan/<slug:office>/data.json", views.board_data, name="board_data"),
    path("tiket/<uuid:public_id>/", views.ticket_page, name="ticket"),
]
