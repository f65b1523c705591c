"""The one-time survey under /survei/ (no sign-in: the link is the key)."""

from django.urls import URLPattern, path

from imigrasi.feedback import views

app_name = "feedback"

urlpatterns: list[URLPattern] = [
    path("terima-kasih/", views.thanks, name="thanks"),
    path("<str:token>/", views.survey, name="survey"),
]
