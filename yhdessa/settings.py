"""Settings for Yhdessä, read from environment variables (see .env.example).

The defaults make a safe local demo: SQLite under var/, mail to a local SMTP
sink, DEBUG off unless asked for. Production sets SECRET_KEY, DATABASE_URL,
EMAIL_URL and ALLOWED_HOSTS.
"""

import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

import environ
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Keys that were ever published with Yhdessä (the old built-in demo key, the
# placeholder in .env.example): whoever knows them can forge sessions.
PUBLISHED_SECRET_KEYS = {
    "yhdessa-demo-only-not-for-production-use-0123456789",
    "change-me-in-production",
}


def _generated_secret_key(path: Path) -> str:
    """The key of this installation when none is configured: made once at
    random, kept in var/ readable by its owner only, and read by every later
    process (the web server's workers, the background worker)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(64))
    try:
        # A link never replaces: when two processes start at once, the first
        # complete key is the one both use.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft)
    return path.read_text().strip()


def _secret_key() -> str:
    configured = env.str("SECRET_KEY", default="")
    if not configured:
        return _generated_secret_key(VAR_DIR / "secret_key")
    weak = (
        configured in PUBLISHED_SECRET_KEYS
        or len(configured) < SECRET_KEY_MIN_LENGTH
        or len(set(configured)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or configured.startswith(SECRET_KEY_INSECURE_PREFIX)
    )
    if weak and not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is a published or weak key. Set a long random one "
            "(50+ characters), or leave SECRET_KEY unset to have one generated "
            "into var/secret_key."
        )
    return configured


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "yhdessa.accounts",
    "yhdessa.network",
    "yhdessa.families",
    "yhdessa.meetings",
    "yhdessa.plans",
    "yhdessa.feedback",
    "yhdessa.family_page",
    "yhdessa.notify",
    "yhdessa.audit",
    "yhdessa.reports",
    "yhdessa.scheduling",
    "yhdessa.api",
    "yhdessa.interop",
    # Serves the API docs' Swagger UI from our own static files: the page's
    # CSP allows no CDN script.
    "ninja",
]

MIDDLEWARE = [
    "yhdessa.ops.logs.RequestIdMiddleware",  # first: every log line has the request id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yhdessa.locale_middleware.FinnishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yhdessa.accounts.middleware.EndedAccessMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yhdessa.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yhdessa.input_guard.InputGuardMiddleware",  # NUL characters, oversized bodies
    "yhdessa.idempotency.ApiIdempotencyMiddleware",  # Idempotency-Key on API writes
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yhdessa.urls"
WSGI_APPLICATION = "yhdessa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yhdessa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yhdessa.accounts.oidc.sso_context",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'yhdessa.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many writers share the file (the web server's threads and processes,
    # the worker). A deferred transaction that turns from reading to writing
    # fails at once with "database is locked"; IMMEDIATE takes the write lock
    # at BEGIN, so a writer waits its turn (up to `timeout` seconds) instead.
    # WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; does nothing unless OIDC_RP_CLIENT_ID is set (below).
    "yhdessa.accounts.oidc.CountyOIDCBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute-force protection: lock a username+address pair after 10 failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# A single sign-on callback is no password guess (the provider guards its own
# login): counting its refusals would lock a county's shared address out.
AXES_WHITELIST_CALLABLE = "yhdessa.accounts.oidc.is_sso_attempt"

# Two-factor authentication (TOTP). A user who has set it up is always asked
# for the code; with OTP_REQUIRED every user must set it up at first login.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Yhdessä"

# Single sign-on with the county's own identity provider (OpenID Connect,
# mozilla-django-oidc). Off unless a client id is set. The provider's
# endpoints come from its discovery document (OIDC_OP_DISCOVERY_URL, read at
# the first SSO login) or are given one by one. A professional is matched to
# an existing account by the identifier claim (stored in User.oidc_subject)
# or by an email the provider says it has verified; SSO never creates an
# account, and someone who has left cannot log in however valid the login.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email")
# The claim that names the person for good (an employee number, or "sub").
OIDC_SUBJECT_CLAIM = env.str("OIDC_SUBJECT_CLAIM", default="sub")
# The county's login already is its strong authentication (its own second
# factor): a user signed in by SSO is not asked for Yhdessä's TOTP code.
OIDC_SKIPS_OTP = env.bool("OIDC_SKIPS_OTP", default=True)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_CREATE_USER = False  # an account exists first: a coordinator invites the person
OIDC_AUTHENTICATE_CLASS = "yhdessa.accounts.oidc.SignInView"
OIDC_CALLBACK_CLASS = "yhdessa.accounts.oidc.CallbackView"
if OIDC_ENABLED and not (
    OIDC_OP_DISCOVERY_URL
    or (
        OIDC_OP_AUTHORIZATION_ENDPOINT
        and OIDC_OP_TOKEN_ENDPOINT
        and OIDC_OP_USER_ENDPOINT
        and (OIDC_OP_JWKS_ENDPOINT or OIDC_RP_SIGN_ALGO.startswith("HS"))
    )
):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: set OIDC_OP_DISCOVERY_URL, or the provider's "
        "authorization, token, userinfo and JWKS endpoints (OIDC_OP_*_ENDPOINT)."
    )

# A coordinator's link inviting a professional to log in is valid this many days.
LOGIN_INVITATION_DAYS = env.int("LOGIN_INVITATION_DAYS", default=5)
# A family's link to its own page works until this many days after the
# family's last meeting (or after the link was sent, if later).
FAMILY_LINK_DAYS = env.int("FAMILY_LINK_DAYS", default=60)
# The public contact page: at most this many contacts from one address in
# the window (a keyed hash of the address is kept, never the address).
CONTACT_RATE_LIMIT = env.int("CONTACT_RATE_LIMIT", default=5)
CONTACT_RATE_WINDOW_SECONDS = env.int("CONTACT_RATE_WINDOW_SECONDS", default=3600)
# Behind a reverse proxy: the request header that names the client's address
# (e.g. HTTP_X_FORWARDED_FOR, as Django's META spells it). Empty: REMOTE_ADDR.
CONTACT_CLIENT_IP_HEADER = env.str("CONTACT_CLIENT_IP_HEADER", default="")
# Reminders go out the working day before a meeting, from this hour on;
# the worker looks for due ones every REMINDER_CHECK_SECONDS.
REMINDER_HOUR = env.int("REMINDER_HOUR", default=9)
REMINDER_CHECK_SECONDS = env.int("REMINDER_CHECK_SECONDS", default=900)
# The professionals' own calendar links are read this often by the worker;
# a read gets this long and this many bytes, and a link that is not public
# (loopback, private network) is refused unless allowed (tests, a local proxy).
CALENDAR_READ_SECONDS = env.int("CALENDAR_READ_SECONDS", default=3600)
CALENDAR_READ_TIMEOUT = env.float("CALENDAR_READ_TIMEOUT", default=10.0)
CALENDAR_MAX_BYTES = env.int("CALENDAR_MAX_BYTES", default=2_000_000)
CALENDAR_ALLOW_PRIVATE_HOSTS = env.bool("CALENDAR_ALLOW_PRIVATE_HOSTS", default=False)
# Calendar replies: when set, invitations name this address as the organiser,
# and `manage.py read_calendar_replies` reads the answers from its Maildir.
CALENDAR_REPLY_ADDRESS = env.str("CALENDAR_REPLY_ADDRESS", default="")
CALENDAR_REPLY_MAILDIR = env.str("CALENDAR_REPLY_MAILDIR", default="")
# Answer links in invitations and polls are signed and expire after this many days.
ANSWER_LINK_DAYS = env.int("ANSWER_LINK_DAYS", default=60)
# Where the accessibility statement's feedback goes (and the address it names).
ACCESSIBILITY_FEEDBACK_EMAIL = env.str(
    "ACCESSIBILITY_FEEDBACK_EMAIL", default="saavutettavuus@yhdessa.example"
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. Off by default because the demo serves plain HTTP on 127.0.0.1; a
# deployment behind TLS turns them on (see .env.example).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer probes /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a TLS-terminating proxy: the header the proxy sets to "https", e.g.
# X-Forwarded-Proto. Set it only when the proxy overwrites that header on
# every request, or a client could claim HTTPS.
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# No inline scripts anywhere: the only scripts are our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("suomi")), ("sv", _("svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "yhdessa" / "locale"]
USE_I18N = True
# Times as each language writes them in Finland ("klo 8.00", "kl. 8.00", "8:00").
FORMAT_MODULE_PATH = ["yhdessa.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it; also creates var/
STATICFILES_DIRS = [BASE_DIR / "yhdessa" / "static"]
# Serve static files straight from the apps, so the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True

# Mail: EMAIL_URL, e.g. smtp://user:password@mail.example.fi:587 or
# smtp+tls://... The default is the local SMTP sink that `make run` starts.
vars().update(env.email_url("EMAIL_URL", default="smtp://127.0.0.1:8025"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Yhdessä <yhdessa@example.fi>")

# Background work: django-tasks with its database backend, so that enqueuing
# a delivery is part of the same transaction as the change that caused it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Outbox delivery: attempts and the first back-off step (doubles each time).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_FIRST_RETRY_SECONDS = env.int("OUTBOX_FIRST_RETRY_SECONDS", default=60)
# A worker owns a claimed message this long (longer than any SMTP exchange,
# EMAIL_TIMEOUT per step); `manage.py worker` sweeps this often for messages
# whose lease ran out (a killed worker's) and queues them again.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
# Every worker records that it is alive this often; /healthz answers 503 when
# the newest heartbeat is older than HEALTHZ_HEARTBEAT_MAX_AGE seconds.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=30)
HEALTHZ_HEARTBEAT_MAX_AGE = env.float("HEALTHZ_HEARTBEAT_MAX_AGE", default=180)

# SMS, the outbox's second channel (yhdessa.notify.sms). The demo's backend
# keeps each message as a file under SMS_DIR; production sets SMS_BACKEND to
# the HTTP gateway (or another class with the same send()).
SMS_BACKEND = env.str("SMS_BACKEND", default="yhdessa.notify.sms.DemoBackend")
SMS_DIR = BASE_DIR / env.str("SMS_DIR", default="var/sms")  # relative to BASE_DIR
# The longest text the outbox sends: three concatenated GSM-7 segments.
SMS_MAX_CHARS = env.int("SMS_MAX_CHARS", default=459)
# The sender shown on the phone: up to 11 letters and digits (no ä or ö), or a number.
SMS_SENDER = env.str("SMS_SENDER", default="Yhdessa")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
# Credentials: a Bearer token, or a user and password for HTTP basic.
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_USER = env.str("SMS_GATEWAY_USER", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
# The body: "json" or "form", with the gateway's own field names for our
# to, text, sender and reference (an empty name leaves that field out).
SMS_GATEWAY_FORMAT = env.str("SMS_GATEWAY_FORMAT", default="json")
SMS_GATEWAY_FIELDS = {
    "to": "to",
    "text": "text",
    "sender": "from",
    "reference": "reference",
} | env.dict("SMS_GATEWAY_FIELDS", default={})
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10)
if SMS_GATEWAY_FORMAT not in {"json", "form"}:
    raise ImproperlyConfigured('SMS_GATEWAY_FORMAT is "json" or "form".')
if set(SMS_GATEWAY_FIELDS) != {"to", "text", "sender", "reference"}:
    raise ImproperlyConfigured(
        "SMS_GATEWAY_FIELDS names only to, text, sender and reference, "
        'e.g. "to=msisdn,text=message,sender=from,reference=ref".'
    )
if SMS_GATEWAY_TOKEN and SMS_GATEWAY_USER:
    raise ImproperlyConfigured("Set SMS_GATEWAY_TOKEN or SMS_GATEWAY_USER, not both.")
if SMS_BACKEND.endswith(".HttpGatewayBackend") and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_BACKEND is the HTTP gateway: set SMS_GATEWAY_URL.")


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403, and any other 4xx) is the app doing its job:
    log its one line ("Forbidden (Permission denied): /path"), not the
    traceback of the PermissionDenied that Django attaches."""

    # A family's personal link in a path ("Not Found: /f/<token>/…"): logs
    # leave the system, the token must not.
    FAMILY_TOKEN = re.compile(r"/f/[^/\s]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        message = record.getMessage()
        if "/f/" in message:
            record.msg, record.args = self.FAMILY_TOKEN.sub("/f/…", message), ()
        return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": RefusalsWithoutTraceback}},
    # JSON lines (time, level, logger, message, request_id) for log collectors;
    # LOG_JSON=false gives Python's plain lines.
    "formatters": {
        "json": {"()": "yhdessa.ops.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.bool("LOG_JSON", default=True) else "plain",
            # Also catches django.security's 400s, which log on their own loggers.
            "filters": ["refusals_without_traceback"],
        }
    },
    "loggers": {
        # On the logger itself, so that every handler gets the short record.
        "django.request": {"filters": ["refusals_without_traceback"]},
        # One line per periodic job run (which worker ran which period).
        "yhdessa.notify.schedule": {"level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The Lapset puheeksi method (MIELI ry), linked where the family prefers it as
# the frame of the meeting: its materials are not ours to copy.
LAPSET_PUHEEKSI_URL = env.str(
    "LAPSET_PUHEEKSI_URL",
    default="https://mieli.fi/materiaalit-ja-koulutukset/tietoa-mielenterveyden-vahvistamisesta/"
    "perheet/toimiva-lapsi-ja-perhe-tyo/lapset-puheeksi-menetelma/",
)
