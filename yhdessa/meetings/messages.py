"""The messages a meeting sends: invitations, updates and cancellations to
every invitee and to the family, each with its calendar entry."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.notify.ics import meeting_ics
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_email

SUBJECTS = {
    OutboxMessage.Kind.INVITATION: gettext_lazy("Kutsu: Yhdessä aika %(date)s klo %(start)s"),
    OutboxMessage.Kind.UPDATE: gettext_lazy("Muuttunut aika: Yhdessä aika %(date)s klo %(start)s"),
    OutboxMessage.Kind.CANCELLATION: gettext_lazy("Peruttu: Yhdessä aika %(date)s klo %(start)s"),
}


def _message_texts(
    invitations: list[Invitation],
    meeting: Meeting,
    *,
    kind: str,
    language: str,
    to_family: bool,
    name: str,
    note: str = "",
) -> tuple[str, str, str]:
    with translation.override(language):
        when = timezone.localtime(meeting.starts_at)
        context = {
            "meeting": meeting,
            "name": name,
            "to_family": to_family,
            "kind": kind,
            "note": note,
            "date": formats.date_format(when, "DATE_FORMAT"),
            "weekday": formats.date_format(when, "l"),
            "start": formats.time_format(when, "TIME_FORMAT"),
            "end": formats.time_format(timezone.localtime(meeting.ends_at), "TIME_FORMAT"),
            "invitations": invitations,
            "site_url": settings.SITE_URL,
        }
        subject = str(SUBJECTS[kind]) % context
        body = render_to_string("notify/invitation.txt", context)
        ics = meeting_ics(
            meeting,
            summary=_("Yhdessä aika"),
            description=_("Kutsuja: %(name)s. Paikka: %(place)s.")
            % {"name": meeting.convener.name, "place": meeting.place},
            method="CANCEL" if kind == OutboxMessage.Kind.CANCELLATION else "REQUEST",
            invitations=invitations,
        )
    return subject, body, ics


def queue_meeting_messages(
    meeting: Meeting, kind: str = OutboxMessage.Kind.INVITATION, note: str = ""
) -> None:
    """One message per invitee with an email, and one to the family."""
    invitations = list(
        meeting.invitations.select_related("professional").prefetch_related(
            "professional__expertise"
        )
    )
    for invitation in invitations:
        professional = invitation.professional
        if not professional.email:
            continue
        subject, body, ics = _message_texts(
            invitations,
            meeting,
            kind=kind,
            language="fi",
            to_family=False,
            name=professional.name,
            note=note,
        )
        queue_email(
            kind=kind,
            recipient=professional.email,
            subject=subject,
            body=body,
            ics=ics,
            meeting=meeting,
            professional=professional,
        )
    family = meeting.concern.family
    if family.email:
        subject, body, ics = _message_texts(
            invitations,
            meeting,
            kind=kind,
            language=family.language,
            to_family=True,
            name="",
            note=note,
        )
        queue_email(
            kind=kind,
            recipient=family.email,
            subject=subject,
            body=body,
            ics=ics,
            meeting=meeting,
            to_family=True,
        )
