from django.urls import path

from yanxiu.certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>", views.verify, name="verify"),
    path("certificates/", views.my_documents, name="mine"),
    path("certificates/issued/", views.issued, name="issued"),
    path("certificates/issued/<int:pk>/revoke/", views.revoke, name="revoke"),
    path(
        "certificates/<int:teacher_id>/<int:year>/<str:kind>.pdf",
        views.download,
        name="download",
    ),
    path(
        "certificates/school/<int:school_id>/<int:year>.zip",
        views.school_certificates,
        name="school_zip",
    ),
]
