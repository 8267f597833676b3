"""iCalendar invitations (RFC 5545/5546) so that a meeting lands in any calendar.

The UID is the meeting's own (a random UUID at this site's domain), the same
through every move and the cancel; SEQUENCE rises with each change."""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from yhdessa.meetings.models import Meeting


def _address(email: str, name: str, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
    return address


def meeting_ics(
    meeting: Meeting,
    *,
    summary: str,
    description: str,
    method: str = "REQUEST",
    invitations=None,
) -> str:
    """One VEVENT for the meeting; its UID stays, its SEQUENCE rises on change."""
    calendar = Calendar()
    calendar.add("prodid", "-//Yhdessä//yhdessa//FI")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting.ics_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add(
        "dtend", (meeting.starts_at + timedelta(minutes=meeting.duration_minutes)).astimezone(UTC)
    )
    event.add("summary", summary)
    event.add("location", meeting.place)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    # Calendar replies (iTIP REPLY) go to the organiser: to the site's own
    # reply mailbox where one is set up (read by read_calendar_replies),
    # otherwise to the convener.
    organiser_email = (
        settings.CALENDAR_REPLY_ADDRESS or meeting.convener.email or settings.DEFAULT_FROM_EMAIL
    )
    event.add("organizer", _address(organiser_email, meeting.convener.name))
    for invitation in meeting.invitations.all() if invitations is None else invitations:
        if invitation.professional.email:
            event.add(
                "attendee",
                _address(
                    invitation.professional.email,
                    invitation.professional.name,
                    role="REQ-PARTICIPANT",
                ),
            )
    calendar.add_component(event)
    return calendar.to_ical().decode()
