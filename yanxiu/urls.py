"""Root URL map: one include per domain app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from yanxiu.api.main import api
from yanxiu.web import accounts, lockout_views, password_change

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        password_change.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        # django.contrib.admin ships templates under the same names, and comes first.
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/lockouts/", lockout_views.lockout_list, name="lockouts"),
    path("accounts/lockouts/unlock/", lockout_views.lockout_unlock, name="lockout_unlock"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("orgs/roster/", include("yanxiu.roster.urls")),
    path("orgs/", include("yanxiu.orgs.urls")),
    path("credits/reports/", include("yanxiu.credits.report_urls")),
    path("credits/import/", include("yanxiu.credit_imports.urls")),
    path("credits/", include("yanxiu.credits.urls")),
    path("training/", include("yanxiu.training.urls")),
    path("notifications/", include("yanxiu.notifications.urls")),
    path("projects/", include("yanxiu.projects.urls")),
    path("learning/", include("yanxiu.learning.urls")),
    path("", include("yanxiu.certificates.urls")),
    path("api-tokens/", include("yanxiu.api.urls")),
    path("", include("yanxiu.web.urls")),
]
