from django.urls import path

from yanxiu.orgs import roster_views

app_name = "roster"

urlpatterns = [
    path("import/", roster_views.import_page, name="import"),
    path("import/<int:pk>/", roster_views.job_page, name="job"),
    path("import/<int:pk>/commit/", roster_views.commit_job, name="commit"),
    path("import/<int:pk>/errors.xlsx", roster_views.error_report, name="errors"),
    path("import/<int:pk>/file/", roster_views.job_file, name="file"),
    path("export/", roster_views.export, name="export"),
    path("template/", roster_views.template, name="template"),
]
