from django.urls import path

from yanxiu.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.region, name="region"),
    path("zones/new/", views.zone_edit, name="zone_create"),
    path("zones/<int:pk>/", views.zone_detail, name="zone_detail"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_edit, name="school_create"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/honours/", views.honour_add, name="honour_add"),
    path(
        "schools/<int:pk>/honours/<int:honour_pk>/delete/",
        views.honour_remove,
        name="honour_remove",
    ),
    path("teachers/", views.teacher_list, name="teacher_list"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("teachers/<int:pk>/edit/", views.teacher_edit, name="teacher_edit"),
    path("teachers/<int:pk>/transfer/", views.teacher_transfer, name="teacher_transfer"),
    path("teachers/<int:pk>/deactivate/", views.teacher_deactivate, name="teacher_deactivate"),
    path("teachers/<int:pk>/account/", views.teacher_account, name="teacher_account"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/", views.group_member_add, name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:teacher_pk>/",
        views.group_member_remove,
        name="group_member_change",
    ),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
