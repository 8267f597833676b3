"""The outbox as a leaf: plain data in, one row per idempotency key, a lease
per claim, a sweep for what a killed worker left, a stable Message-ID."""

import ast
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import meeting_for
from yhdessa.errors import Conflict
from yhdessa.meetings.messages import resend_message
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import (
    Attachment,
    _record_failure,
    deliver,
    deliver_due,
    lease,
    queue_message,
    retry,
    sweep,
)


def plain(key: str = "k-1", **overrides) -> OutboxMessage:
    data = {
        "kind": OutboxMessage.Kind.INVITATION,
        "recipient": "vastaanottaja@test.example",
        "language": "sv",
        "subject": "Kallelse",
        "body": "Hej!",
        "idempotency_key": key,
    }
    return queue_message(**(data | overrides))


def tasks_for(message: OutboxMessage) -> int:
    return sum(1 for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [message.pk])


def test_queueing_writes_one_row_and_one_task_per_idempotency_key(db):
    first = plain()
    again = plain(subject="Another text, same key")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1 and tasks_for(first) == 1
    assert (first.status, first.language, first.channel) == ("pending", "sv", "email")
    assert first.next_attempt_at is not None and first.attempts == 0
    other = plain("k-2")
    assert other.pk != first.pk and other.uuid != first.uuid


def test_an_unknown_channel_or_a_binary_attachment_is_refused(db):
    with pytest.raises(ValueError, match="channel"):
        plain(channel="fax")
    with pytest.raises(ValueError, match="text"):
        plain(attachment=Attachment("a.pdf", "application/pdf", "%PDF"))
    assert not OutboxMessage.objects.exists()


def test_the_mail_carries_the_rows_message_id_and_its_attachment(db, smtp_server, settings):
    settings.SITE_URL = "https://yhdessa.kunta.example:8443/app"
    message = plain(
        attachment=Attachment("kutsu.ics", "text/calendar; method=CANCEL", "BEGIN:VCALENDAR")
    )
    assert message.message_id == f"<{message.uuid}@yhdessa.kunta.example>"
    assert deliver(message.pk) == "sent"
    mail = message_from_bytes(smtp_server.messages[0].content)
    assert mail["Message-ID"] == message.message_id
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert (part.get_param("method"), part.get_filename()) == ("CANCEL", "kutsu.ics")
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR"
    message.refresh_from_db()
    assert (message.status, message.leased_until, message.attempts) == ("sent", None, 1)


def test_a_claimed_message_belongs_to_its_worker_until_the_lease_ends(db, smtp_server):
    message = plain()
    now = timezone.now()
    # A worker claims it and is killed mid-send: the row stays SENDING.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", leased_until=now + lease(), attempts=1, next_attempt_at=None
    )
    assert deliver(message.pk, now=now) == "skipped"
    assert sweep(now=now + lease() - timedelta(seconds=1)) == 0
    assert deliver_due(now=now + lease() - timedelta(seconds=1)) == {}
    assert smtp_server.messages == []
    # The lease runs out: the sweep gives it back with a task of its own.
    tasks_before = tasks_for(message)
    assert sweep(now=now + lease() + timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.leased_until) == ("pending", None)
    assert tasks_for(message) == tasks_before + 1
    later = now + lease() + timedelta(seconds=2)
    assert sweep(now=later) == 0  # queued once, not at each sweep
    assert deliver(message.pk, now=later) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp_server.messages) == 1


def test_a_pending_message_whose_task_was_lost_is_queued_again(db):
    message = plain()
    due = message.next_attempt_at
    # Its task died with a worker before the claim (django-tasks-db leaves it RUNNING).
    DBTaskResult.objects.update(status="RUNNING")
    assert sweep(now=due + lease() - timedelta(seconds=1)) == 0
    assert sweep(now=due + lease() + timedelta(seconds=1)) == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    message.refresh_from_db()
    assert message.status == "pending"


def test_sent_and_failed_messages_are_never_swept(db):
    long_ago = timezone.now() - timedelta(days=1)
    sent, failed = plain("a"), plain("b")
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent", next_attempt_at=None)
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed", next_attempt_at=long_ago)
    assert sweep() == 0


def test_a_late_failure_does_not_undo_a_newer_try(db, dead_smtp):
    """The first worker's lease ran out and a second one took the message: the
    first one's failure, arriving late, changes nothing."""
    message = plain()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", leased_until=now - timedelta(seconds=1), attempts=1
    )
    sweep(now=now)
    # The second try is under way (attempt 2) when the first one's error lands.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", leased_until=now + lease(), attempts=2
    )
    stale = OutboxMessage(pk=message.pk, attempts=1)
    assert _record_failure(stale, ConnectionRefusedError("late"), now) == "skipped"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sending", 2, "")


def test_retry_is_for_failed_messages_only_and_only_once(db):
    message = plain()
    with pytest.raises(Conflict):
        retry(message)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=8)
    assert retry(message).status == "pending" and message.attempts == 0
    with pytest.raises(Conflict):  # the double submit
        retry(message)


def test_only_the_convener_may_resend(network, dead_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    meeting_for(network, invitees=("mikko",))
    message = OutboxMessage.objects.select_related("meeting").get(professional__isnull=False)
    assert deliver(message.pk) == "failed"
    for outsider in (network.member, network.convener2, network.coordinator):
        with pytest.raises(PermissionDenied):
            resend_message(actor=outsider, message=message)
    message.refresh_from_db()
    assert message.status == "failed"
    assert resend_message(actor=network.convener, message=message).status == "pending"


NOTIFY = Path(__file__).resolve().parents[1]
# The web pages over the outbox (views, urls) are the access layer's callers.
WEB_LAYER = {NOTIFY / "views.py", NOTIFY / "urls.py"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "yhdessa":
            modules |= {f"yhdessa.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_outbox_is_a_leaf():
    """style.md: notify imports no other app's code (a foreign key by string is fine)."""
    sources = [p for p in NOTIFY.rglob("*.py") if p not in WEB_LAYER and "tests" not in p.parts]
    assert NOTIFY / "services.py" in sources and NOTIFY / "migrations" / "__init__.py" in sources
    # errors and privacy are the project's own helpers, apps of none.
    foreign = {
        (path.relative_to(NOTIFY).as_posix(), module)
        for path in sources
        for module in imported_modules(path)
        if module.startswith("yhdessa")
        and not module.startswith(("yhdessa.notify", "yhdessa.errors", "yhdessa.privacy"))
    }
    assert foreign == set()
    helpers = [NOTIFY.parent / "errors.py", NOTIFY.parent / "privacy.py"]
    assert {m for h in helpers for m in imported_modules(h) if m.startswith("yhdessa")} == set()


def _under_way(message: OutboxMessage, now) -> None:
    """A worker has claimed the message and is talking to the mail server."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", leased_until=now + lease(), attempts=1, next_attempt_at=None
    )


def test_a_message_withdrawn_mid_send_is_not_retried_when_that_try_fails(network, dead_smtp):
    from yhdessa.families.services import withdraw_consent

    meeting = meeting_for(network)
    message = OutboxMessage.objects.filter(meeting=meeting).first()
    now = timezone.now()
    _under_way(message, now)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    # The try that was under way fails: it ends there, with nothing queued again.
    stale = OutboxMessage.objects.get(pk=message.pk)
    assert _record_failure(stale, ConnectionRefusedError("down"), now) == "stopped"
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == ("replaced", None)
    assert deliver_due(now=now + timedelta(days=1)) == {}


def test_a_killed_try_of_a_withdrawn_message_is_not_swept_back(network, smtp_server):
    from yhdessa.families.services import withdraw_consent

    meeting = meeting_for(network)
    message = OutboxMessage.objects.filter(meeting=meeting).first()
    now = timezone.now()
    _under_way(message, now)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    # The worker dies; after its lease the sweep would give the message back.
    later = now + lease() + timedelta(seconds=1)
    assert sweep(now=later) == 0
    message.refresh_from_db()
    assert message.status == "replaced"
    deliver_due(now=later)
    assert smtp_server.messages == []
