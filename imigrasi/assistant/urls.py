"""The assistant's public pages under /asisten/."""

from django.urls import URLPattern, URLResolver, path

from imigrasi.assistant import views

app_name = "assistant"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.chat, name="chat"),
    path("nilai/", views.vote, name="vote"),
    path("tanya-jawab/", views.faq, name="faq"),
]
