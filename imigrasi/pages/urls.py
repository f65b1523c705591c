from django.urls import path

from imigrasi.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("aksesibilitas/", views.accessibility, name="accessibility"),
    path("privasi/", views.privacy, name="privacy"),
    path("ketentuan/", views.terms, name="terms"),
    path("offline/", views.offline, name="offline"),
    path("bahasa/<str:code>/", views.set_language, name="set_language"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
