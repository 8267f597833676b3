"""The messages a meeting sends: invitations, updates and cancellations to
every invitee and to the family, each with its calendar entry.

The meeting writes its own texts and calendar entries and hands the outbox
plain data; the outbox (yhdessa.notify) knows nothing of meetings.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa.access import require_convener
from yhdessa.accounts.models import User
from yhdessa.accounts.services import language_of
from yhdessa.errors import Conflict
from yhdessa.families.models import Concern
from yhdessa.formats import time_of_day
from yhdessa.meetings.calendar import meeting_ics
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import Attachment, queue_message, retry, withdraw_waiting

Kind = OutboxMessage.Kind

SUBJECTS = {
    Kind.INVITATION: gettext_lazy("Kutsu: %(title)s %(date)s %(time)s"),
    Kind.UPDATE: gettext_lazy("Muuttunut aika: %(title)s %(date)s %(time)s"),
    Kind.CANCELLATION: gettext_lazy("Peruttu: %(title)s %(date)s %(time)s"),
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
) -> tuple[str, str, Attachment]:
    with translation.override(language):
        when = timezone.localtime(meeting.starts_at)
        context = {
            "meeting": meeting,
            "name": name,
            "to_family": to_family,
            "kind": kind,
            "note": note,
            "title": str(meeting.title),
            "date": formats.date_format(when, "DATE_FORMAT"),
            "weekday": formats.date_format(when, "l"),
            "time": time_of_day(when),
            "times": time_of_day(when, meeting.ends_at),
            "invitations": invitations,
            "site_url": settings.SITE_URL,
        }
        subject = str(SUBJECTS[kind]) % context
        body = render_to_string("meetings/invitation.txt", context)
        method = "CANCEL" if kind == Kind.CANCELLATION else "REQUEST"
        ics = meeting_ics(
            meeting,
            summary=str(meeting.title),
            description=_("Kutsuja: %(name)s. Paikka: %(place)s.")
            % {"name": meeting.convener.name, "place": meeting.place},
            method=method,
            invitations=invitations,
        )
    return subject, body, Attachment("kutsu.ics", f"text/calendar; method={method}", ics)


def _idempotency_key(meeting: Meeting, kind: str, recipient: str) -> str:
    """One message per version of the meeting, kind and recipient: sending the
    same change twice writes nothing new."""
    return f"meeting:{meeting.pk}:seq{meeting.sequence}:{kind}:{recipient}"


def queue_meeting_messages(meeting: Meeting, kind: str = Kind.INVITATION, note: str = "") -> None:
    """One message per invitee with an email, and one to the family; call in
    the transaction of the change."""
    # A move or a cancel replaces whatever of the meeting still waits to be
    # sent (e.g. an invitation retrying after a failure): the old time or a
    # cancelled meeting never reaches anyone after the news.
    withdraw_waiting(
        meeting_id=meeting.pk, keep_prefix=f"meeting:{meeting.pk}:seq{meeting.sequence}:"
    )
    # The family withdrew its consent: nothing more reaches the family, and
    # the professionals hear only that the meeting is off, so that it leaves
    # their calendars (their entry would otherwise stand).
    withdrawn = _consent_withdrawn(meeting, lock=True)
    if withdrawn and kind != Kind.CANCELLATION:
        return
    invitations = list(
        meeting.invitations.select_related("professional__user").prefetch_related(
            "professional__expertise"
        )
    )
    for invitation in invitations:
        professional = invitation.professional
        if not professional.email:
            continue
        language = language_of(professional.user)
        subject, body, attachment = _message_texts(
            invitations,
            meeting,
            kind=kind,
            language=language,
            to_family=False,
            name=professional.name,
            note=note,
        )
        queue_message(
            kind=kind,
            recipient=professional.email,
            language=language,
            subject=subject,
            body=body,
            attachment=attachment,
            idempotency_key=_idempotency_key(meeting, kind, f"professional:{professional.pk}"),
            meeting_id=meeting.pk,
            professional_id=professional.pk,
        )
    family = meeting.concern.family
    if family.email and not withdrawn:
        subject, body, attachment = _message_texts(
            invitations,
            meeting,
            kind=kind,
            language=family.language,
            to_family=True,
            name="",
            note=note,
        )
        queue_message(
            kind=kind,
            recipient=family.email,
            language=family.language,
            subject=subject,
            body=body,
            attachment=attachment,
            idempotency_key=_idempotency_key(meeting, kind, "family"),
            meeting_id=meeting.pk,
            to_family=True,
        )
    _replace_sent(meeting, invitations, family_told=bool(family.email) and not withdrawn)


def _replace_sent(meeting: Meeting, invitations: list[Invitation], *, family_told: bool) -> None:
    """What was already sent of an earlier time is replaced too, for each
    recipient who now gets the newer message: the message list shows the old
    invitation as replaced (by the new time, or by the cancellation), not as
    the meeting's current one. Its sent time stays."""
    told = Q(professional_id__in=[i.professional_id for i in invitations if i.professional.email])
    if family_told:
        told |= Q(to_family=True)
    OutboxMessage.objects.filter(
        told, meeting_id=meeting.pk, status=OutboxMessage.Status.SENT
    ).exclude(idempotency_key__startswith=f"meeting:{meeting.pk}:seq{meeting.sequence}:").update(
        status=OutboxMessage.Status.REPLACED
    )


def _consent_withdrawn(meeting: Meeting, *, lock: bool = False) -> bool:
    """Whether the meeting's family withdrew its consent. Locked inside a
    write, so that a withdrawal committing at the same moment is seen."""
    concerns = Concern.objects.select_for_update() if lock else Concern.objects
    return concerns.filter(pk=meeting.concern_id, consent_withdrawn_at__isnull=False).exists()


def resend_message(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """The meeting's convener sends a failed message again."""
    if message.meeting_id is None:
        raise PermissionDenied(_("Vain koollekutsuja voi lähettää viestin uudelleen."))
    require_convener(actor, message.meeting)
    # After a withdrawal only a cancellation to a professional may go again:
    # it clears their calendar and tells the family nothing.
    clears_a_calendar = message.kind == OutboxMessage.Kind.CANCELLATION and not message.to_family
    if _consent_withdrawn(message.meeting) and not clears_a_calendar:
        raise Conflict(_("Perhe on perunut suostumuksensa: viestejä ei enää lähetetä."))
    return retry(message)
