"""Calendar replies: pressing Decline in a calendar app sends an iTIP REPLY
to the organiser; with the site's reply mailbox set up the invitations name
it, and read_calendar_replies turns each reply into the invitee's answer."""

import mailbox
import re
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from icalendar import Calendar, Event, vCalAddress

from conftest import meeting_for
from yhdessa.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _reply(meeting, address: str, partstat: str, sequence=None, also=(), uid=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Kalenteri//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    event = Event()
    event.add("uid", uid or meeting.ics_uid)
    event.add("sequence", meeting.sequence if sequence is None else sequence)
    for each in (address, *also):
        attendee = vCalAddress(f"mailto:{each}")
        attendee.params["partstat"] = partstat
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _deliver(path, data: bytes, sender: str = "someone@example.org") -> None:
    box = mailbox.Maildir(str(path), create=True)
    message = EmailMessage()
    message["Subject"] = "Hylätty: Yhdessä aika"
    message["From"] = f"Lähettäjä <{sender}>"
    message.set_content("Declined.")
    message.add_attachment(data, maintype="text", subtype="calendar", filename="invite.ics")
    box.add(message)


def test_invitations_name_the_reply_mailbox_as_organiser(network, settings):
    settings.CALENDAR_REPLY_ADDRESS = "vastaukset@yhdessa.example"
    meeting = meeting_for(network)
    message = OutboxMessage.objects.filter(meeting=meeting, kind="invitation").first()
    event = Calendar.from_ical(message.attachment).walk("VEVENT")[0]
    assert str(event["organizer"]) == "mailto:vastaukset@yhdessa.example"


def test_a_decline_in_the_calendar_becomes_the_answer_once(network, tmp_path):
    tmp_path = tmp_path / "replies"
    meeting = meeting_for(network)
    mikko = network.people["mikko"]
    leena = network.people["leena"]
    _deliver(tmp_path, _reply(meeting, mikko.email.upper(), "DECLINED"), sender=mikko.email)
    # A reply to an older version of the meeting, one from a stranger, one
    # answering for a colleague and one naming two attendees count for nothing.
    _deliver(tmp_path, _reply(meeting, leena.email, "DECLINED", sequence=7), sender=leena.email)
    _deliver(tmp_path, _reply(meeting, "stranger@example.org", "ACCEPTED"), "stranger@example.org")
    _deliver(tmp_path, _reply(meeting, leena.email, "DECLINED"), sender=mikko.email)
    _deliver(
        tmp_path,
        _reply(meeting, mikko.email, "DECLINED", also=[leena.email]),
        sender=mikko.email,
    )
    call_command("read_calendar_replies", str(tmp_path))
    answers = dict(meeting.invitations.values_list("professional__name", "answer"))
    assert answers == {"Mikko Harju": "declined", "Leena Koivisto": ""}
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1
    call_command("read_calendar_replies", str(tmp_path))  # read again: nothing twice
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1


def test_garbage_in_the_mailbox_is_read_past(network, tmp_path):
    tmp_path = tmp_path / "replies"
    meeting = meeting_for(network)
    leena = network.people["leena"]
    _deliver(tmp_path, b"BEGIN:VCALENDAR\r\nthis is not a calendar")
    # A UID that looks like ours but is no UUID, and a sequence that is no number.
    _deliver(tmp_path, _reply(meeting, leena.email, "ACCEPTED", uid="0" * 36 + "@x"), leena.email)
    bad_sequence = re.sub(
        rb"SEQUENCE:\d+", b"SEQUENCE:abc", _reply(meeting, leena.email, "ACCEPTED")
    )
    _deliver(tmp_path, bad_sequence, leena.email)
    _deliver(tmp_path, _reply(meeting, leena.email, "ACCEPTED"), sender=leena.email)
    call_command("read_calendar_replies", str(tmp_path))
    assert meeting.invitations.get(professional=network.people["leena"]).answer == "accepted"
