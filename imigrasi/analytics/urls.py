"""The analytics pages under /staff/analitik/."""

from django.urls import URLPattern, path

from imigrasi.analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("csv/<slug:name>.csv", views.table_csv, name="csv"),
    path("kuota/", views.apply_quota, name="apply_quota"),
    path("parquet/<slug:name>.parquet", views.mart_parquet, name="parquet"),
]
