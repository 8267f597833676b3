"""Real infrastructure for tests that run the worker as a process of its own."""

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

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
