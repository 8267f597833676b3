"""Twenty parallel writers on the demo's SQLite file: none is told "database is locked".

The suite's own SQLite database lives in memory, so this test starts the app
for real: a migrated SQLite *file* with the demo network, served by gunicorn
(several processes, several threads each, as in production), with django-axes
switched on. Twenty clients then write at the same moment through the app:
failed logins (axes writes an attempt row for each) and new concerns through
the API. Every request must get its normal answer and every row must be there.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 20


@dataclass
class Server:
    url: str
    database: Path
    token: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped while starting"
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2):
                return
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.2)
    raise AssertionError("the server did not answer within a minute")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("sqlite-writers")
    database = folder / "yhdessa.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_ENABLED": "true",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "smtp://127.0.0.1:9",  # nothing is delivered: no worker runs
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo")
    token = _manage(env, "api_token", "convener").strip()
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "yhdessa.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=4",
            "--threads=5",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "w"),  # noqa: SIM115 - closed with the process
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Server(url=url, database=database, token=token)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _one(database: Path, sql: str, *params):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchone()[0]


def _all_at_once(work: Callable[[int, threading.Barrier], int]) -> list[int | str]:
    """Run `work` in WRITERS threads that send their write together; each
    returns the HTTP status, or the error's text when the request failed."""
    barrier = threading.Barrier(WRITERS, timeout=60)

    def one(number: int) -> int | str:
        try:
            return work(number, barrier)
        except urllib.error.HTTPError as error:
            return error.code
        except Exception as error:  # noqa: BLE001 - counted as a failure below
            return repr(error)

    with ThreadPoolExecutor(WRITERS) as pool:
        return list(pool.map(one, range(WRITERS)))


def test_twenty_parallel_failed_logins_are_all_answered_and_recorded(server):
    before = _one(server.database, "SELECT count(*) FROM axes_accessattempt")

    def fail_to_log_in(number: int, barrier: threading.Barrier) -> int:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with opener.open(f"{server.url}/accounts/login/", timeout=60) as response:
            page = response.read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "username": f"ei-ketaan-{number}",
                "password": "väärä salasana",
            }
        ).encode()
        barrier.wait()
        with opener.open(f"{server.url}/accounts/login/", data=form, timeout=60) as response:
            return response.status

    answers = _all_at_once(fail_to_log_in)

    # A failed login shows the form again with its message: 200, never 500.
    failures = [a for a in answers if a != 200]
    assert failures == [], f"{len(failures)} of {WRITERS} failed: {failures}"
    assert _one(server.database, "SELECT count(*) FROM axes_accessattempt") == before + WRITERS


def test_twenty_parallel_concerns_through_the_api_are_all_saved(server):
    before = _one(server.database, "SELECT count(*) FROM families_concern")
    topic = _one(server.database, "SELECT code FROM families_concerntopic LIMIT 1")

    def raise_a_concern(number: int, barrier: threading.Barrier) -> int:
        body = {
            "family": {"alias": f"Perhe R{number}", "children_birth_years": [2020]},
            "channel": "local_worker",
            "topics": [topic],
            "summary": "Aamut ovat vaikeita.",
            "consent": True,
        }
        request = urllib.request.Request(
            f"{server.url}/api/v1/concerns",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {server.token}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    answers = _all_at_once(raise_a_concern)

    failures = [a for a in answers if a != 201]
    assert failures == [], f"{len(failures)} of {WRITERS} failed: {failures}"
    assert _one(server.database, "SELECT count(*) FROM families_concern") == before + WRITERS


def test_the_file_is_in_write_ahead_log_mode(server):
    """Readers go on while one writes: WAL, set by the settings' init_command."""
    assert _one(server.database, "PRAGMA journal_mode") == "wal"
