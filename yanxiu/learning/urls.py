from django.urls import URLPattern, URLResolver, path

from yanxiu.learning import views

app_name = "learning"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_pk>/units/new/", views.unit_edit, name="unit_create"),
    path("courses/<int:course_pk>/units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("courses/<int:pk>/discussion/", views.discussion, name="discussion"),
    path("threads/<int:pk>/", views.thread_detail, name="thread"),
    path("threads/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("replies/<int:pk>/hide/", views.reply_hide, name="reply_hide"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/quiz/", views.quiz_submit, name="quiz_submit"),
    path("units/<int:pk>/video/", views.unit_media, {"field": "video"}, name="unit_video"),
    path("units/<int:pk>/document/", views.unit_media, {"field": "document"}, name="unit_document"),
    path("units/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("sessions/", views.session_list, name="sessions"),
    path("studio/", views.studio, name="my_studio"),
    path("studio/<int:pk>/", views.studio, name="studio"),
    path("participation/", views.participation, name="participation"),
    path("verification/", views.verification, name="verification"),
    path("rules/", views.study_limits, name="study_limits"),
]
