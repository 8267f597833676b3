"""Two-factor authentication: a user who has a TOTP device must give its code
before any page; with OTP_REQUIRED, a user without one must set it up first."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from yhdessa import access
from yhdessa.accounts.oidc import signed_in_by_sso
from yhdessa.accounts.two_factor import has_app

# Pages a signed-in but unverified user may still reach: those of the second
# step itself, never the rest of /accounts/ (the roles and logins a
# coordinator keeps, the password change) with a password alone.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/password/reset/",
    "/accounts/invitation/",
    "/i18n/",
    "/static/",
    "/api/",
    "/healthz",
    # The family's own pages and the accessibility statement are public.
    "/f/",
    "/accessibility/",
)
# The public contact page, but not the guidance service's inbox beside it.
OPEN_PATHS = {"/contact/", "/contact/sent/"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path not in OPEN_PATHS
            # The county's own login is the strong authentication (OIDC_SKIPS_OTP).
            and not (settings.OIDC_SKIPS_OTP and signed_in_by_sso(request))
        ):
            if has_app(user):
                if not user.is_verified():
                    return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
            elif settings.OTP_REQUIRED:
                return redirect("accounts:otp_setup")
        return self.get_response(request)


class EndedAccessMiddleware:
    """Someone who has left has no access at all. Leaving through the app
    ends the login at once; this catches a professional deactivated by any
    other route (a script, the database): their session ends at the next
    request, before any page opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and access.has_left(request.user):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
