"""The published satisfaction index (IKM) under /ikm/, as the regulation requires."""

from django.urls import URLPattern, path

from imigrasi.feedback import views

app_name = "ikm"

urlpatterns: list[URLPattern] = [
    path("", views.results, name="results"),
    path("data.csv", views.results_csv, name="results_csv"),
    path("<slug:office>/", views.office_results, name="office"),
    path("<slug:office>/data.csv", views.office_csv, name="office_csv"),
]
