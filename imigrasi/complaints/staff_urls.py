from django.urls import path

from imigrasi.complaints import staff_views

app_name = "complaints_staff"

urlpatterns = [
    path("", staff_views.office_list, name="list"),
    path("eskalasi/", staff_views.escalated, name="escalations"),
    path("ekspor.csv", staff_views.export_csv, name="export"),
    path("<str:number>/", staff_views.detail, name="detail"),
    path("<str:number>/status/", staff_views.change_status, name="status"),
    path("<str:number>/catatan/", staff_views.add_note, name="note"),
    path("<str:number>/lampiran/<uuid:public_id>/", staff_views.attachment, name="attachment"),
]
