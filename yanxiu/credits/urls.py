from django.urls import URLPattern, URLResolver, path

from yanxiu.credits import views

app_name = "credits"

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/", views.my_credits, name="my_credits"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("policy/", views.policy_edit, name="policy_edit"),
    path("policy/preview/", views.policy_preview, name="policy_preview"),
    path("warnings/", views.warnings, name="warnings"),
]
