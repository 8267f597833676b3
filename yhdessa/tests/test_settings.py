"""Production settings: no published key, a clean `check --deploy`, short refusals in the log."""

import logging
import os
import secrets
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from yhdessa.settings import PUBLISHED_SECRET_KEYS, _generated_secret_key

ROOT = Path(__file__).resolve().parents[2]

# A deployment behind a TLS-terminating proxy, as .env.example describes it.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "yhdessa.kunta.example",
    "CSRF_TRUSTED_ORIGINS": "https://yhdessa.kunta.example",
    "SITE_URL": "https://yhdessa.kunta.example",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_COOKIES": "true",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only the variables given here: none of this shell's or the suite's own.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(tuple(PRODUCTION))}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for themselves
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_a_production_like_environment():
    done = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_names_what_a_deployment_forgot():
    """The test above has teeth: the demo's plain-HTTP defaults are not clean."""
    https = ("SECURE_", "CSRF_TRUSTED_ORIGINS", "SITE_URL")
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith(https)}

    done = _manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


@pytest.mark.parametrize("key", [*sorted(PUBLISHED_SECRET_KEYS), "short", "x" * 60])
def test_a_published_or_weak_key_is_refused_when_debug_is_off(key):
    done = _manage("check", **{**PRODUCTION, "SECRET_KEY": key})

    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is a published or weak key" in done.stderr


def test_a_developer_with_debug_on_may_use_any_key():
    key = sorted(PUBLISHED_SECRET_KEYS)[0]

    done = _manage("check", **{**PRODUCTION, "SECRET_KEY": key, "DEBUG": "true"})

    assert done.returncode == 0, done.stderr


def test_without_a_key_one_is_generated_once_for_the_owner_only(tmp_path):
    key_file = tmp_path / "var" / "secret_key"

    first = _generated_secret_key(key_file)

    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _generated_secret_key(key_file) == first
    assert list(key_file.parent.iterdir()) == [key_file]  # no drafts left behind


def test_processes_starting_together_agree_on_the_generated_key(tmp_path):
    key_file = tmp_path / "secret_key"

    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _n: _generated_secret_key(key_file), range(16)))

    assert keys == {key_file.read_text()}


def test_the_demo_starts_with_no_secret_key_configured():
    """`make run` sets no key and DEBUG is off: the generated key is used."""
    done = _manage(
        "shell", "-c", "from django.conf import settings; print(len(settings.SECRET_KEY))"
    )

    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) >= 50
    assert (ROOT / "var" / "secret_key").read_text().strip()


def refused(request):
    raise PermissionDenied("Ei sinun perheesi.")


def broken(request):
    return 1 / 0


# The site's own pages too: the 403 and 500 pages link to them.
urlpatterns = [
    path("refused/", refused),
    path("broken/", broken),
    path("", include("yhdessa.urls")),
]


@pytest.mark.urls(__name__)
def test_a_refused_page_is_one_line_in_the_log_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/refused/")

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /refused/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert caplog.text.strip().count("\n") == 0


@pytest.mark.urls(__name__)
def test_a_server_error_still_logs_its_traceback(client, caplog):
    """Only refusals are shortened: a real error keeps what is needed to fix it."""
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/broken/")

    assert response.status_code == 500
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text
