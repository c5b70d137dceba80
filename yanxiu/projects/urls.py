"""Project pages under /projects/."""

from django.urls import path

from yanxiu.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="index"),
    path("mine/", views.my_projects, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("overview/", views.overview, name="overview"),
    path("plan/", views.school_plan, name="plan"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("window/", views.plan_window, name="window"),
    path("designated/", views.designated_list, name="designated"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/review/", views.project_review, name="review_project"),
    path("<int:pk>/start/", views.project_start, name="start"),
    path("<int:pk>/compare/", views.revision_compare, name="compare"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/activities/type-notice/", views.type_notice, name="type_notice"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/sheets/<int:job_pk>/", views.sheet_job, name="sheet_job"),
    path(
        "activities/<int:pk>/sheets/<int:job_pk>/commit/",
        views.sheet_commit,
        name="sheet_commit",
    ),
    path(
        "activities/<int:pk>/sheets/<int:job_pk>/errors.xlsx",
        views.sheet_errors,
        name="sheet_errors",
    ),
    path("<int:pk>/evidence/", views.evidence_submit, name="evidence"),
    path("<int:pk>/certify/", views.project_certify, name="certify"),
    path("files/<int:pk>/", views.project_file, name="file"),
]
