from django.urls import path

from yanxiu.credits import report_views

app_name = "credit_reports"

urlpatterns = [
    path("", report_views.index, name="index"),
    path("region/<int:pk>/", report_views.region, name="region"),
    path("zone/<int:pk>/", report_views.zone, name="zone"),
    path("school/<int:pk>/", report_views.school, name="school"),
]
