"""A worker killed (SIGKILL) in the middle of a batch loses nothing.

Real processes throughout: `manage.py worker` against a real SMTP server,
on a database of their own (SQLite file, or a scratch PostgreSQL database
when the suite runs on PostgreSQL). The server holds the 30th message
without answering, the worker is killed with it in flight, a new worker is
started and finishes the batch: 0 lost, and only the one in flight is
repeated, with the same Message-ID.
"""

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from django.conf import settings

MESSAGES = 100
LEASE_SECONDS = 2
TIMEOUT = 30

QUEUE = f"""
from django.db import transaction
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
with transaction.atomic():
    for n in range({MESSAGES}):
        queue_message(
            kind=OutboxMessage.Kind.INVITATION,
            recipient=f"person{{n}}@test.example",
            language="fi",
            subject=f"Viesti {{n}}",
            body="Hei!",
            idempotency_key=f"kill-test-{{n}}",
        )
"""

# Wait (bounded) until no message is left undelivered, then list them all.
OUTCOME = f"""
import json, time
from yhdessa.notify.models import OutboxMessage
deadline = time.monotonic() + {TIMEOUT}
while OutboxMessage.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
    time.sleep(0.2)
rows = [
    {{"message_id": m.message_id, "status": m.status, "attempts": m.attempts,
      "recipient": m.recipient}}
    for m in OutboxMessage.objects.all()
]
print(json.dumps(rows))
"""


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=2 * TIMEOUT,  # longer than the outcome's own wait
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`make run`'s worker command, polling often so that the test is quick."""
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"]
            + ["--no-startup-delay", "--interval", "0.05", "--skip-checks"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_a_killed_worker_loses_nothing_and_repeats_only_the_one_in_flight(
    scratch_database_url, holding_smtp_server, tmp_path
):
    inbox, port = holding_smtp_server
    env = os.environ | {
        "DATABASE_URL": scratch_database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": "https://yhdessa.kunta.example",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "OUTBOX_SWEEP_SECONDS": "0.5",
        "LOG_LEVEL": "ERROR",
    }
    manage("migrate", "--noinput", "--skip-checks", "-v", "0", env=env)
    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    second = None
    try:
        manage("shell", "-v", "0", "-c", QUEUE, env=env)
        assert inbox.holding.wait(TIMEOUT), log.read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(TIMEOUT)
        at_kill = len(inbox.messages)
        inbox.release()
        second = start_worker(env, log)
        rows = json.loads(manage("shell", "-v", "0", "-c", OUTCOME, env=env))
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                worker.kill()
                worker.wait(TIMEOUT)

    assert at_kill == inbox.hold_at  # killed during the batch, the 30th in flight
    in_flight = message_from_bytes(inbox.messages[inbox.hold_at - 1].content)["Message-ID"]
    received = Counter(message_from_bytes(e.content)["Message-ID"] for e in inbox.messages)
    by_id = {row["message_id"]: row for row in rows}
    assert len(by_id) == MESSAGES
    assert Counter(row["status"] for row in rows) == {"sent": MESSAGES}
    lost = set(by_id) - set(received)
    assert lost == set()
    repeated = {message_id: n for message_id, n in received.items() if n > 1}
    assert repeated == {in_flight: 2}
    assert by_id[in_flight]["attempts"] == 2
    # The repeat is the same message to the same person, recognisable by its Message-ID.
    tries = [e for e in inbox.messages if message_from_bytes(e.content)["Message-ID"] == in_flight]
    assert [e.rcpt_tos for e in tries] == [[by_id[in_flight]["recipient"]]] * 2
    assert in_flight.endswith("@yhdessa.kunta.example>")
    assert len(inbox.messages) == MESSAGES + 1
