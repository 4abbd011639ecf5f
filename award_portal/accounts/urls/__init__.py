from django.contrib.auth import views as auth_views
from django.urls import path

from award_portal.web import converters  # noqa: F401  (registers <id:...>)

from ..views import office, public

app_name = "accounts"

_reset = "accounts/public/password_reset"

urlpatterns = [
    path("login/", public.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", public.RegisterView.as_view(), name="register"),
    path("register/done/", public.RegisterDoneView.as_view(), name="register-done"),
    path("confirm/resend/", public.ResendConfirmationView.as_view(), name="confirm-resend"),
    path("confirm/<str:token>/", public.ConfirmEmailView.as_view(), name="confirm-email"),
    path("password/change/", public.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/public/password_change_done.html"
        ),
        name="password-change-done",
    ),
    path("password/reset/", public.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name=f"{_reset}_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name=f"{_reset}_complete.html"),
        name="password-reset-complete",
    ),
    # the office's staff accounts
    path("staff/", office.StaffListView.as_view(), name="user-list"),
    path("staff/new/", office.StaffCreateView.as_view(), name="user-create"),
    path(
        "staff/<id:pk>/deactivate/",
        office.StaffDeactivateView.as_view(),
        name="user-deactivate",
    ),
    path(
        "staff/<id:pk>/reactivate/",
        office.StaffReactivateView.as_view(),
        name="user-reactivate",
    ),
]
