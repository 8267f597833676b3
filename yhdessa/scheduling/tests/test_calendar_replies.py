"""Calendar replies: pressing Decline in a calendar app sends an iTIP REPLY
to the organiser; with the site's reply mailbox set up the invitations name
it, and read_calendar_replies turns each reply into the invitee's answer."""

import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from icalendar import Calendar, Event, vCalAddress

from conftest import meeting_for
from yhdessa.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _reply(meeting, address: str, partstat: str, sequence=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Kalenteri//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    event = Event()
    event.add("uid", meeting.ics_uid)
    event.add("sequence", meeting.sequence if sequence is None else sequence)
    attendee = vCalAddress(f"mailto:{address}")
    attendee.params["partstat"] = partstat
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _deliver(path, data: bytes) -> None:
    box = mailbox.Maildir(str(path), create=True)
    message = EmailMessage()
    message["Subject"] = "Hylätty: Yhdessä aika"
    message["From"] = "someone@example.org"
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
    _deliver(tmp_path, _reply(meeting, mikko.email.upper(), "DECLINED"))
    # A reply to an older version of the meeting, and one from a stranger, count for nothing.
    _deliver(tmp_path, _reply(meeting, network.people["leena"].email, "DECLINED", sequence=7))
    _deliver(tmp_path, _reply(meeting, "stranger@example.org", "ACCEPTED"))
    call_command("read_calendar_replies", str(tmp_path))
    answers = dict(meeting.invitations.values_list("professional__name", "answer"))
    assert answers == {"Mikko Harju": "declined", "Leena Koivisto": ""}
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1
    call_command("read_calendar_replies", str(tmp_path))  # read again: nothing twice
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1


def test_garbage_in_the_mailbox_is_read_past(network, tmp_path):
    tmp_path = tmp_path / "replies"
    meeting = meeting_for(network)
    _deliver(tmp_path, b"BEGIN:VCALENDAR\r\nthis is not a calendar")
    _deliver(tmp_path, _reply(meeting, network.people["leena"].email, "ACCEPTED"))
    call_command("read_calendar_replies", str(tmp_path))
    assert meeting.invitations.get(professional=network.people["leena"]).answer == "accepted"
