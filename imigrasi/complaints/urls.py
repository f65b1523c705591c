from django.urls import path

from imigrasi.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.start, name="start"),
    path("kirim/", views.file, name="file"),
    path("terkirim/", views.filed, name="filed"),
    path("lacak/", views.track, name="track"),
    path("saya/<str:number>/", views.mine, name="mine"),
]
