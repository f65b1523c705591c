"""The officer console under /staff/antrean/."""

from django.urls import URLPattern, URLResolver

app_name = "queue_staff"

urlpatterns: list[URLPattern | URLResolver] = []
