"""/.well-known/imigrasi-credential-keys.json: outside /verifikasi/ because RFC 8615 puts
well-known resources at the root; no namespace, so the name is ``credential_keys``."""

from django.urls import URLPattern, path

from imigrasi.credentials import views

urlpatterns: list[URLPattern] = [
    path("imigrasi-credential-keys.json", views.published_keys, name="credential_keys"),
]
