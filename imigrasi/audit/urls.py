from django.urls import path

from imigrasi.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("verifikasi/", views.verify, name="verify"),
]
