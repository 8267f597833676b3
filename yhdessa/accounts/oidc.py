"""Single sign-on with the county's own identity provider (OpenID Connect).

mozilla-django-oidc runs the code flow (state, nonce, PKCE, the ID token's
signature); this module decides who the login is for. SSO is an option beside
passwords and never creates an account: the person must already have one,
found by the identifier claim stored on the user (``oidc_subject``) or by an
email address the provider says it has verified. Someone who has left the
organisation is refused however valid the provider's login.
"""

import logging

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from yhdessa import access

logger = logging.getLogger(__name__)

BACKEND = "yhdessa.accounts.oidc.CountyOIDCBackend"

# Why a login through the provider did not let the person in.
REFUSALS = {
    "left": _(
        "Käyttöoikeutesi Yhdessä-palveluun on päättynyt. Organisaatiosi tunnistus onnistui, "
        "mutta et voi enää kirjautua. Jos tämä on virhe, ota yhteyttä "
        "perhekeskuskoordinaattoriin."
    ),
    "unknown": _(
        "Organisaatiosi tunnuksella ei löytynyt Yhdessä-käyttäjää. Kirjautuminen "
        "organisaation tunnuksella ei luo käyttäjiä: perhekeskuskoordinaattori luo "
        "käyttäjän ja kutsuu sinut."
    ),
    "unverified": _(
        "Organisaatiosi ei ole vahvistanut sähköpostiosoitettasi, joten sillä ei voi "
        "kirjautua. Pyydä perhekeskuskoordinaattoria liittämään organisaatiosi tunnus "
        "käyttäjääsi."
    ),
    "ambiguous": _(
        "Sähköpostiosoitteellasi löytyi useampi Yhdessä-käyttäjä. Pyydä "
        "perhekeskuskoordinaattoria korjaamaan asia."
    ),
    "bound": _(
        "Yhdessä-käyttäjäsi on liitetty toiseen organisaation tunnukseen. Pyydä "
        "perhekeskuskoordinaattoria tarkistamaan asia."
    ),
    "failed": _(
        "Kirjautuminen organisaation tunnuksella ei onnistunut. Yritä uudelleen tai "
        "kirjaudu salasanalla."
    ),
}

# Endpoints that the provider's discovery document names when the settings do not.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery_documents: dict[str, dict] = {}


def discovery_document(url: str) -> dict:
    """The provider's /.well-known/openid-configuration, read once per process."""
    if url not in _discovery_documents:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        _discovery_documents[url] = response.json()
    return _discovery_documents[url]


def oidc_setting(name: str, *default):
    """A mozilla-django-oidc setting; an endpoint left empty comes from discovery."""
    value = import_from_settings(name, *default)
    if not value and name in DISCOVERED and settings.OIDC_OP_DISCOVERY_URL:
        return discovery_document(settings.OIDC_OP_DISCOVERY_URL)[DISCOVERED[name]]
    return value


def signed_in_by_sso(request: HttpRequest) -> bool:
    """Whether this session's login came through the county's provider."""
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND


def _verified(claims: dict) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true", "True")


def match_user(claims: dict):
    """(user, None) for the one existing account the claims name, or
    (None, reason) with a key of REFUSALS."""
    User = get_user_model()
    subject = str(claims.get(settings.OIDC_SUBJECT_CLAIM) or "")
    if subject and (user := User.objects.filter(oidc_subject=subject).first()):
        return user, None
    email = (claims.get("email") or "").strip()
    if not email:
        return None, "unknown"
    if not _verified(claims):
        return None, "unverified"
    # A professional's address is kept by the municipality's coordinator, so
    # it names only accounts a coordinator could manage anyway: never an
    # administrator, a county user or a coordinator, whose account's own
    # address must match (else a coordinator could steer one to themselves).
    by_directory = Q(
        professional__email__iexact=email,
        is_superuser=False,
        role__in=[User.Role.PROFESSIONAL, User.Role.GUIDANCE],
    )
    users = list(
        User.objects.filter(Q(email__iexact=email) | by_directory).distinct().order_by("pk")[:2]
    )
    if not users:
        return None, "unknown"
    if len(users) > 1:
        return None, "ambiguous"
    user = users[0]
    if subject and user.oidc_subject and user.oidc_subject != subject:
        # The account belongs to another identity of the provider; an email
        # address moved to someone else must not carry the account with it.
        return None, "bound"
    return user, None


def bind_subject(user, subject: str) -> None:
    """Remember the provider's identifier at the first login by email, so
    that a later change of address at the county keeps the same account."""
    if not subject or user.oidc_subject:
        return
    with transaction.atomic():
        locked = type(user).objects.select_for_update().get(pk=user.pk)
        if not locked.oidc_subject:
            locked.oidc_subject = subject
            locked.save(update_fields=["oidc_subject"])
    user.oidc_subject = subject


def is_sso_attempt(request: HttpRequest, credentials: dict | None) -> bool:
    """For django-axes: only the SSO callback authenticates with a nonce and
    no username (the login form cannot add one)."""
    credentials = credentials or {}
    return "nonce" in credentials and not credentials.get("username")


def _refuse(request: HttpRequest, reason: str) -> None:
    request.sso_refusal = reason


class CountyOIDCBackend(OIDCAuthenticationBackend):
    """Logs in an existing user whom the provider's claims name."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The parent reads the provider's endpoints here. That waits for an
        # actual SSO callback: Django makes every backend for every login, and
        # a password login must not depend on the provider being reachable.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the SSO callback passes a nonce; a password login never reaches the provider.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        if "username" in kwargs or "password" in kwargs:
            return None
        try:
            super().__init__()
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, KeyError, ValueError) as error:
            # A forged or stale callback, or a provider that does not answer.
            logger.warning("Single sign-on failed: %s", error.__class__.__name__)
            _refuse(request, "failed")
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The parent leaves the audience unchecked: an ID token issued to
        # another client of the same provider is not a login here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        user, reason = match_user(claims)
        if user is not None and access.has_left(user):
            user, reason = None, "left"
        if user is None:
            logger.info("Single sign-on refused: %s", reason)
            _refuse(self.request, reason)
            return None
        bind_subject(user, str(claims.get(settings.OIDC_SUBJECT_CLAIM) or ""))
        return user

    # Like a password login's: an inactive user's session is not restored.
    get_user = ModelBackend.get_user


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


def _refusal_page(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "accounts/sso_refused.html",
        {"reason": reason, "message": REFUSALS.get(reason, REFUSALS["failed"])},
        status=status,
    )


class SignInView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off to the provider's login."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The parent looks the provider up here; get() does it, where a
        # provider that does not answer can be shown as a page.
        View.__init__(self, **kwargs)

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, KeyError, ValueError) as error:
            logger.warning("Single sign-on: no discovery document: %s", error.__class__.__name__)
            return _refusal_page(request, "failed", status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: back from the provider, logged in or told why not."""

    def get(self, request):
        _require_enabled()
        return super().get(request)

    def login_failure(self):
        return _refusal_page(self.request, getattr(self.request, "sso_refusal", "failed"))


def sso_context(request: HttpRequest) -> dict:
    """Templates' `sso_login`: whether the login page offers the county's login."""
    return {"sso_login": settings.OIDC_ENABLED}
