from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import include, path

from apps.accounts.views import (
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    SignInView,
    start,
    tasks,
)
from apps.core.views import bench_minimal


def bench_yardstick(request):
    """bench/'s minimal view, served only when the bench asks for it (BENCH_MINIMAL_VIEW)."""
    if not settings.BENCH_MINIMAL_VIEW:
        raise Http404
    return bench_minimal(request)


auth_patterns = [
    path("logga-in/", SignInView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "losenord/andra/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "losenord/andra/klart/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("losenord/aterstall/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "losenord/aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("arbete/", start, name="start"),
    path("mina-uppgifter/", tasks, name="tasks"),
    *auth_patterns,
    path("konto/", include("apps.accounts.urls")),
    path("kunskapsstod/", include("apps.authoring.urls")),
    path("remiss/", include("apps.remiss.urls")),
    path("regionalt/", include("apps.regional.urls")),
    path("", include("apps.core.urls")),
    path("api/", include("apps.publishing.api.urls")),
    path("", include("apps.publishing.urls")),
    path("django-admin/", admin.site.urls),
    path("_bench/minimal/", bench_yardstick, name="bench_minimal"),
]
