from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from yhdessa.accounts import views
from yhdessa.accounts.forms import OutboxPasswordResetForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    # Django's own password views; the same page whether or not the address
    # is known, and a changed password ends the user's other sessions.
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=OutboxPasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("home"),
        ),
        name="password_change",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("logins/", views.logins, name="logins"),
    path("logins/new/", views.invite_new, name="invite_new"),
    path("logins/<int:pk>/invite/", views.invite, name="invite"),
    path("logins/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("roles/", views.role_list, name="roles"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("settings/", views.user_settings, name="settings"),
    path("logins/<int:pk>/reset-2fa/", views.reset_two_factor, name="reset_two_factor"),
]
