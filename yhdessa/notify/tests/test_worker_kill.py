"""Workers as real processes: one killed (SIGKILL) mid-batch loses nothing
(mail, and SMS through an HTTP gateway), and three racing for 300 messages
send each one once, run the sweep once per period between them and each
leave a heartbeat.

`manage.py worker` (what `make run` starts) against a real SMTP server (or
SMS gateway), on a database of its own (a SQLite file, or a scratch
PostgreSQL database when the suite runs on PostgreSQL), set up by
`manage.py migrate`.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from django.conf import settings

from conftest import _free_port
from yhdessa.notify.tests.conftest import SmsGateway, running_gateway

MESSAGES = 100
RACE_MESSAGES = 300
LEASE_SECONDS = 2
SWEEP_SECONDS = 0.5
TIMEOUT = 60

# Queue the messages, each with ``tasks`` delivery tasks (more than one: as
# if the sweep had queued it again while its first task still waited).
QUEUE = """
from django.db import transaction
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.notify.tasks import deliver_message
with transaction.atomic():
    for n in range({messages}):
        message = queue_message(
            kind=OutboxMessage.Kind.INVITATION,
            recipient=f"person{{n}}@test.example",
            language="fi",
            subject=f"Viesti {{n}}",
            body="Hei!",
            idempotency_key=f"test-{{n}}",
        )
        for _ in range({tasks} - 1):
            deliver_message.enqueue(message.pk)
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


def migrated(database_url: str, smtp_port: int) -> dict[str, str]:
    """The environment of the test's processes, its database migrated."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": "https://yhdessa.kunta.example",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "LOG_LEVEL": "ERROR",
    }
    manage("migrate", "--noinput", "--skip-checks", "-v", "0", env=env)
    return env


def test_a_killed_worker_loses_nothing_and_repeats_only_the_one_in_flight(
    scratch_database_url, holding_smtp_server, tmp_path
):
    """The server holds the 30th message without answering; the worker is
    killed with it in flight, a new worker finishes the batch."""
    inbox, port = holding_smtp_server
    env = migrated(scratch_database_url, port)
    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    second = None
    try:
        manage("shell", "-v", "0", "-c", QUEUE.format(messages=MESSAGES, tasks=1), env=env)
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


HEARTBEATS = """
import json
from yhdessa.notify.models import WorkerHeartbeat
print(json.dumps([b.name for b in WorkerHeartbeat.objects.all()]))
"""


def sweeps_run(log: Path) -> Counter:
    """How many times each period's outbox sweep ran, from the workers' JSON log lines."""
    periods: Counter = Counter()
    for text in log.read_text().splitlines():
        if not text.startswith("{"):
            continue
        line = json.loads(text)
        if line["logger"] == "yhdessa.notify.schedule" and "outbox_sweep" in line["message"]:
            periods[line["message"].split(" for the period from ")[1].split(" on ")[0]] += 1
    return periods


def test_workers_racing_for_the_same_messages_send_each_once(
    scratch_database_url, smtp_server, tmp_path
):
    """Three workers, three tasks for each of 300 messages: the claim (one
    conditional UPDATE) lets exactly one try send it. Meanwhile the sweep
    runs once per period, whichever worker claims it, and every worker
    writes its heartbeat."""
    env = migrated(scratch_database_url, settings.EMAIL_PORT)
    manage("shell", "-v", "0", "-c", QUEUE.format(messages=RACE_MESSAGES, tasks=3), env=env)
    log = tmp_path / "worker.log"
    workers = [start_worker(env, log) for _ in range(3)]
    try:
        rows = json.loads(manage("shell", "-v", "0", "-c", OUTCOME, env=env))
        time.sleep(4 * SWEEP_SECONDS)  # a few more periods, all three surely ticking
        heartbeats = json.loads(manage("shell", "-v", "0", "-c", HEARTBEATS, env=env))
    finally:
        for worker in workers:
            worker.terminate()  # a graceful stop: the task under way finishes
        for worker in workers:
            worker.wait(TIMEOUT)
    assert Counter(row["status"] for row in rows) == {"sent": RACE_MESSAGES}
    received = Counter(message_from_bytes(e.content)["Message-ID"] for e in smtp_server.messages)
    # None lost, none sent twice.
    assert received == Counter({row["message_id"]: 1 for row in rows})
    assert {row["attempts"] for row in rows} == {1}
    assert sorted(int(name.rsplit(":", 1)[1]) for name in heartbeats) == sorted(
        w.pid for w in workers
    )
    sweeps = sweeps_run(log)
    assert len(sweeps) >= 4, log.read_text()[-2000:]
    assert set(sweeps.values()) == {1}


SMS_MESSAGES = 20
SMS_QUEUE = """
from django.db import transaction
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
with transaction.atomic():
    for n in range({messages}):
        queue_message(
            channel=OutboxMessage.Channel.SMS,
            kind=OutboxMessage.Kind.INVITATION,
            recipient=f"040 {{1000000 + n}}",
            language="fi",
            subject=f"Viesti {{n}}",
            body=f"Hei! Viesti {{n}}.",
            idempotency_key=f"sms-{{n}}",
        )
"""


def test_an_sms_in_flight_when_its_worker_is_killed_is_swept_and_sent_again_as_itself(
    scratch_database_url, tmp_path
):
    """A real SMS gateway on localhost keeps the 10th SMS without answering;
    the worker is killed with it in flight (left SENDING), a new worker's
    sweep gives it back after its lease and sends it: the same reference, so
    a gateway that drops repeats delivers it once. Nothing else is repeated
    or lost."""
    hold_at = 10
    with running_gateway(SmsGateway(stall={hold_at})) as gateway:
        # No mail is sent: the mail server's address is one where nothing listens.
        env = migrated(scratch_database_url, _free_port()) | {
            "SMS_BACKEND": "yhdessa.notify.sms.HttpGatewayBackend",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_TIMEOUT": str(TIMEOUT),  # the kill, not a timeout, ends the try
        }
        log = tmp_path / "worker.log"
        first = start_worker(env, log)
        second = None
        try:
            manage("shell", "-v", "0", "-c", SMS_QUEUE.format(messages=SMS_MESSAGES), env=env)
            assert gateway.holding.wait(TIMEOUT), log.read_text()
            first.send_signal(signal.SIGKILL)
            first.wait(TIMEOUT)
            at_kill = len(gateway.requests)
            gateway.release()
            second = start_worker(env, log)
            rows = json.loads(manage("shell", "-v", "0", "-c", OUTCOME, env=env))
        finally:
            for worker in (first, second):
                if worker and worker.poll() is None:
                    worker.kill()
                    worker.wait(TIMEOUT)
        received = list(gateway.requests)

    assert at_kill == hold_at  # killed during the batch, the 10th in flight
    in_flight = received[hold_at - 1].fields()
    by_reference = {row["message_id"][1:].split("@")[0]: row for row in rows}
    assert len(by_reference) == SMS_MESSAGES
    assert Counter(row["status"] for row in rows) == {"sent": SMS_MESSAGES}
    references = Counter(request.fields()["reference"] for request in received)
    assert set(references) == set(by_reference)  # none lost
    assert {ref: n for ref, n in references.items() if n > 1} == {in_flight["reference"]: 2}
    assert by_reference[in_flight["reference"]]["attempts"] == 2
    # The repeat is the same message to the same number.
    tries = [r.fields() for r in received if r.fields()["reference"] == in_flight["reference"]]
    assert tries == [in_flight, in_flight]
    assert in_flight["to"] == by_reference[in_flight["reference"]]["recipient"]
    assert len(received) == SMS_MESSAGES + 1
