from django.urls import path

from imigrasi.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("persetujuan/", views.consent, name="consent"),
    path("salinan/", views.request_export, name="request_export"),
    path("salinan/<uuid:public_id>/", views.download_export, name="download_export"),
    path("koreksi/", views.correction, name="correction"),
    path("tutup-akun/", views.close_account, name="close_account"),
    path("akun-ditutup/", views.closed, name="closed"),
]
