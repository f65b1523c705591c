from django.urls import path

from imigrasi.applications import views, views_family

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("layanan-yang-tepat/", views.eligibility, name="eligibility"),
    path("mulai/<slug:code>/", views.start, name="start"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/lanjut/", views.continue_application, name="continue"),
    path("<str:number>/pertanyaan/<slug:key>/", views.question, name="question"),
    path("<str:number>/kartu-keluarga/", views_family.fill_from_family_card, name="family_card"),
    path("<str:number>/dokumen/", views.documents, name="documents"),
    path("<str:number>/dokumen/unggah/<slug:requirement>/", views.upload, name="upload"),
    path("<str:number>/dokumen/berkas/<uuid:document_id>/", views.document_file, name="document"),
    path("<str:number>/periksa/", views.check_answers, name="check"),
    path("<str:number>/status.json", views.status_json, name="status_json"),
    path("<str:number>/tagihan-baru/", views.reissue_billing, name="reissue_billing"),
    path("<str:number>/tarik/", views.withdraw, name="withdraw"),
    path("<str:number>/jawab/", views.answer_request, name="answer_request"),
    path("<str:number>/tanda-terima.pdf", views.receipt, name="receipt"),
]
