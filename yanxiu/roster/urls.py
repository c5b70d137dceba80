from django.urls import path

from yanxiu.roster import views

app_name = "roster"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.job_page, name="job"),
    path("import/<int:pk>/commit/", views.commit_job, name="commit"),
    path("import/<int:pk>/errors.xlsx", views.error_report, name="errors"),
    path("import/<int:pk>/file/", views.job_file, name="file"),
    path("export/", views.export, name="export"),
    path("template/", views.template, name="template"),
]
