"""Queueing and delivering outbox messages.

A message is written in the caller's transaction together with a task for
the worker (django-tasks-db keeps its queue in the same database), so a
change and its messages commit or roll back together. The sender hands over
plain data and an idempotency key: the same key again is the same message.

Each row owns its delivery. The worker claims a message with a conditional
UPDATE (PENDING and due -> SENDING with a lease), so two workers never both
claim it; it sends by the row's channel (email over SMTP; SMS through the
backend of yhdessa.notify.sms) and records "sent" at once, before closing the
mail connection. A failure is retried with a doubling back-off until
OUTBOX_MAX_ATTEMPTS, after which the message stays visible as failed and can
be retried by hand. The claim, the lease, the failures and retries and the
sweep are the same for both channels; only the small sender differs.

django-tasks-db never recovers a task left RUNNING by a killed worker
(upstream django-tasks issue #46), so the outbox does not rely on it: the
worker sweeps (`sweep`, run by `manage.py worker` every OUTBOX_SWEEP_SECONDS)
and re-enqueues a message whose lease expired while SENDING, or that stayed
PENDING a lease past its due time (its task was lost). The only message a
kill can repeat is the one in flight, and every try of it carries the same
Message-ID (an email) or reference (an SMS), so the repeat is recognisable.
"""

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from email.mime.text import MIMEText
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa.errors import Conflict
from yhdessa.notify.models import SECRET_MARK, OutboxMessage
from yhdessa.notify.sms import Sms, get_backend
from yhdessa.privacy import normalise_phone_number

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
# At most this many messages are given back by one sweep; the next sweep
# takes the rest.
SWEEP_BATCH = 500

Status = OutboxMessage.Status
Channel = OutboxMessage.Channel


@dataclass(frozen=True)
class Attachment:
    """A text attachment: ``content_type`` is a text MIME type with its
    parameters, e.g. ``text/calendar; method=REQUEST``."""

    filename: str
    content_type: str
    text: str


def lease() -> timedelta:
    """How long a claimed message belongs to its worker. Longer than any one
    SMTP exchange (EMAIL_TIMEOUT per step) or SMS gateway request
    (SMS_GATEWAY_TIMEOUT) can take, or a slow send would be repeated."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed tries: 1, 2, 4 ... min, at most 6 h."""
    seconds = settings.OUTBOX_FIRST_RETRY_SECONDS * (2 ** max(attempts - 1, 0))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _enqueue(message_id: int, run_after: datetime | None = None) -> None:
    from yhdessa.notify.tasks import deliver_message

    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    task.enqueue(message_id)


def queue_message(
    *,
    channel: str = OutboxMessage.Channel.EMAIL,
    kind: str,
    recipient: str,
    language: str,
    subject: str,
    body: str,
    attachment: Attachment | None = None,
    idempotency_key: str,
    meeting_id: int | None = None,
    professional_id: int | None = None,
    to_family: bool = False,
    family_id: int | None = None,
    secret: str = "",
) -> OutboxMessage:
    """Write a message to the outbox; call inside the transaction that causes it.

    The same ``idempotency_key`` again returns the row already written (a
    unique constraint backs it), so a repeated enqueue never duplicates a
    message.

    An SMS (``channel="sms"``) goes to a phone number, stored in E.164
    (Finnish when it has no country code); ``body`` is the text sent, at
    most SMS_MAX_CHARS characters (shorten it with
    ``yhdessa.notify.sms.fit_sms``), and ``subject`` only titles it in the
    app. It carries no attachment. What breaks these rules is a ValueError.

    ``secret`` (e.g. the token of a family's personal link) goes where the
    body says SECRET_MARK, only when the message is sent; it is wiped once
    the message is sent or will never be, and the app never shows it.
    """
    # A subject is one line: a line break from a typed name must not stop
    # the message (SMTP refuses it) or add a header.
    subject = " ".join(subject.split())
    if channel == Channel.SMS:
        recipient, _text = _valid_sms(recipient, body.replace(SECRET_MARK, secret), attachment)
    elif channel != Channel.EMAIL:
        raise ValueError(f"No delivery for channel {channel!r}")
    if attachment and not attachment.content_type.startswith("text/"):
        raise ValueError("Only text attachments are supported")
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "channel": channel,
            "kind": kind,
            "recipient": recipient,
            "language": language,
            "subject": subject,
            "body": body,
            "secret": secret,
            "attachment": attachment.text if attachment else "",
            "attachment_name": attachment.filename if attachment else "",
            "attachment_type": attachment.content_type if attachment else "",
            "meeting_id": meeting_id,
            "professional_id": professional_id,
            "to_family": to_family,
            "family_id": family_id,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        _enqueue(message.pk)
    return message


def _valid_sms(recipient: str, body: str, attachment: Attachment | None) -> tuple[str, str]:
    """The SMS's number in E.164 and its text, or a ValueError."""
    if attachment:
        raise ValueError("An SMS carries no attachment")
    if len(body) > settings.SMS_MAX_CHARS:
        raise ValueError(
            f"The SMS is {len(body)} characters, more than SMS_MAX_CHARS "
            f"({settings.SMS_MAX_CHARS}): shorten it with fit_sms"
        )
    try:
        return normalise_phone_number(recipient), body
    except ValidationError as error:
        # The number itself stays out of the error: errors get logged.
        raise ValueError("The SMS recipient is not a valid phone number") from error


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for one try, unless it is sent, failed, not due or
    taken: one conditional UPDATE, so of two workers only one gets it."""
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=Status.SENDING,
        leased_until=now + lease(),
        attempts=F("attempts") + 1,
        next_attempt_at=None,
    )
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[message.recipient],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"Message-ID": message.message_id},
    )
    if message.attachment_type:
        content_type = Message()
        content_type["Content-Type"] = message.attachment_type
        part = MIMEText(message.attachment, content_type.get_content_subtype(), "utf-8")
        # Keep the type's parameters (e.g. a calendar's METHOD, which
        # calendar clients read from the part).
        for name, value in content_type.get_params()[1:]:
            part.set_param(name, value)
        part.add_header("Content-Disposition", "attachment", filename=message.attachment_name)
        email.attach(part)
    return email


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> str:
    gave_up = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    next_try = None if gave_up else now + backoff(message.attempts)
    # Only while the message is still this try's (its attempts are the token):
    # if the lease ran out and another worker took it, that try decides.
    this_try = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    )
    error_text = f"{type(error).__name__}: {error}"[:500]
    # Withdrawn while this try was under way: it ends here, never retried.
    if this_try.filter(stopped_at__isnull=False).update(
        status=Status.REPLACED,
        next_attempt_at=None,
        leased_until=None,
        last_error=error_text,
        secret="",
    ):
        return "stopped"
    recorded = this_try.update(
        status=Status.FAILED if gave_up else Status.PENDING,
        next_attempt_at=next_try,
        leased_until=None,
        last_error=error_text,
    )
    if not recorded:
        return "skipped"
    if next_try:
        _enqueue(message.pk, run_after=next_try)
    return "failed" if gave_up else "retry"


def _close(connection) -> None:
    # A failed QUIT changes nothing: the outcome is already decided.
    with contextlib.suppress(Exception):
        connection.close()


# A sender hands one claimed message to its channel's server and returns
# once the server has accepted it, with what is left to do after the send is
# recorded (closing a connection); it raises on any failure.
Sender = Callable[[OutboxMessage], Callable[[], None]]


def _send_email(message: OutboxMessage) -> Callable[[], None]:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        email = _email(message)
        email.connection = connection
        connection.open()
        if not connection.send_messages([email]):
            raise SMTPException("the message was not sent")
    except Exception:
        _close(connection)
        raise
    # QUIT only after the send is recorded, so that a kill can repeat as
    # little as possible.
    return lambda: _close(connection)


def _send_sms(message: OutboxMessage) -> Callable[[], None]:
    get_backend().send(Sms(to=message.recipient, text=message.text, reference=str(message.uuid)))
    return lambda: None


SENDERS: dict[str, Sender] = {Channel.EMAIL: _send_email, Channel.SMS: _send_sms}


def _send(message: OutboxMessage) -> Callable[[], None]:
    sender = SENDERS.get(message.channel)
    if sender is None:
        raise ValueError(f"No delivery for channel {message.channel!r}")
    return sender(message)


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """One delivery try of one message (what the worker runs), by its channel."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return "skipped"
    try:
        finish = _send(message)
    except Exception as error:  # noqa: BLE001 - any failure of a channel is retried
        return _record_failure(message, error, now)
    # The server has the message: record it before anything else, so that a
    # kill can repeat as little as possible.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        leased_until=None,
        next_attempt_at=None,
        last_error="",
        secret="",
    )
    finish()
    return "sent"


def _stalled(now: datetime) -> Q:
    """A message a killed worker left: its lease ran out while SENDING, or it
    stayed PENDING a whole lease past its due time (its task was lost)."""
    return Q(status=Status.SENDING, leased_until__lt=now) | Q(
        status=Status.PENDING, next_attempt_at__lt=now - lease()
    )


def _release_stalled(now: datetime, *, enqueue: bool) -> list[int]:
    """Make stalled messages due now again (and queue a task for each when
    ``enqueue``); return their ids."""
    stalled = _stalled(now)
    # A plain read first: nearly always there is nothing to do and no write.
    if not OutboxMessage.objects.filter(stalled).exists():
        return []
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(stalled)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        # A killed try of a withdrawn message is not given back: it ends.
        OutboxMessage.objects.filter(stalled, pk__in=ids, stopped_at__isnull=False).update(
            status=Status.REPLACED, leased_until=None, next_attempt_at=None, secret=""
        )
        ids = list(OutboxMessage.objects.filter(stalled, pk__in=ids).values_list("pk", flat=True))
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.PENDING, leased_until=None, next_attempt_at=now
        )
        if enqueue:
            for pk in ids:
                _enqueue(pk)
    return ids


def sweep(*, now: datetime | None = None) -> int:
    """The worker's periodic sweep: give every stalled message back to the
    queue. Returns how many were given back."""
    ids = _release_stalled(now or timezone.now(), enqueue=True)
    if ids:
        logger.warning("Outbox sweep: %d stalled message(s) queued again", len(ids))
    return len(ids)


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Release stalled messages, then try every pending message that is due,
    here and now: the manual sweep behind `manage.py deliver_outbox`."""
    now = now or timezone.now()
    _release_stalled(now, enqueue=False)
    due = OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    outcome: dict[str, int] = {}
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)):
        result = deliver(pk, now=now)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


@transaction.atomic
def withdraw_waiting(*, meeting_id: int, keep_prefix: str) -> int:
    """Messages of a meeting still waiting to be sent (pending or failed)
    will never be: a newer round of messages takes their place. Call in the
    transaction that queues the newer ones; those whose idempotency key
    starts with ``keep_prefix`` (the newer round itself) stay. A message
    being sent right now may still arrive, but if that try fails or its worker
    dies it is not tried again."""
    of_meeting = OutboxMessage.objects.filter(meeting_id=meeting_id).exclude(
        idempotency_key__startswith=keep_prefix
    )
    of_meeting.filter(status=Status.SENDING, stopped_at__isnull=True).update(
        stopped_at=timezone.now()
    )
    return of_meeting.filter(status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.REPLACED, next_attempt_at=None, secret=""
    )


def withdraw_keyed(*, key_prefix: str) -> int:
    """Messages not tied to a meeting (a poll's) still waiting to be sent
    will never be: their cause is gone. Same rule as withdraw_waiting."""
    keyed = OutboxMessage.objects.filter(idempotency_key__startswith=key_prefix)
    keyed.filter(status=Status.SENDING, stopped_at__isnull=True).update(stopped_at=timezone.now())
    return keyed.filter(status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.REPLACED, next_attempt_at=None, secret=""
    )


def retry(message: OutboxMessage) -> OutboxMessage:
    """Try a failed message again now, from the first attempt. The caller
    decides who may ask for it."""
    retried = OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    if not retried:
        raise Conflict(_("Viesti ei ole epäonnistunut; sitä ei tarvitse lähettää uudelleen."))
    _enqueue(message.pk)
    message.refresh_from_db(fields=["status", "next_attempt_at", "attempts"])
    return message
