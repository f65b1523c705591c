"""Registry checks under /staff/registri/: the officer's manual verification."""

from django.urls import URLPattern, path

from imigrasi.registry import views

app_name = "registry"

urlpatterns: list[URLPattern] = [
    path("resolve/<uuid:public_id>/", views.resolve, name="resolve"),
]
