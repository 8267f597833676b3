"""Calendar replies (iTIP REPLY, RFC 5546): an invitee who presses Accept or
Decline in their calendar sends the organiser a REPLY. Where the site has a
reply mailbox (CALENDAR_REPLY_ADDRESS), the invitations name it as the
organiser and ``read_calendar_replies`` reads its Maildir: each reply becomes
the invitee's answer, as if given by the link.

A reply counts only when it names a meeting of ours (its UID), comes from an
address invited to it, and answers the meeting's current version (SEQUENCE):
a reply to an old time is not an answer to the new one."""

import email
import mailbox
import re
from email.message import Message

from icalendar import Calendar

from yhdessa.errors import Conflict
from yhdessa.meetings.answers import answer_invitation
from yhdessa.meetings.models import Invitation, Meeting

PARTSTAT = {
    "ACCEPTED": Invitation.Answer.ACCEPTED,
    "DECLINED": Invitation.Answer.DECLINED,
}
UUID = re.compile(r"^([0-9a-f-]{36})@", re.IGNORECASE)


def _calendars(message: Message) -> list[bytes]:
    found = []
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            if payload:
                found.append(payload)
    return found


def apply_reply(data: bytes) -> list[Invitation]:
    """The answers in one REPLY calendar; returns the invitations answered."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError:
        return []
    if str(calendar.get("method", "")).upper() != "REPLY":
        return []
    answered = []
    for event in calendar.walk("VEVENT"):
        match = UUID.match(str(event.get("uid", "")))
        meeting = Meeting.objects.filter(uid=match.group(1)).first() if match else None
        if meeting is None or int(event.get("sequence", 0)) != meeting.sequence:
            continue
        attendees = event.get("attendee", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            address = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").strip()
            answer = PARTSTAT.get(str(attendee.params.get("PARTSTAT", "")).upper())
            invitation = (
                meeting.invitations.filter(professional__email__iexact=address)
                .select_related("professional")
                .first()
            )
            if answer is None or invitation is None:
                continue
            try:
                answered.append(answer_invitation(invitation=invitation, answer=answer))
            except Conflict:
                continue  # the meeting is over or cancelled: nothing to answer
    return answered


def read_maildir(path: str) -> tuple[int, int]:
    """Read every new message of the Maildir; each is moved to cur/ once
    read, so a second run (or a crash and a rerun) reads nothing twice.
    Returns (messages read, answers recorded)."""
    box = mailbox.Maildir(path, factory=None, create=False)
    messages = answers = 0
    for key in list(box.iterkeys()):
        item = box.get_message(key)
        if "S" in item.get_flags():
            continue
        parsed = email.message_from_bytes(item.as_bytes())
        for data in _calendars(parsed):
            answers += len(apply_reply(data))
        item.set_subdir("cur")
        item.add_flag("S")
        box[key] = item
        messages += 1
    return messages, answers
