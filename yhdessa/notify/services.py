"""Queueing and delivering outbox messages.

A message is written in the caller's transaction together with a task for
the worker (django-tasks-db keeps its queue in the same database), so a
change and its messages commit or roll back together. The worker claims a
message with a short lease, sends it over SMTP and records the outcome; a
failure is retried with a doubling back-off until OUTBOX_MAX_ATTEMPTS, after
which the message stays visible as failed and can be retried by hand.
"""

from datetime import datetime, timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.notify.models import OutboxMessage

CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed tries: 1, 2, 4 ... min, at most 6 h."""
    seconds = settings.OUTBOX_FIRST_RETRY_SECONDS * (2 ** max(attempts - 1, 0))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _enqueue(message: OutboxMessage, run_after: datetime | None = None) -> None:
    from yhdessa.notify.tasks import deliver_message

    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    task.enqueue(message.pk)


def queue_email(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    ics: str = "",
    meeting=None,
    professional=None,
    to_family: bool = False,
) -> OutboxMessage:
    """Write a message to the outbox; call inside the transaction that causes it."""
    message = OutboxMessage.objects.create(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        ics=ics,
        meeting=meeting,
        professional=professional,
        to_family=to_family,
    )
    _enqueue(message)
    return message


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for one try, unless it is sent, failed, not due or taken."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = OutboxMessage.objects.filter(
        due, pk=message_id, status=OutboxMessage.Status.PENDING
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        from_email=settings.DEFAULT_FROM_EMAIL,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if message.ics:
        # A text/calendar part with its METHOD, as calendar clients expect.
        part = MIMEText(message.ics, "calendar", "utf-8")
        part.set_param("method", "CANCEL" if "METHOD:CANCEL" in message.ics else "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="kutsu.ics")
        email.attach(part)
    email.send()


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """One delivery try of one message (what the worker runs)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return "skipped"
    try:
        _send(message)
    except Exception as error:  # noqa: BLE001 - any failure of the mail path is retried
        gave_up = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        next_try = None if gave_up else now + backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
            next_attempt_at=next_try,
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        if next_try:
            _enqueue(message, run_after=next_try)
        return "failed" if gave_up else "retry"
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return "sent"


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Try every pending message that is due: the sweep behind `deliver_outbox`,
    for a message whose task was lost (e.g. a worker killed mid-send)."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=OutboxMessage.Status.PENDING,
    ).values_list("pk", flat=True)
    outcome: dict[str, int] = {}
    for pk in list(due):
        result = deliver(pk, now=now)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


@transaction.atomic
def retry_message(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """The convener asks for a failed message to be tried again now."""
    professional = getattr(actor, "professional", None)
    if (
        message.meeting is None
        or professional is None
        or (message.meeting.convener_id != professional.pk)
    ):
        raise PermissionDenied(_("Vain koollekutsuja voi lähettää viestin uudelleen."))
    if message.status != OutboxMessage.Status.FAILED:
        raise Conflict(_("Viesti ei ole epäonnistunut; sitä ei tarvitse lähettää uudelleen."))
    message.status = OutboxMessage.Status.PENDING
    message.next_attempt_at = None
    message.attempts = 0
    message.save(update_fields=["status", "next_attempt_at", "attempts"])
    _enqueue(message)
    return message
