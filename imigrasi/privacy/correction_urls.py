from django.urls import path

from imigrasi.privacy import correction_views

app_name = "corrections"

urlpatterns = [
    path("", correction_views.correction_list, name="list"),
    path("<uuid:public_id>/", correction_views.correction_review, name="review"),
]
