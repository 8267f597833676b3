"""Reminders the working day before a meeting (Finnish public holidays are
not working days): to every invitee and to the family by its own channel.

The worker runs ``send_due_reminders`` every REMINDER_CHECK_SECONDS through
the schedule (once per period however many workers run); each reminder's
idempotency key names the meeting's version, so running it again, or a
worker killed half-way, sends nothing twice and misses nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yhdessa.meetings.messages import queue_meeting_messages
from yhdessa.meetings.models import Meeting
from yhdessa.network.working_days import previous_working_day
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.schedule import periodic

# Far enough to reach over the longest run of days off (Christmas to Epiphany).
LOOK_AHEAD = timedelta(days=10)


def due_reminders(now: datetime) -> list[Meeting]:
    """Scheduled meetings whose reminder day (the working day before) has
    come, from REMINDER_HOUR on that day."""
    local = timezone.localtime(now)
    if local.hour < settings.REMINDER_HOUR:
        return []
    today = local.date()
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LOOK_AHEAD
    ).select_related("concern__family", "convener")
    return [
        m for m in upcoming if previous_working_day(timezone.localtime(m.starts_at).date()) <= today
    ]


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due; returns for how many meetings."""
    meetings = due_reminders(now or timezone.now())
    for meeting in meetings:
        with transaction.atomic():
            queue_meeting_messages(meeting, OutboxMessage.Kind.REMINDER)
    return len(meetings)


@periodic("meeting_reminders", every=lambda: settings.REMINDER_CHECK_SECONDS)
def _reminders() -> None:
    send_due_reminders()
