from django.urls import path

from imigrasi.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.service_list, name="services"),
    path("<slug:code>/", views.service_detail, name="service"),
]
