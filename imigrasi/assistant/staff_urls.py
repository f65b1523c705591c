"""The assistant's help desk under /staff/asisten/."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.assistant import editor_views
from imigrasi.assistant import staff_views as views

app_name = "assistant_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.helpdesk, name="helpdesk"),
    path("laporan/", views.report, name="report"),
    path("jawaban/", editor_views.answers, name="answers"),
    path("jawaban/<slug:slug>/", editor_views.answer_edit, name="answer_edit"),
    path("<uuid:public_id>/", views.conversation, name="conversation"),
    path("<uuid:public_id>/ambil/", views.claim, name="claim"),
    path("<uuid:public_id>/balas/", views.reply, name="reply"),
    path("<uuid:public_id>/tutup/", views.close, name="close"),
]
