"""Convening, moving, cancelling and recording meetings.

Every state change locks the meeting's row (``select_for_update`` on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), reads its
state inside the transaction and checks it there, so two requests sent at
once cannot both win. People are locked before their bookings are checked,
so two conveners cannot book the same person into the same slot unseen.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict, DoubleBooked, PracticeNotKept
from yhdessa.families.models import Concern
from yhdessa.families.services import refuse_if_not_open
from yhdessa.formats import day_and_time
from yhdessa.meetings.messages import queue_meeting_messages
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.meetings.queries import busy_meetings, invitable_professionals, previous_meeting
from yhdessa.meetings.warnings import (
    away,
    away_text,
    double_booking,
    double_booking_text,
    kept_on_move,
)
from yhdessa.network.models import Professional
from yhdessa.network.practice import practice_warnings, team_warnings
from yhdessa.network.queries import team_for
from yhdessa.notify.models import OutboxMessage
from yhdessa.privacy import check_no_identity_codes, identity_code_errors
from yhdessa.scheduling.availability import busy_by_person
from yhdessa.scheduling.rooms import book_room, bookable_room, move_booking, release_room

MAX_INVITEES = 15
PLACE_MAX_LENGTH = Meeting._meta.get_field("place").max_length
# The family is always at the table: said by the service and by the form.
FAMILY_ALWAYS_PRESENT = gettext_lazy(
    "Yhdessä aika pidetään aina perheen kanssa. Jos perhe ei päässyt paikalle, sovi uusi aika."
)


def _check_time_and_place(
    *, starts_at: datetime, duration_minutes: int, place: str, now: datetime
) -> tuple[datetime, str, dict[str, str]]:
    """The rules every meeting time keeps, whether convened or moved."""
    place = (place or "").strip()
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    errors: dict[str, str] = {}
    if starts_at <= now:
        errors["starts_at"] = _("Valitse tuleva ajankohta.")
    elif starts_at > now + timedelta(days=366):
        errors["starts_at"] = _("Ajankohta on yli vuoden päässä.")
    if not 15 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("Varatun ajan pitää olla 15–480 minuuttia.")
    if not place:
        errors["place"] = _("Kerro paikka (perheen toive).")
    elif len(place) > PLACE_MAX_LENGTH:
        errors["place"] = _("Paikka on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": PLACE_MAX_LENGTH
        }
    else:
        errors.update(identity_code_errors(place=place))
    return starts_at, place, errors


# The forms ask the same as the services, so that a page shows every error at once.
check_time_and_place = _check_time_and_place


def _double_booking_warnings(busy: list[tuple[Professional, Meeting]], away_now) -> list[str]:
    return [double_booking_text(person.name, meeting.starts_at) for person, meeting in busy] + [
        away_text(person.name, starts_at) for person, starts_at in away_now
    ]


def _stored_warnings(breaches, busy: list[tuple[Professional, Meeting]], away_now=()) -> list[dict]:
    """What the meeting keeps of the warnings: codes, written out when shown."""
    return (
        [b.as_json() for b in breaches]
        + [double_booking(person.name, meeting.starts_at) for person, meeting in busy]
        + [away(person.name, starts_at) for person, starts_at in away_now]
    )


def _away(people, busy, *, starts_at: datetime, duration_minutes: int, team=None):
    """Who of these people is away then for a reason other than a meeting:
    an absence, their own calendar, a standing team's session, a poll's
    held time. A session of the team being booked does not count."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    in_meetings = {person.pk for person, _meeting in busy}
    # The meetings are read already (``busy``): only the other sources here.
    other = busy_by_person(
        set(people) - in_meetings,
        start=starts_at,
        end=ends_at,
        exclude_team=team.pk if team is not None else None,
        include_meetings=False,
    )
    away_ids = {pid for pid, times in other.items() if times}
    return [
        (person, starts_at)
        for person in Professional.objects.filter(pk__in=away_ids).order_by("name")
    ]


def check_invitees(
    concern: Concern, team, convener: Professional, invitee_ids: list[int]
) -> tuple[list[int], dict[int, Professional], str | None]:
    """The invitees as asked (each once), those of them the convener may
    invite, and what is wrong with the list (None: nothing). Shared by the
    convening and the polls."""
    unique_ids = list(dict.fromkeys(invitee_ids))
    invitable = {
        p.pk: p
        for p in invitable_professionals(concern=concern, team=team)
        .filter(pk__in=unique_ids)
        .exclude(pk=convener.pk)
    }
    error = None
    if not unique_ids:
        error = _("Valitse vähintään yksi kutsuttava asiantuntija.")
    elif len(unique_ids) > MAX_INVITEES:
        error = _("Enintään %(n)d kutsuttavaa.") % {"n": MAX_INVITEES}
    elif len(invitable) != len(unique_ids):
        error = (
            _("Kutsuttavien pitää olla perheen nykyisen verkoston aktiivisia ammattilaisia.")
            if concern.existing_support
            else _("Kutsuttavien pitää olla perhekeskustiimin aktiivisia jäseniä (ei itseäsi).")
        )
    return unique_ids, invitable, error


def _lock_people(ids) -> None:
    """Lock the people's rows in a fixed order, so that two bookings of the
    same person wait for each other instead of both reading 'free'."""
    list(Professional.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk"))


@transaction.atomic
def convene_meeting(*, actor: User, concern: Concern, **options) -> Meeting:
    """Convene a meeting from a team (the municipality's first unless chosen):
    invitations to every invitee and to the family.

    A time that breaks the team's invitation practice is recorded with its
    warnings; with ``confirm_practice_exceptions=False`` it is refused with
    PracticeNotKept instead, so that a page can ask the convener first.
    Booking someone over their existing meeting (or a time they are away) is
    refused with DoubleBooked unless ``confirm_double_booking``. ``room_id``
    books that room with the meeting; ``session_starts_at`` makes it a place
    of a standing team's session.
    """
    convener = access.require_may_convene(actor, concern)
    return convene_as(convener, concern=concern, **options)


@transaction.atomic
def convene_as(
    convener: Professional,
    *,
    concern: Concern,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    invitee_ids: list[int],
    team_id: int | None = None,
    confirm_practice_exceptions: bool = True,
    confirm_double_booking: bool = False,
    room_id: int | None = None,
    session_starts_at: datetime | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The convening itself (options as in convene_meeting), for a convener
    whose right the caller checked: convene_meeting, and the guidance service
    booking a session place for the worker it hands the family to."""
    # A closed concern, or a family that withdrew its consent, gets no meeting.
    refuse_if_not_open(concern.pk)
    now = now or timezone.now()
    # With existing early or special support, the family's own network is
    # invited instead of the family centre team.
    team = None if concern.existing_support else team_for(concern.family.municipality_id, team_id)
    room = None
    if room_id:
        # The room's name and address are the meeting's place.
        room = bookable_room(convener, concern.family.municipality_id, room_id, team)
        place = room.place_text
    starts_at, place, errors = _check_time_and_place(
        starts_at=starts_at, duration_minutes=duration_minutes, place=place, now=now
    )
    if team_id and team is None and not concern.existing_support:
        errors["team"] = _("Tiimiä ei löydy perheen kunnasta.")
    unique_ids, invitable, invitee_error = check_invitees(concern, team, convener, invitee_ids)
    if invitee_error:
        errors["invitees"] = invitee_error
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(place=place)

    practice = getattr(team, "practice", None) if team else None
    warnings = practice_warnings(
        practice,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        requested_on=timezone.localtime(now).date(),
    )
    warnings += team_warnings(
        team,
        # The convener is at the table too: their expertise covers a role.
        invitee_codes=[
            {e.code for e in p.expertise.all()} for p in [*invitable.values(), convener]
        ],
        birth_years=concern.family.children_birth_years,
        today=timezone.localtime(now).date(),
    )
    if warnings and not confirm_practice_exceptions:
        raise PracticeNotKept(warnings)
    people = [convener.pk, *unique_ids]
    _lock_people(people)
    busy = busy_meetings(
        people, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=duration_minutes)
    )
    away_now = _away(
        people, busy, starts_at=starts_at, duration_minutes=duration_minutes, team=team
    )
    if (busy or away_now) and not confirm_double_booking:
        raise DoubleBooked(_double_booking_warnings(busy, away_now))
    meeting = Meeting.objects.create(
        concern=concern,
        convener=convener,
        team=team,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        practice_warnings=_stored_warnings(warnings, busy, away_now),
        # Convened after a held meeting of the concern: its follow-up.
        follows=previous_meeting(concern),
        session_starts_at=session_starts_at,
    )
    if room is not None:
        book_room(meeting, room)
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, professional=invitable[pk]) for pk in unique_ids
    )
    queue_meeting_messages(meeting)
    return meeting


def _lock_scheduled(actor: User, meeting: Meeting, seen_sequence: int | None) -> Meeting:
    """The meeting locked for this transaction, checked to be scheduled and,
    when the caller says which version it saw, unchanged since."""
    access.require_convener(actor, meeting)
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("concern__family", "convener", "team__practice")
        .get(pk=meeting.pk)
    )
    if locked.status != Meeting.Status.SCHEDULED:
        raise Conflict(
            _("Vain sovittua tapaamista voi siirtää tai perua (tila: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    if seen_sequence is not None and seen_sequence != locked.sequence:
        raise Conflict(
            _(
                "Tapaamista on muutettu sillä välin, kun sivu oli auki. "
                "Tarkista sen nykyinen aika ja tila ja tee muutos uudelleen."
            )
        )
    return locked


def _bump_sequence(meeting: Meeting, **fields) -> Meeting:
    """Save the change and raise the calendar SEQUENCE in the same UPDATE."""
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1, **fields)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def reschedule_meeting(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    confirm_practice_exceptions: bool = True,
    confirm_double_booking: bool = False,
    seen_sequence: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move a meeting: everyone gets the new time as an updated calendar entry."""
    meeting = _lock_scheduled(actor, meeting, seen_sequence)
    # No new time goes to a family that withdrew its consent.
    refuse_if_not_open(meeting.concern_id)
    now = now or timezone.now()
    starts_at, place, errors = _check_time_and_place(
        starts_at=starts_at, duration_minutes=duration_minutes, place=place, now=now
    )
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(place=place)
    practice = getattr(meeting.team, "practice", None) if meeting.team else None
    warnings = practice_warnings(
        practice,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        requested_on=timezone.localtime(now).date(),
    )
    if warnings and not confirm_practice_exceptions:
        raise PracticeNotKept(warnings)
    people = [meeting.convener_id, *meeting.invitations.values_list("professional_id", flat=True)]
    _lock_people(people)
    busy = busy_meetings(
        people,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        exclude=meeting.pk,
    )
    away_now = _away(
        people,
        busy,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        team=meeting.team,
    )
    if (busy or away_now) and not confirm_double_booking:
        raise DoubleBooked(_double_booking_warnings(busy, away_now))
    meeting = _bump_sequence(
        meeting,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        practice_warnings=kept_on_move(meeting.practice_warnings)
        + _stored_warnings(warnings, busy, away_now),
        # The family's answer was to the old time: it answers the new one.
        family_answer="",
        family_answer_note="",
        family_answered_at=None,
    )
    # The room moves with the meeting, or the move is refused.
    move_booking(meeting)
    # Everyone answers the new time afresh.
    meeting.invitations.update(answer="", answer_note="", proposed_starts_at=None, answered_at=None)
    queue_meeting_messages(meeting, OutboxMessage.Kind.UPDATE)
    return meeting


@transaction.atomic
def cancel_meeting(
    *, actor: User, meeting: Meeting, note: str = "", seen_sequence: int | None = None
) -> Meeting:
    """Cancel a meeting: everyone's calendar entry is withdrawn."""
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Viesti on liian pitkä (enintään 500 merkkiä).")})
    check_no_identity_codes(note=note)
    meeting = _lock_scheduled(actor, meeting, seen_sequence)
    meeting = _bump_sequence(meeting, status=Meeting.Status.CANCELLED)
    release_room(meeting)
    queue_meeting_messages(meeting, OutboxMessage.Kind.CANCELLATION, note=note)
    return meeting


def lock_as_convener(actor: User, meeting: Meeting, *, cancelled_too: bool = False) -> Meeting:
    """The meeting's row locked for this transaction, its state read afresh,
    the actor checked to be its convener; a cancelled meeting takes no notes
    (unless ``cancelled_too``)."""
    access.require_convener(actor, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED and not cancelled_too:
        raise Conflict(_("Tapaaminen on peruttu."))
    return locked


@transaction.atomic
def record_meeting_held(
    *,
    actor: User,
    meeting: Meeting,
    attendee_ids: list[int],
    family_present: bool,
    now: datetime | None = None,
) -> Meeting:
    """The convener records who attended. The family is always present."""
    access.require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Conflict(
            _("Tapaaminen on jo kirjattu (%(status)s).") % {"status": meeting.get_status_display()}
        )
    if meeting.starts_at > now:
        raise Conflict(
            _("Tapaaminen alkaa %(when)s; sen voi kirjata pidetyksi vasta alettuaan.")
            % {"when": day_and_time(meeting.starts_at)}
        )
    errors = {}
    if family_present is not True:
        errors["family_present"] = str(FAMILY_ALWAYS_PRESENT)
    invited = {i.professional_id: i for i in meeting.invitations.all()}
    unknown = set(attendee_ids) - set(invited)
    if unknown:
        errors["attendees"] = _("Osallistujien pitää olla kutsuttuja.")
    if errors:
        raise ValidationError(errors)
    for professional_id, invitation in invited.items():
        invitation.status = (
            Invitation.Status.ATTENDED
            if professional_id in attendee_ids
            else Invitation.Status.ABSENT
        )
    Invitation.objects.bulk_update(invited.values(), ["status"])
    meeting.status = Meeting.Status.HELD
    meeting.family_present = True
    meeting.held_at = now
    meeting.save(update_fields=["status", "family_present", "held_at"])
    return meeting


@transaction.atomic
def record_called(*, actor: User, meeting: Meeting, invitation_id: int, called: bool = True):
    """The convener ticks that an invitee was phoned (or unticks a mistake)."""
    access.require_convener(actor, meeting)
    invitation = (
        Invitation.objects.select_for_update().filter(pk=invitation_id, meeting=meeting).first()
    )
    if invitation is None:
        raise ValidationError({"invitation": _("Kutsuttua ei löydy tästä tapaamisesta.")})
    invitation.called_at = timezone.now() if called else None
    invitation.save(update_fields=["called_at"])
    return invitation
