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
from yhdessa.families.links import family_address, issue_link, link_url, message_link
from yhdessa.families.models import Concern, Family
from yhdessa.formats import time_of_day
from yhdessa.meetings.answer_links import answer_token, answer_url
from yhdessa.meetings.calendar import meeting_ics
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.notify.models import SECRET_MARK, OutboxMessage
from yhdessa.notify.services import Attachment, queue_message, retry, withdraw_waiting
from yhdessa.notify.sms import fit_sms

Kind = OutboxMessage.Kind
Channel = OutboxMessage.Channel

SUBJECTS = {
    Kind.INVITATION: gettext_lazy("Kutsu: %(title)s %(date)s %(time)s"),
    Kind.UPDATE: gettext_lazy("Muuttunut aika: %(title)s %(date)s %(time)s"),
    Kind.CANCELLATION: gettext_lazy("Peruttu: %(title)s %(date)s %(time)s"),
    Kind.REMINDER: gettext_lazy("Muistutus: %(title)s %(date)s %(time)s"),
}
# An update in which only the people changed (a substitute came in).
PEOPLE_CHANGED_SUBJECT = gettext_lazy("Kutsutut muuttuivat: %(title)s %(date)s %(time)s")


def _message_texts(
    invitations: list[Invitation],
    meeting: Meeting,
    *,
    kind: str,
    language: str,
    to_family: bool,
    name: str,
    note: str = "",
    family_link: str = "",
    answer_link: str = "",
    people_changed: bool = False,
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
            "family_link": family_link,
            "answer_link": answer_link,
            "people_changed": people_changed,
        }
        subject = str(PEOPLE_CHANGED_SUBJECT if people_changed else SUBJECTS[kind]) % context
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
    the transaction of the change. A reminder replaces nothing and carries
    no calendar entry (the invitation's stands)."""
    if kind == Kind.REMINDER:
        _queue_reminders(meeting)
        return
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
        meeting.invitations.exclude(status=Invitation.Status.WITHDRAWN)
        .select_related("professional__user")
        .prefetch_related("professional__expertise")
    )
    _queue_professional_messages(meeting, invitations, kind, note)
    family_told = False if withdrawn else _queue_family_message(meeting, invitations, kind, note)
    _replace_sent(meeting, invitations, family_told=family_told)


def queue_convener_notice(meeting: Meeting, *, key: str, texts) -> None:
    """Tell the meeting's convener at once (an invitee declined, the family
    needs another time). Without an email the convener sees it on the
    meeting page."""
    queue_professional_notice(meeting, meeting.convener, key=key, texts=texts)


def queue_professional_notice(meeting: Meeting, professional, *, key: str, texts) -> None:
    """Tell one professional by email about a meeting's family (a lead
    handed over, a plan shared): ``texts()`` gives (subject, lines), called
    in the professional's language. ``key`` names the event: the same event
    tells once. Nobody without an email."""
    if not professional.email:
        return
    language = language_of(professional.user)
    with translation.override(language):
        subject, lines = texts()
        body = "\n".join(lines)
    queue_message(
        kind=Kind.NOTICE,
        recipient=professional.email,
        language=language,
        subject=subject,
        body=body,
        idempotency_key=key,
        meeting_id=meeting.pk,
        professional_id=professional.pk,
    )


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + f"/meetings/{meeting.pk}/"


def queue_people_change(meeting: Meeting, newcomer: Invitation) -> None:
    """A substitute came in (the meeting's sequence already raised): the
    newcomer gets the invitation, the others and the family an update that
    says the people changed. The same rules as every round of messages: the
    older round still waiting is withdrawn, and after a withdrawal of
    consent nothing reaches the family."""
    withdraw_waiting(
        meeting_id=meeting.pk, keep_prefix=f"meeting:{meeting.pk}:seq{meeting.sequence}:"
    )
    withdrawn = _consent_withdrawn(meeting, lock=True)
    invitations = list(
        meeting.invitations.exclude(status=Invitation.Status.WITHDRAWN)
        .select_related("professional__user")
        .prefetch_related("professional__expertise")
    )
    new = [i for i in invitations if i.pk == newcomer.pk]
    others = [i for i in invitations if i.pk != newcomer.pk]
    _queue_professional_messages(meeting, new, Kind.INVITATION, "", recipients_list=invitations)
    _queue_professional_messages(
        meeting, others, Kind.UPDATE, "", recipients_list=invitations, people_changed=True
    )
    family_told = not withdrawn and _queue_family_message(
        meeting, invitations, Kind.UPDATE, "", people_changed=True
    )
    _replace_sent(meeting, invitations, family_told=family_told)


SMS_TEXTS = {
    Kind.INVITATION: gettext_lazy(
        "%(title)s %(weekday)s %(date)s %(time)s, %(place)s. Tiedot ja vastaus:"
    ),
    Kind.UPDATE: gettext_lazy(
        "%(title)s: uusi aika %(weekday)s %(date)s %(time)s, %(place)s. Tiedot:"
    ),
    Kind.CANCELLATION: gettext_lazy("%(title)s %(weekday)s %(date)s %(time)s on peruttu. Tiedot:"),
    Kind.REMINDER: gettext_lazy(
        "Muistutus: %(title)s %(weekday)s %(date)s %(time)s, %(place)s. Tiedot:"
    ),
}


def _sms_text(meeting: Meeting, kind: str, language: str) -> str:
    """The short text of an SMS (its link follows it)."""
    with translation.override(language):
        when = timezone.localtime(meeting.starts_at)
        return str(SMS_TEXTS[kind]) % {
            "title": str(meeting.title),
            "weekday": formats.date_format(when, "D"),
            "date": formats.date_format(when, "SHORT_DATE_FORMAT"),
            "time": time_of_day(when),
            "place": meeting.place,
        }


def professional_channels(meeting: Meeting, professional) -> set[str]:
    """How a professional is invited: by the channels of the team's
    invitation practice (email, SMS) that reach them; without a team (the
    family's own network) by email. Whoever no message reaches, or a
    practice that says "by phone", the convener calls (``to_call``)."""
    practice = getattr(meeting.team, "practice", None) if meeting.team_id else None
    channels = set()
    if professional.email and (practice is None or practice.by_email):
        channels.add(Channel.EMAIL)
    if professional.phone and practice is not None and practice.by_sms:
        channels.add(Channel.SMS)
    return channels


def to_call(meeting: Meeting, invitations: list[Invitation]) -> list[Invitation]:
    """The invitees the convener phones: everyone when the practice says
    "by phone", and anyone no message of the practice reaches."""
    practice = getattr(meeting.team, "practice", None) if meeting.team_id else None
    by_phone = practice is not None and practice.by_phone
    return [
        i for i in invitations if by_phone or not professional_channels(meeting, i.professional)
    ]


def _queue_family_message(
    meeting: Meeting,
    invitations: list[Invitation],
    kind: str,
    note: str,
    *,
    with_calendar: bool = True,
    people_changed: bool = False,
) -> bool:
    """The family's message by its own channel (email, or SMS for a family
    with only a phone or that chose it), with a link of its own to the
    family's page. Returns whether the family was told."""
    family = meeting.concern.family
    address = family_address(family)
    if address is None:
        return False
    channel, recipient = address
    key = _idempotency_key(meeting, kind, "family")
    if OutboxMessage.objects.filter(idempotency_key=key).exists():
        return True  # written already (a reminder run again): no new link
    token = issue_link(family=family)
    link = message_link(token)
    subject, body, attachment = _message_texts(
        invitations,
        meeting,
        kind=kind,
        language=family.language,
        to_family=True,
        name="",
        note=note,
        family_link=link,
        people_changed=people_changed,
    )
    if channel == Family.MessageChannel.SMS:
        text = _sms_text(meeting, kind, family.language)
        # Fitted with the whole link, which the message gets at sending.
        body, attachment = fit_sms(text, link_url(token)).replace(token, SECRET_MARK), None
    queue_message(
        channel=channel,
        kind=kind,
        recipient=recipient,
        language=family.language,
        subject=subject,
        body=body,
        attachment=attachment if with_calendar else None,
        idempotency_key=key,
        meeting_id=meeting.pk,
        to_family=True,
        secret=token,
    )
    return True


def _queue_professional_messages(
    meeting: Meeting,
    invitations: list[Invitation],
    kind: str,
    note: str,
    *,
    with_calendar: bool = True,
    recipients_list: list[Invitation] | None = None,
    people_changed: bool = False,
) -> None:
    """Each invitee's message by the channels of the team's practice that
    reach them, in their own language, with the link to answer it.
    ``recipients_list`` is whom the message lists, when not only these."""
    listed = invitations if recipients_list is None else recipients_list
    for invitation in invitations:
        professional = invitation.professional
        channels = professional_channels(meeting, professional)
        language = language_of(professional.user)
        # The answer link is the invitee's own: kept as the message's secret
        # (put in at sending, then wiped), so Viestit never shows it to others.
        token = answer_token(invitation) if kind != Kind.CANCELLATION else ""
        answer_link = answer_url(invitation).replace(token, SECRET_MARK) if token else ""
        if Channel.EMAIL in channels:
            subject, body, attachment = _message_texts(
                listed,
                meeting,
                kind=kind,
                language=language,
                to_family=False,
                name=professional.name,
                note=note,
                answer_link=answer_link,
                people_changed=people_changed,
            )
            queue_message(
                kind=kind,
                recipient=professional.email,
                language=language,
                subject=subject,
                body=body,
                attachment=attachment if with_calendar else None,
                idempotency_key=_idempotency_key(meeting, kind, f"professional:{professional.pk}"),
                meeting_id=meeting.pk,
                professional_id=professional.pk,
                secret=token,
            )
        if Channel.SMS in channels:
            # The answer link works without logging in; a cancellation links the meeting.
            link = (
                answer_url(invitation)
                if token
                else f"{settings.SITE_URL.rstrip('/')}/meetings/{meeting.pk}/"
            )
            queue_message(
                channel=Channel.SMS,
                kind=kind,
                recipient=professional.phone,
                language=language,
                subject=str(meeting.title),
                body=fit_sms(_sms_text(meeting, kind, language), link).replace(token, SECRET_MARK)
                if token
                else fit_sms(_sms_text(meeting, kind, language), link),
                idempotency_key=_idempotency_key(
                    meeting, kind, f"professional:{professional.pk}:sms"
                ),
                meeting_id=meeting.pk,
                professional_id=professional.pk,
                secret=token,
            )


def _queue_reminders(meeting: Meeting) -> None:
    """The working day before: every invitee not marked absent, and the
    family, each by their own channel. Once per version of the meeting (a
    moved meeting is reminded of again)."""
    if _consent_withdrawn(meeting, lock=True):
        return
    invitations = list(
        meeting.invitations.select_related("professional__user").exclude(
            status__in=[Invitation.Status.ABSENT, Invitation.Status.WITHDRAWN]
        )
    )
    _queue_professional_messages(meeting, invitations, Kind.REMINDER, "", with_calendar=False)
    _queue_family_message(meeting, invitations, Kind.REMINDER, "", with_calendar=False)


def _replace_sent(meeting: Meeting, invitations: list[Invitation], *, family_told: bool) -> None:
    """What was already sent of an earlier time is replaced too, for each
    recipient who now gets the newer message: the message list shows the old
    invitation as replaced (by the new time, or by the cancellation), not as
    the meeting's current one. Its sent time stays."""
    told = Q(
        professional_id__in=[
            i.professional_id for i in invitations if professional_channels(meeting, i.professional)
        ]
    )
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
