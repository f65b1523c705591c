"""Web booking pages under /kunjungan/."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.appointments import views_booking as views

app_name = "bookings"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    # The steps (fixed words first: a service code never takes their place).
    path("pesan/", views.start, name="start"),
    path("pesan/kantor/", views.offices, name="offices"),
    path("pesan/tanggal/", views.days, name="days"),
    path("pesan/waktu/", views.slots, name="slots"),
    path("pesan/bantuan/", views.assistance, name="assistance"),
    path("pesan/tahan/", views.hold, name="hold"),
    path("pesan/daftar-tunggu/", views.waitlist, name="waitlist"),
    path("pesan/<slug:code>/", views.start_service, name="start_service"),
    # One booking (the email and PDF link by public id; the pages by booking code).
    path("<uuid:public_id>/", views.by_public_id, name="by_public_id"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/konfirmasi/", views.confirm, name="confirm"),
    path("<str:code>/pdf/", views.pdf, name="pdf"),
    path("<str:code>/batal/", views.cancel, name="cancel"),
    path("<str:code>/ubah/", views.reschedule, name="reschedule"),
    path("<str:code>/ubah/waktu/", views.reschedule_slots, name="reschedule_slots"),
]
