from django.urls import path

from yanxiu.training import views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/publish/", views.course_publish, name="course_publish"),
    path("<int:pk>/close/", views.course_close, name="course_close"),
    path("<int:pk>/sessions/", views.session_create, name="session_create"),
    path("<int:pk>/enroll/", views.enroll, name="enroll"),
    path("enrollments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("enrollments/<int:pk>/decide/", views.decide, name="decide"),
    path("approvals/", views.approvals, name="approvals"),
    path("mine/", views.my_enrollments, name="my_enrollments"),
    path("sessions/<int:pk>/code/", views.session_code, name="session_code"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/sheets/<int:job_pk>/", views.sheet_job, name="sheet_job"),
    path("sessions/<int:pk>/sheets/<int:job_pk>/commit/", views.sheet_commit, name="sheet_commit"),
    path(
        "sessions/<int:pk>/sheets/<int:job_pk>/errors.xlsx",
        views.sheet_errors,
        name="sheet_errors",
    ),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("calendar/", views.calendar_month, name="calendar"),
]
