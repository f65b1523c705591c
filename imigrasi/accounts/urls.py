from django.urls import path

from imigrasi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data-diri/", views.profile, name="profile"),
]
