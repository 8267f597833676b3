"""The container image's processes, run without a container runtime (none
can run on the test machine): the commands of the Dockerfile and
compose.yaml, with the environment they give, against a scratch database
(PostgreSQL when the tests run on it). One walk through a real gunicorn:
HTTPS enforced behind the proxy, a static file from whitenoise, a login with
the second factor, the start page; the worker keeps running beside it."""

import http.client
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django_otp.oath import totp

from conftest import _free_port
from yhdessa.notify.tests import conftest as notify_fixtures

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)
# An empty database for the processes (SQLite file, or PostgreSQL).
scratch_database_url = notify_fixtures.scratch_database_url


def _logical_lines(text: str) -> list[str]:
    return re.sub(r"\\\n\s*", " ", text).splitlines()


def image_environment() -> dict[str, str]:
    """The Dockerfile's ENV, as the image's processes see it."""
    environment = {}
    for line in _logical_lines((ROOT / "Dockerfile").read_text()):
        if line.startswith("ENV "):
            for pair in shlex.split(line.removeprefix("ENV ")):
                name, _, value = pair.partition("=")
                environment[name] = value
    return environment


def image_entrypoint() -> list[str]:
    (line,) = [
        x for x in _logical_lines((ROOT / "Dockerfile").read_text()) if x.startswith("ENTRYPOINT ")
    ]
    return json.loads(line.removeprefix("ENTRYPOINT "))


def image_command() -> list[str]:
    (line,) = [x for x in _logical_lines((ROOT / "Dockerfile").read_text()) if x.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def compose_command(service: str) -> list[str]:
    """The `command:` of a service of compose.yaml."""
    text = (ROOT / "compose.yaml").read_text()
    block = re.search(rf"^  {service}:\n((?:    .*\n|\n)+)", text, re.MULTILINE).group(1)
    return json.loads(re.search(r"^    command: (.*)$", block, re.MULTILINE).group(1))


def compose_environment(given: dict[str, str]) -> dict[str, str]:
    """The web and worker services' environment in compose.yaml, with
    ${NAME}, ${NAME:-default} and ${NAME:?message} filled in from ``given``
    (what the operator's .env would hold)."""
    text = (ROOT / "compose.yaml").read_text()
    block = re.search(r"^  environment: &environment\n((?:    .*\n)+)", text, re.MULTILINE)

    def fill(match: re.Match) -> str:
        name, how, default = match.group(1), match.group(2), match.group(3)
        if name in given:
            return given[name]
        assert how == ":-", f"compose.yaml needs {name}"
        return default

    environment = {}
    for line in block.group(1).splitlines():
        if line.strip().startswith("#"):
            continue
        name, _, value = line.strip().partition(": ")
        value = re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", fill, value)
        environment[name] = value.removeprefix('"').removesuffix('"')
    return environment


class Browser:
    """Plain HTTP to gunicorn, as the TLS-ending proxy sends it: cookies
    kept by hand (they are Secure, and the hop is plain HTTP)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None, behind_proxy=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if behind_proxy:
            headers["X-Forwarded-Proto"] = "https"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                assert morsel["secure"], f"cookie {name} not Secure"
                self.cookies[name] = morsel.value
        connection.close()
        return response, content


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _wait_until_serving(browser: Browser, web: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180  # migrating an empty database on a busy machine
    while time.monotonic() < deadline:
        assert web.poll() is None, log.read_text()
        try:
            browser.request("GET", "/accounts/login/")
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("gunicorn did not answer:\n" + log.read_text())


def test_the_images_processes_serve_a_login_and_run_the_worker(tmp_path, scratch_database_url):
    port = _free_port()
    given = {
        "POSTGRES_PASSWORD": "not-used-here",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "EMAIL_URL": f"smtp://127.0.0.1:{_free_port()}",
    }
    environment = (
        image_environment()
        | compose_environment(given)
        | {
            # What only differs here: compose's database host is its own "db"
            # service, the image's Python is under /opt/venv, and the port.
            "DATABASE_URL": scratch_database_url,
            "PATH": f"{VENV_BIN}:/usr/bin:/bin",
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "HOME": str(tmp_path),
        }
    )
    entrypoint = [str(ROOT / image_entrypoint()[0]), *image_entrypoint()[1:]]
    assert compose_command("web") == image_command()  # `docker run` serves the web too

    def start(service: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{service}.log"
        process = subprocess.Popen(
            [*entrypoint, *compose_command(service)],
            cwd=ROOT,
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its gunicorn workers end with it
        )
        return process, log

    worker, worker_log = start("worker")  # before the web server: it waits for the migration
    web, web_log = start("web")
    try:
        browser = Browser(port)
        _wait_until_serving(browser, web, web_log)

        def shell(code: str) -> str:
            """Python run in the image as an operator would, e.g.
            `docker compose exec web deploy/entrypoint.sh python manage.py shell`."""
            done = subprocess.run(
                [*entrypoint, "python", "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout.strip().splitlines()[-1]

        totp_key = bytes.fromhex(
            shell(
                "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
                "from yhdessa.accounts.models import User\n"
                "user = User.objects.create_user('pia', password='tuotanto-salasana-42', "
                "first_name='Pia', last_name='Tuotanto')\n"
                "print(TOTPDevice.objects.create(user=user, name='app', confirmed=True).key)"
            )
        )

        # Plain HTTP past the proxy goes to HTTPS.
        response, _ = browser.request("GET", "/accounts/login/", behind_proxy=False)
        assert response.status == 301
        assert response.headers["Location"] == f"https://127.0.0.1:{port}/accounts/login/"

        response, page = browser.request("GET", "/accounts/login/")
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        response, css = browser.request("GET", "/static/yhdessa/site.css")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert "font-family" in css

        response, _ = browser.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": _csrf_token(page),
                "username": "pia",
                "password": "tuotanto-salasana-42",
            },
        )
        assert response.status == 302, web_log.read_text()
        assert "sessionid" in browser.cookies
        response, _ = browser.request("GET", "/")
        assert response.status == 302
        assert response.headers["Location"].startswith("/accounts/2fa/verify/")
        response, page = browser.request("GET", response.headers["Location"])
        response, _ = browser.request(
            "POST",
            "/accounts/2fa/verify/",
            {
                "csrfmiddlewaretoken": _csrf_token(page),
                "token": f"{totp(totp_key):06d}",
                "next": "/",
            },
        )
        assert response.status == 302, web_log.read_text()
        response, start_page = browser.request("GET", "/")
        assert response.status == 200
        assert "Hei, Pia Tuotanto" in start_page

        # The worker runs against the same database: the load balancer's
        # probe (plain HTTP, no proxy) finds its heartbeat.
        deadline = time.monotonic() + 60
        while True:
            assert worker.poll() is None, worker_log.read_text()
            response, health = browser.request("GET", "/healthz", behind_proxy=False)
            if response.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert response.status == 200, health
        assert json.loads(health)["worker_heartbeat_age_seconds"] is not None
    finally:
        for process in (web, worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        web.wait(timeout=30)
        worker.wait(timeout=30)
    # Both stop cleanly on SIGTERM, as `docker compose stop` sends it.
    assert web.returncode == 0, web_log.read_text()
    assert worker.returncode == 0, worker_log.read_text()
