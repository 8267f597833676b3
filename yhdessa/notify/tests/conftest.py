"""Real infrastructure for tests that run the worker as a process of its own."""

import asyncio
import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from conftest import _free_port


@pytest.fixture
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """A database for processes the test starts (they cannot see pytest's):
    a SQLite file, or, when the tests run on PostgreSQL, a scratch database
    on the same server, dropped afterwards. Empty: migrate it first."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    config = connection.settings_dict
    server = {
        key: config[setting]
        for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER"))
        if config[setting]
    } | ({"password": config["PASSWORD"]} if config["PASSWORD"] else {})
    name = f"{config['NAME']}_worker_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"], safe="")
    host = f"{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}"
    try:
        yield f"postgres://{credentials}@{host}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class HoldingInbox:
    """Keeps every message. The ``hold_at``-th it keeps too, but answers only
    when released: its sender can be killed with that message in flight (the
    server has it, the sender has not heard so)."""

    def __init__(self, hold_at: int) -> None:
        self.messages: list = []
        self.hold_at = hold_at
        self.holding = threading.Event()
        self._release = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        if len(self.messages) == self.hold_at:
            self.loop = asyncio.get_running_loop()
            self.holding.set()
            await self._release.wait()
        return "250 Message accepted for delivery"

    def release(self) -> None:
        if self.loop:
            self.loop.call_soon_threadsafe(self._release.set)


@pytest.fixture
def holding_smtp_server() -> Iterator[tuple[HoldingInbox, int]]:
    """A real SMTP server (aiosmtpd) that holds its 30th message; yields the
    inbox and the port."""
    inbox = HoldingInbox(hold_at=30)
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    inbox.release()
    controller.stop()


@pytest.fixture(autouse=True)
def sms_dir(settings, tmp_path: Path) -> Path:
    """The demo SMS backend's directory, one per test (never the project's var/)."""
    settings.SMS_DIR = tmp_path / "sms"
    return settings.SMS_DIR


@dataclass(frozen=True)
class GatewayRequest:
    path: str
    content_type: str
    authorization: str
    body: bytes

    def fields(self) -> dict[str, str]:
        """The body's fields, JSON or a form, whichever was sent."""
        if self.content_type == "application/json":
            return json.loads(self.body)
        assert self.content_type == "application/x-www-form-urlencoded", self.content_type
        return {name: value for name, (value,) in parse_qs(self.body.decode()).items()}

    def basic_auth(self) -> str:
        kind, _, credentials = self.authorization.partition(" ")
        assert kind == "Basic", self.authorization
        return base64.b64decode(credentials).decode()


class SmsGateway:
    """A real HTTP server in a thread, standing in for an operator's SMS
    gateway. It keeps every request and answers each with the next status of
    ``answers`` (200 when none is left). The requests numbered in ``stall``
    (from 1) it keeps too, but answers only when released: a client's
    timeout, or a sender killed with the message in flight."""

    def __init__(self, answers=(), stall=()) -> None:
        self.requests: list[GatewayRequest] = []
        self.answers = list(answers)
        self.stall = set(stall)
        self.holding = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.url = ""

    def release(self) -> None:
        self._release.set()

    def references(self, field: str = "reference") -> list[str]:
        return [request.fields()[field] for request in self.requests]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        request = GatewayRequest(
            path=handler.path,
            content_type=handler.headers.get("Content-Type", ""),
            authorization=handler.headers.get("Authorization", ""),
            body=body,
        )
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
            status = self.answers.pop(0) if self.answers else 200
        if number in self.stall:
            self.holding.set()
            self._release.wait(60)
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@contextmanager
def running_gateway(gateway: SmsGateway) -> Iterator[SmsGateway]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            gateway._handle(self)

        def log_message(self, *args) -> None:
            pass

    # Port 0: the system picks a free one.
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A stalled answer to a client that has gone (timed out, killed) fails: expected.
    server.handle_error = lambda request, address: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/v1/send"
    try:
        yield gateway
    finally:
        gateway.release()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def sms_gateway(settings) -> Iterator[SmsGateway]:
    """A real local SMS gateway, configured as the outbox's SMS backend
    (JSON, default field names, no credentials)."""
    with running_gateway(SmsGateway()) as gateway:
        settings.SMS_BACKEND = "yhdessa.notify.sms.HttpGatewayBackend"
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_FORMAT = "json"
        settings.SMS_GATEWAY_TOKEN = settings.SMS_GATEWAY_USER = ""
        settings.SMS_GATEWAY_PASSWORD = ""
        settings.SMS_GATEWAY_FIELDS = {
            "to": "to",
            "text": "text",
            "sender": "from",
            "reference": "reference",
        }
        settings.SMS_SENDER = "Yhdessa"
        yield gateway
