"""Calendar replies (iTIP REPLY, RFC 5546): an invitee who presses Accept or
Decline in their calendar sends the organiser a REPLY. Where the site has a
reply mailbox (CALENDAR_REPLY_ADDRESS), the invitations name it as the
organiser and ``read_calendar_replies`` reads its Maildir: each reply becomes
the invitee's answer, as if given by the link.

A reply counts only when it names a meeting of ours (its UID), names one
attendee, who is the message's sender and an active invitee, and answers the
meeting's current version (SEQUENCE): a reply to an old time is not an
answer to the new one, and nobody answers for a colleague. A message that is
not such a reply is read past (and marked read), never stops the reader."""

import email
import logging
import mailbox
import re
import uuid
from email.message import Message
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from icalendar import Calendar

from yhdessa.errors import Conflict
from yhdessa.meetings.answers import answer_invitation
from yhdessa.meetings.models import Invitation, Meeting

PARTSTAT = {
    "ACCEPTED": Invitation.Answer.ACCEPTED,
    "DECLINED": Invitation.Answer.DECLINED,
}
logger = logging.getLogger(__name__)
UUID = re.compile(r"^([0-9a-f-]{36})@", re.IGNORECASE)


def _calendars(message: Message) -> list[bytes]:
    found = []
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            if payload:
                found.append(payload)
    return found


def _address(value: str) -> str:
    return value.strip().removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()


def _meeting(event) -> Meeting | None:
    match = UUID.match(str(event.get("uid", "")))
    if not match:
        return None
    try:
        uid = uuid.UUID(match.group(1))
        sequence = int(event.get("sequence", 0))
    except (ValueError, TypeError):
        return None
    meeting = Meeting.objects.filter(uid=uid).first()
    return meeting if meeting is not None and sequence == meeting.sequence else None


def apply_reply(data: bytes, *, sender: str) -> list[Invitation]:
    """The sender's own answer in one REPLY calendar; returns the
    invitations answered (none when it is not such a reply)."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError:
        return []
    if str(calendar.get("method", "")).upper() != "REPLY":
        return []
    answered = []
    for event in calendar.walk("VEVENT"):
        meeting = _meeting(event)
        attendees = event.get("attendee", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        if meeting is None or len(attendees) != 1:
            continue
        attendee = attendees[0]
        address = _address(str(attendee))
        answer = PARTSTAT.get(str(attendee.params.get("PARTSTAT", "")).upper())
        if answer is None or address != _address(sender):
            continue
        invitation = (
            meeting.invitations.filter(
                professional__email__iexact=address, professional__is_active=True
            )
            .select_related("professional")
            .first()
        )
        if invitation is None:
            continue
        try:
            answered.append(answer_invitation(invitation=invitation, answer=answer))
        except (Conflict, ValidationError):
            continue  # the meeting is over or cancelled: nothing to answer
    return answered


def read_maildir(path: str) -> tuple[int, int]:
    """Read every new message of the Maildir; each is marked read once
    looked at, whatever it held, so a second run (or a crash and a rerun)
    reads nothing twice and one bad message never blocks the others.
    Returns (messages read, answers recorded)."""
    box = mailbox.Maildir(path, factory=None, create=False)
    messages = answers = 0
    for key in list(box.iterkeys()):
        item = box.get_message(key)
        if "S" in item.get_flags():
            continue
        try:
            parsed = email.message_from_bytes(item.as_bytes())
            _name, sender = parseaddr(str(parsed.get("From", "")))
            for data in _calendars(parsed):
                answers += len(apply_reply(data, sender=sender))
        except Exception:  # noqa: BLE001 - one message must not stop the reader
            logger.warning("Calendar reply %s could not be read", key, exc_info=False)
        item.set_subdir("cur")
        item.add_flag("S")
        box[key] = item
        messages += 1
    return messages, answers
