"""Public on-site pages under /antrean/: kiosk, display board, the ticket holder's page."""

from django.urls import URLPattern, URLResolver

app_name = "queue"

urlpatterns: list[URLPattern | URLResolver] = []
