from django.urls import path

from yanxiu.credit_imports import views

app_name = "credit_imports"

urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/commit/", views.commit_job, name="commit"),
    path("<int:pk>/errors.xlsx", views.error_report, name="errors"),
    path("<int:pk>/file/", views.job_file, name="file"),
    path("template/", views.template, name="template"),
]
