"""Polls: instead of one time the convener offers 2-5 candidate times to the
invitees and the family. Each answers yes / if need be / no for each (an
invitee from the signed link in the message or in the app, the family on its
own page); the convener sees the table and picks the winner, which convenes
the meeting and sends the invitations. While the poll is open its times are
held in the invitees' calendars (the slot finder counts them busy); picking
or cancelling releases them."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.accounts.services import language_of
from yhdessa.errors import Conflict
from yhdessa.families.links import family_address, issue_link, link_url, message_link
from yhdessa.families.models import Concern, Family
from yhdessa.families.services import refuse_if_not_open
from yhdessa.formats import time_of_day
from yhdessa.meetings.messages import professional_channels
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import check_invitees, check_time_and_place, convene_meeting
from yhdessa.network.models import Professional
from yhdessa.network.queries import team_for
from yhdessa.notify.models import SECRET_MARK, OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.notify.sms import fit_sms
from yhdessa.privacy import check_no_identity_codes
from yhdessa.scheduling.models import Poll, PollOption, PollVote
from yhdessa.scheduling.rooms import bookable_room

MIN_OPTIONS, MAX_OPTIONS = 2, 5
SALT = "yhdessa.scheduling.poll"
Answer = PollVote.Answer


# ---- links ---------------------------------------------------------------------


def poll_token(poll: Poll, professional: Professional) -> str:
    return signing.dumps({"p": poll.pk, "w": professional.pk}, salt=SALT, compress=True)


def poll_url(poll: Poll, professional: Professional) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "poll_public:answer", args=[poll_token(poll, professional)]
    )


def poll_for_token(token: str) -> tuple[Poll, Professional] | None:
    """The poll and the invitee a link names; None when altered or expired,
    or when the person is no longer asked."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.ANSWER_LINK_DAYS))
        poll_id, professional_id = int(data["p"]), int(data["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    poll = Poll.objects.select_related("convener").filter(pk=poll_id).first()
    if poll is None:
        return None
    professional = poll.invitees.filter(pk=professional_id, is_active=True).first()
    return (poll, professional) if professional else None


# ---- creating ------------------------------------------------------------------


@transaction.atomic
def create_poll(
    *,
    actor: User,
    concern: Concern,
    starts: list[datetime],
    duration_minutes: int,
    place: str,
    invitee_ids: list[int],
    team_id: int | None = None,
    room_id: int | None = None,
    now: datetime | None = None,
) -> Poll:
    convener = access.require_may_convene(actor, concern)
    refuse_if_not_open(concern.pk)
    now = now or timezone.now()
    team = None if concern.existing_support else team_for(concern.family.municipality_id, team_id)
    room = None
    if room_id:
        room = bookable_room(convener, concern.family.municipality_id, room_id, team)
        place = room.place_text
    starts = sorted({timezone.make_aware(s) if timezone.is_naive(s) else s for s in starts})
    errors: dict[str, str] = {}
    if not MIN_OPTIONS <= len(starts) <= MAX_OPTIONS:
        errors["starts"] = _("Tarjoa %(min)d–%(max)d eri aikaa.") % {
            "min": MIN_OPTIONS,
            "max": MAX_OPTIONS,
        }
    for start in starts:
        _start, place, time_errors = check_time_and_place(
            starts_at=start, duration_minutes=duration_minutes, place=place, now=now
        )
        for key, message in time_errors.items():
            errors.setdefault("starts" if key == "starts_at" else key, message)
    _ids, invitable, invitee_error = check_invitees(concern, team, convener, invitee_ids)
    if invitee_error:
        errors["invitees"] = invitee_error
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(place=place)
    # One open poll per concern: a second tab's submit is the same poll.
    Concern.objects.select_for_update().filter(pk=concern.pk).first()
    if Poll.objects.filter(concern=concern, status=Poll.Status.OPEN).exists():
        raise Conflict(_("Perheellä on jo avoin aikakysely. Valitse siitä aika tai peru se ensin."))
    poll = Poll.objects.create(
        concern=concern,
        convener=convener,
        team=team,
        duration_minutes=duration_minutes,
        place=place,
        room=room,
    )
    poll.invitees.set(invitable.values())
    PollOption.objects.bulk_create(PollOption(poll=poll, starts_at=s) for s in starts)
    _queue_poll_messages(poll)
    return poll


def _times_text(options: list[PollOption]) -> list[str]:
    """The candidate times as a list, in the active language."""
    return [
        f"- {formats.date_format(timezone.localtime(o.starts_at), 'D j.n.Y')} "
        f"{time_of_day(timezone.localtime(o.starts_at))}"
        for o in options
    ]


def _queue_poll_messages(poll: Poll) -> None:
    """Each invitee gets the candidate times and their own answer link; the
    family gets a link to its page, where it answers."""
    probe = Meeting(team=poll.team, convener=poll.convener)
    options = list(poll.options.all())
    for person in poll.invitees.select_related("user"):
        language = language_of(person.user)
        channels = professional_channels(probe, person)
        url = poll_url(poll, person)
        with translation.override(language):
            subject = _("Aikakysely: Yhdessä aika – mitkä ajat sopivat?")
            body = "\n".join(
                [
                    _("Hei %(name)s,") % {"name": person.name},
                    "",
                    _(
                        "%(convener)s etsii aikaa Yhdessä ajalle perheen kanssa. Kerro, mitkä "
                        "näistä ajoista sopivat (sopii / sopii tarvittaessa / ei sovi):"
                    )
                    % {"convener": poll.convener.name},
                    *_times_text(options),
                    "",
                    _("Paikka: %(place)s. Varattu aika %(minutes)d min.")
                    % {"place": poll.place, "minutes": poll.duration_minutes},
                    "",
                    _("Vastaa tästä (ei vaadi kirjautumista): %(url)s") % {"url": url},
                ]
            )
            sms = _("Aikakysely: Yhdessä aika, %(n)d vaihtoehtoa. Vastaa:") % {"n": len(options)}
        if OutboxMessage.Channel.EMAIL in channels:
            queue_message(
                kind=OutboxMessage.Kind.POLL,
                recipient=person.email,
                language=language,
                subject=subject,
                body=body,
                idempotency_key=f"poll:{poll.pk}:professional:{person.pk}",
                professional_id=person.pk,
            )
        if OutboxMessage.Channel.SMS in channels:
            queue_message(
                channel=OutboxMessage.Channel.SMS,
                kind=OutboxMessage.Kind.POLL,
                recipient=person.phone,
                language=language,
                subject=subject,
                body=fit_sms(sms, url),
                idempotency_key=f"poll:{poll.pk}:professional:{person.pk}:sms",
                professional_id=person.pk,
            )
    family = poll.concern.family
    address = family_address(family)
    if address is None:
        return
    channel, recipient = address
    token = issue_link(family=family)
    with translation.override(family.language):
        subject = _("Mikä aika teille sopisi? Yhdessä aika")
        body = "\n".join(
            [
                _("Hei,"),
                "",
                _(
                    "%(convener)s etsii Yhdessä ajalle aikaa, joka sopii teille ja "
                    "kutsutuille. Vaihtoehdot:"
                )
                % {"convener": poll.convener.name},
                *_times_text(options),
                "",
                _("Kertokaa omalla sivullanne, mitkä ajat sopivat: %(url)s")
                % {"url": message_link(token)},
            ]
        )
        text = _("Yhdessä aika: mitkä ajat sopivat teille? Vastatkaa:")
    if channel == Family.MessageChannel.SMS:
        body = fit_sms(text, link_url(token)).replace(token, SECRET_MARK)
    queue_message(
        channel=channel,
        kind=OutboxMessage.Kind.POLL,
        recipient=recipient,
        language=family.language,
        subject=subject,
        body=body,
        idempotency_key=f"poll:{poll.pk}:family",
        to_family=True,
        family_id=family.pk,
        secret=token,
    )


# ---- answering -----------------------------------------------------------------


@transaction.atomic
def vote(*, poll: Poll, answers: dict[int, str], professional: Professional | None = None):
    """Record an invitee's (or, without ``professional``, the family's)
    answers, one per candidate time; answering again replaces them."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != Poll.Status.OPEN:
        raise Conflict(_("Aikakysely on jo päättynyt."))
    refuse_if_not_open(poll.concern_id)
    if professional is not None and not poll.invitees.filter(pk=professional.pk).exists():
        raise Conflict(_("Sinua ei ole kysytty tässä aikakyselyssä."))
    options = {o.pk: o for o in poll.options.all()}
    errors = {}
    if set(answers) - set(options) or any(a not in Answer.values for a in answers.values()):
        errors["answers"] = _("Vastaa jokaiseen aikaan: sopii, sopii tarvittaessa tai ei sovi.")
    elif set(answers) != set(options):
        errors["answers"] = _("Vastaa jokaiseen aikaan: sopii, sopii tarvittaessa tai ei sovi.")
    if errors:
        raise ValidationError(errors)
    for option_id, answer in answers.items():
        PollVote.objects.update_or_create(
            option=options[option_id], professional=professional, defaults={"answer": answer}
        )


@dataclass
class OptionRow:
    option: PollOption
    answers: list[str]  # in the order of the table's columns ("" = not answered)
    counts: Counter
    columns: list[str]

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(column, answer) pairs: a phone's table labels each cell."""
        return list(zip(self.columns, self.answers, strict=True))

    @property
    def score(self) -> tuple[int, int]:
        """No one saying no first, then the most yeses."""
        return (-self.counts[Answer.NO], self.counts[Answer.YES] * 2 + self.counts[Answer.MAYBE])


def poll_table(poll: Poll) -> tuple[list[str], list[OptionRow]]:
    """The convener's table: a column per invitee and the family, a row per time."""
    people = sorted(poll.invitees.all(), key=lambda p: p.name)
    columns = [p.name for p in people] + [str(_("Perhe"))]
    keys = [p.pk for p in people] + [None]
    rows = []
    for option in poll.options.prefetch_related("votes"):
        given = {v.professional_id: v.answer for v in option.votes.all()}
        answers = [given.get(k, "") for k in keys]
        rows.append(OptionRow(option, answers, Counter(a for a in answers if a), columns))
    return columns, rows


def family_polls(family: Family):
    """The open polls of the family's concerns, for its own page."""
    return (
        Poll.objects.filter(concern__family=family, status=Poll.Status.OPEN)
        .select_related("convener")
        .prefetch_related("options__votes")
    )


def answers_from(post, poll: Poll) -> dict[int, str]:
    """The radio answers of a poll form: ``option-<pk>`` = yes / maybe / no."""
    found = {}
    for option in poll.options.all():
        value = post.get(f"option-{option.pk}")
        if value:
            found[option.pk] = value
    return found


def option_rows(poll: Poll, professional_id: int | None) -> list[tuple]:
    """Each candidate time with the reader's own answer (None = the family's)."""
    rows = []
    for option in poll.options.prefetch_related("votes"):
        mine = next(
            (v.answer for v in option.votes.all() if v.professional_id == professional_id), ""
        )
        rows.append((option, mine))
    return rows


# ---- deciding ------------------------------------------------------------------


@transaction.atomic
def decide_poll(
    *, actor: User, poll: Poll, option_id: int, confirm_double_booking: bool = False
) -> Meeting:
    """The convener picks the winning time: the meeting is convened with the
    poll's invitees and room, the invitations go out, the other times are
    released."""
    poll = Poll.objects.select_for_update().select_related("concern__family").get(pk=poll.pk)
    if access.acting_professional(actor) != poll.convener:
        raise PermissionDenied(_("Vain aikakyselyn tehnyt koollekutsuja voi valita ajan."))
    if poll.status != Poll.Status.OPEN:
        raise Conflict(_("Aikakysely on jo päättynyt."))
    option = poll.options.filter(pk=option_id).first()
    if option is None:
        raise ValidationError({"option": _("Valitse jokin kyselyn ajoista.")})
    # Released first, so that the poll's own held times do not count as busy.
    Poll.objects.filter(pk=poll.pk).update(status=Poll.Status.DECIDED)
    meeting = convene_meeting(
        actor=actor,
        concern=poll.concern,
        starts_at=option.starts_at,
        duration_minutes=poll.duration_minutes,
        place=poll.place,
        # Whoever has left since the poll was sent is not invited.
        invitee_ids=list(poll.invitees.filter(is_active=True).values_list("pk", flat=True)),
        team_id=poll.team_id,
        room_id=poll.room_id,
        confirm_practice_exceptions=True,
        confirm_double_booking=confirm_double_booking,
    )
    Poll.objects.filter(pk=poll.pk).update(meeting=meeting)
    return meeting


@transaction.atomic
def cancel_poll(*, actor: User, poll: Poll) -> Poll:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if access.acting_professional(actor) != poll.convener:
        raise PermissionDenied(_("Vain aikakyselyn tehnyt koollekutsuja voi perua sen."))
    if poll.status != Poll.Status.OPEN:
        raise Conflict(_("Aikakysely on jo päättynyt."))
    poll.status = Poll.Status.CANCELLED
    poll.save(update_fields=["status"])
    return poll
