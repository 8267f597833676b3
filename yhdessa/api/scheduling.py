"""Scheduling in the API: busy times, own absences and calendar, the slot
search, polls of candidate times, invitees' answers and substitutes, rooms
and a standing team's session places. Thin, as api.py: parse, check through
``yhdessa.access``, call the service, shape with a schema.

Busy times are times only: never what the time is (a meeting, an absence,
an own calendar's event). Every time the API takes lies within the years
2000-2100: the services compare and store them, and a time at the ends of
the calendar cannot even be converted to UTC.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt, field_validator

from yhdessa import access
from yhdessa.api.reference import CodeOut
from yhdessa.api.schemas import ErrorOut, Flag, Id, MeetingOut, PersonRef
from yhdessa.meetings import dashboard
from yhdessa.meetings.answers import answer_in_app, invite_substitute, open_for_answers, substitutes
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.meetings.queries import invitable_professionals
from yhdessa.network.models import Professional
from yhdessa.network.queries import teams_invitable_by, teams_of
from yhdessa.notify.models import OutboxMessage
from yhdessa.scheduling import feeds, polls, search, services
from yhdessa.scheduling.availability import HORIZON_DAYS, busy_by_person
from yhdessa.scheduling.models import Absence, CalendarSource, Poll, PollVote, Room
from yhdessa.scheduling.rooms import bookable_room, rooms_bookable_by
from yhdessa.scheduling.sessions import book_session, free_sessions
from yhdessa.web import object_id

router = Router()
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}

MAX_IDS = 50  # professionals per availability question, ids per list in a body
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_SESSIONS = 20


def _room_length(name: str) -> int:
    return Room._meta.get_field(name).max_length


# ---- input checks shared by the endpoints --------------------------------------


def _moment(value: datetime, field: str) -> datetime:
    """An aware time within the years the API takes (naive: Finnish local time)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError({field: _("Anna aika vuosilta %(first)d–%(last)d.") % _years()})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _day(value: date, field: str) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError({field: _("Anna päivä vuosilta %(first)d–%(last)d.") % _years()})
    return value


def _years() -> dict[str, int]:
    return {"first": FIRST_YEAR, "last": LAST_YEAR}


def _ids(text: str, field: str) -> list[int]:
    """Comma-separated ids of a query string ("1,2,3"), each ASCII digits."""
    parts = [p.strip() for p in text.split(",")]
    ids = [object_id(p) for p in parts]
    if not text.strip() or None in ids:
        raise ValidationError({field: _("Anna tunnisteet pilkuin eroteltuina, esim. 1,2,3.")})
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_IDS:
        raise ValidationError({field: _("Enintään %(n)d tunnistetta kerralla.") % {"n": MAX_IDS}})
    return unique


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None


def _meeting_after_write(pk: int) -> dict:
    # api.py imports this router, so its meeting shaping is imported when used.
    from yhdessa.api.api import _meeting_after_write as shaped

    return shaped(pk)


# ---- reference lists -------------------------------------------------------------


@router.get(
    "/absence-kinds",
    response={200: list[CodeOut], 401: ErrorOut},
    tags=["reference"],
    summary="Absence kinds",
)
def list_absence_kinds(request: HttpRequest):
    """An absence's `kind`: only a kind is kept, never a free-text reason."""
    return [CodeOut(code=c.value, name=str(c.label)) for c in Absence.Kind]


@router.get(
    "/invitation-answers",
    response={200: list[CodeOut], 401: ErrorOut},
    tags=["reference"],
    summary="Invitation answers",
)
def list_invitation_answers(request: HttpRequest):
    """An invitee's `answer` to a meeting (`proposed` needs `proposed_starts_at`)."""
    return [CodeOut(code=c.value, name=str(c.label)) for c in Invitation.Answer]


@router.get(
    "/poll-answers",
    response={200: list[CodeOut], 401: ErrorOut},
    tags=["reference"],
    summary="Poll answers",
)
def list_poll_answers(request: HttpRequest):
    """An answer to one candidate time of a poll."""
    return [CodeOut(code=c.value, name=str(c.label)) for c in PollVote.Answer]


# ---- availability ------------------------------------------------------------------


class BusyOut(Schema):
    starts_at: datetime
    ends_at: datetime


class AvailabilityOut(Schema):
    professional_id: int
    busy: list[BusyOut] = Field(description="Merged busy times, cut to the period; never why")


@router.get(
    "/availability",
    response={200: list[AvailabilityOut], **ERRORS},
    tags=["availability"],
    summary="Busy times of professionals",
)
def availability(request: HttpRequest, professional_ids: str, start: datetime, end: datetime):
    """The busy times of the professionals you may invite (the active
    professionals of your own municipality; anyone else: 403), merged, in
    [start, end). At most 50 ids and 120 days."""
    me = access.require_professional(request.user)
    ids = _ids(professional_ids, "professional_ids")
    start, end = _moment(start, "start"), _moment(end, "end")
    if end <= start:
        raise ValidationError({"end": _("Loppu on ennen alkua.")})
    if end - start > timedelta(days=HORIZON_DAYS):
        raise ValidationError({"end": _("Enintään %(n)d päivää kerralla.") % {"n": HORIZON_DAYS}})
    invitable = set(
        Professional.objects.filter(
            pk__in=ids, municipality_id=me.municipality_id, is_active=True
        ).values_list("pk", flat=True)
    )
    if invitable != set(ids):
        raise PermissionDenied(_("Näet vain oman kuntasi aktiivisten ammattilaisten varatut ajat."))
    busy = busy_by_person(ids, start=start, end=end)
    return [
        AvailabilityOut(
            professional_id=pid,
            busy=[
                BusyOut(starts_at=_local(max(s, start)), ends_at=_local(min(e, end)))
                for s, e in feeds.merge(busy.get(pid, []))
            ],
        )
        for pid in ids
    ]


# ---- absences ------------------------------------------------------------------


class AbsenceIn(Schema):
    kind: str = Field(description="GET /absence-kinds")
    starts_on: date
    ends_on: date
    from_time: time | None = Field(
        None, description="Local time of day, e.g. 08:00; whole days without"
    )
    to_time: time | None = None
    weekdays: list[StrictInt] = Field(
        [], max_length=7, description="0 = Monday … 6 = Sunday; empty: every day of the range"
    )

    @field_validator("from_time", "to_time")
    @classmethod
    def _wall_clock(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(_("Anna kellonaika ilman aikavyöhykettä, esim. 08:00."))
        return value


class AbsenceOut(Schema):
    id: int
    kind: str
    starts_on: date
    ends_on: date
    from_time: time | None
    to_time: time | None
    weekdays: list[int]
    text: str = Field(description="The absence in words, in the caller's language")

    @staticmethod
    def resolve_text(obj: Absence) -> str:
        return services.absence_text(obj)


@router.get(
    "/absences",
    response={200: list[AbsenceOut], **ERRORS},
    tags=["availability"],
    summary="Own coming absences",
)
def list_absences(request: HttpRequest):
    """Your own absences that have not ended."""
    professional = access.require_own_availability(request.user)
    return list(services.upcoming_absences(professional))


@router.post(
    "/absences",
    response={201: AbsenceOut, **ERRORS},
    tags=["availability"],
    summary="Add an own absence",
)
def create_absence(request: HttpRequest, payload: AbsenceIn):
    """Your own absence: whole days, or hours; on some weekdays only when
    `weekdays` are given. Its time is not offered for meetings."""
    absence = services.add_absence(
        actor=request.user,
        kind=payload.kind,
        starts_on=_day(payload.starts_on, "starts_on"),
        ends_on=_day(payload.ends_on, "ends_on"),
        from_time=payload.from_time,
        to_time=payload.to_time,
        weekdays=payload.weekdays,
    )
    return Status(201, absence)


@router.delete(
    "/absences/{absence_id}",
    response={204: None, **ERRORS},
    tags=["availability"],
    summary="Remove an own absence",
)
def delete_absence(request: HttpRequest, absence_id: int):
    """Remove an absence of your own (anyone else's: 404)."""
    if not services.remove_absence(actor=request.user, absence_id=absence_id):
        raise Http404
    return Status(204, None)


# ---- own calendar ----------------------------------------------------------------


class CalendarOut(Schema):
    url: str | None = Field(
        description="The calendar link, masked (host and file name only: the link is a secret)"
    )
    read_at: datetime | None = Field(description="When the link was last read")
    uploaded_at: datetime | None = Field(description="When a file was last uploaded")
    error: str | None = Field(description="The last read's error code, if it failed")
    error_text: str | None
    busy_count: int = Field(description="Busy times kept from the link and the file")


class CalendarUploadOut(CalendarOut):
    read: int = Field(description="Busy times read from this file")


class CalendarUrlIn(Schema):
    url: str = Field(description="https://, http:// or webcal://; empty removes the link")


class CalendarUploadIn(Schema):
    ics: str = Field(description="The iCalendar file's text (text/calendar)")


def _calendar_state(professional: Professional) -> CalendarOut:
    source = CalendarSource.objects.filter(professional=professional).first()
    if source is None:
        source = CalendarSource(professional=professional)
    return CalendarOut(
        url=feeds.mask_url(source.url) if source.url else None,
        read_at=_local(source.read_at),
        uploaded_at=_local(source.uploaded_at),
        error=source.error or None,
        error_text=str(feeds.ERROR_TEXTS.get(source.error, source.error)) if source.error else None,
        busy_count=source.busy_count,
    )


def _calendar_refused(error: feeds.CalendarError, field: str) -> ValidationError:
    return ValidationError({field: str(feeds.ERROR_TEXTS.get(error.code, error.code))})


@router.get(
    "/calendar",
    response={200: CalendarOut, **ERRORS},
    tags=["availability"],
    summary="Own calendar",
)
def get_calendar(request: HttpRequest):
    """Your own calendar as busy times: the link (masked), when it was read
    and why not, and how many busy times are kept."""
    return _calendar_state(access.require_own_availability(request.user))


@router.put(
    "/calendar",
    response={200: CalendarOut, **ERRORS},
    tags=["availability"],
    summary="Set the own calendar link",
)
def put_calendar(request: HttpRequest, payload: CalendarUrlIn):
    """Save your calendar's private link; it is read in the background.
    A link inside a private network, or no link at all, is 422."""
    professional = access.require_own_availability(request.user)
    try:
        feeds.set_calendar_url(professional, payload.url)
    except feeds.CalendarError as error:
        raise _calendar_refused(error, "url") from error
    return _calendar_state(professional)


@router.post(
    "/calendar/upload",
    response={200: CalendarUploadOut, **ERRORS},
    tags=["availability"],
    summary="Upload an own calendar file",
)
def upload_calendar(request: HttpRequest, payload: CalendarUploadIn):
    """An .ics file's busy times in place of the previous file's (the
    link's stay). Only times are kept. An empty calendar forgets the file's
    times."""
    professional = access.require_own_availability(request.user)
    try:
        count = feeds.upload_calendar(professional, payload.ics.encode())
    except feeds.CalendarError as error:
        raise _calendar_refused(error, "ics") from error
    return CalendarUploadOut(**_calendar_state(professional).model_dump(), read=count)


@router.delete(
    "/calendar",
    response={200: CalendarOut, **ERRORS},
    tags=["availability"],
    summary="Remove the own calendar link",
)
def delete_calendar(request: HttpRequest):
    """Remove your calendar link and its busy times (an uploaded file's stay
    until you upload an empty calendar)."""
    professional = access.require_own_availability(request.user)
    feeds.set_calendar_url(professional, "")
    return _calendar_state(professional)


# ---- slot search -----------------------------------------------------------------


class SlotSearchIn(Schema):
    team_id: Id | None = Field(
        None, description="The team to convene from; the first one when left out"
    )
    needs: list[str] = Field([], max_length=MAX_IDS, description="Expertise codes (GET /expertise)")
    required: list[Id] = Field([], max_length=MAX_IDS, description="Members who must be free")
    optional: list[Id] = Field([], max_length=MAX_IDS, description="Members invited when free")
    named: dict[str, Id] = Field(
        {}, max_length=MAX_IDS, description="An expertise the family wants covered by this member"
    )
    family_times: list[tuple[datetime, datetime]] | None = Field(
        None,
        max_length=MAX_IDS,
        description="[[start, end], …] when the family can come; null: any",
    )
    room_id: Id | None = Field(None, description="A room you may book (GET /rooms)")
    duration_minutes: StrictInt | None = Field(None, description="The team's default when left out")
    waive_deadline: Flag = False
    waive_windows: Flag = False
    day_from: date | None = Field(None, description="A period to explain (a week by default)")
    day_to: date | None = None
    count: StrictInt = Field(3, ge=1, le=10)


class CoverOut(Schema):
    expertise: str
    expertise_name: str
    professional_id: int
    name: str


class FoundSlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    cover: list[CoverOut] = Field(description="Who covers each expertise asked for")
    optional_free: list[int] = Field(description="The optional invitees free then")


class NoteOut(Schema):
    code: str
    params: dict[str, Any]
    text: str = Field(description="In the caller's language")


class ExplanationOut(Schema):
    reasons: list[NoteOut] = Field(description="Why the period has too few slots")
    suggestions: list[NoteOut] = Field(description="What would open a slot, and when")


class SlotSearchOut(Schema):
    slots: list[FoundSlotOut]
    explanation: ExplanationOut | None


def _convening(request: HttpRequest, concern_id: int, team_id: int | None):
    """The concern the caller convenes for (its read logged), the caller and
    the team, as the convening page has them: the chosen team of the
    family's municipality (another's: 422), else its first; none when the
    family already has support."""
    concern = access.read_concern(
        request.user, concern_id, action=access.Action.CONVENE, via_api=True
    )
    me = access.require_professional(request.user)
    teams = [] if concern.existing_support else list(teams_of(concern.family.municipality_id))
    team = next((t for t in teams if t.pk == team_id), None) if team_id else None
    if team_id and team is None:
        raise ValidationError({"team_id": _("Tiimi ei ole perheen kunnan tiimi.")})
    return concern, me, team or (teams[0] if teams else None)


def _slot_request(payload: SlotSearchIn, team) -> search.SlotRequest:
    family_times = None
    if payload.family_times is not None:
        family_times = []
        for i, (begins, ends) in enumerate(payload.family_times):
            begins, ends = _moment(begins, "family_times"), _moment(ends, "family_times")
            if ends <= begins:
                raise ValidationError(
                    {"family_times": _("Ajan %(n)d loppu on ennen alkua.") % {"n": i + 1}}
                )
            family_times.append((begins, ends))
    day_from = _day(payload.day_from, "day_from") if payload.day_from else None
    day_to = _day(payload.day_to, "day_to") if payload.day_to else None
    if day_to and not day_from:
        raise ValidationError({"day_from": _("Anna myös ajanjakson alku.")})
    if day_from and day_to and not 0 <= (day_to - day_from).days < HORIZON_DAYS:
        raise ValidationError(
            {"day_to": _("Ajanjakson pitää olla 1–%(n)d päivää.") % {"n": HORIZON_DAYS}}
        )
    practice = getattr(team, "practice", None) if team else None
    return search.SlotRequest(
        needs=payload.needs,
        required=set(payload.required),
        optional=set(payload.optional),
        named=payload.named,
        family_times=family_times,
        room_id=payload.room_id,
        duration_minutes=payload.duration_minutes
        or getattr(practice, "default_duration_minutes", 90),
        waive_deadline=payload.waive_deadline,
        waive_windows=payload.waive_windows,
        day_from=day_from,
        day_to=day_to,
        count=payload.count,
    )


@router.post(
    "/concerns/{concern_id}/slot-search",
    response={200: SlotSearchOut, **ERRORS},
    tags=["slot search"],
    summary="Find meeting times",
)
def slot_search(request: HttpRequest, concern_id: int, payload: SlotSearchIn):
    """The earliest times when the expertise the family needs is covered and
    everyone required is free, within the team's practice; with `day_from`,
    the times of that period and, when it has fewer than `count`, why and
    what would open one. Only whoever may convene for the concern."""
    concern, me, team = _convening(request, concern_id, payload.team_id)
    people = list(invitable_professionals(concern=concern, team=team).exclude(pk=me.pk))
    slot_request = _slot_request(payload, team)
    if slot_request.room_id:
        bookable_room(me, concern.family.municipality_id, slot_request.room_id)
    answer = search.find(
        slot_request,
        convener=me,
        team=team,
        invitable=people,
        municipality_id=concern.family.municipality_id,
    )
    explanation = answer.explanation
    return SlotSearchOut(
        slots=[
            FoundSlotOut(
                starts_at=_local(slot.starts_at),
                ends_at=_local(slot.ends_at),
                cover=[
                    CoverOut(
                        expertise=code,
                        expertise_name=answer.expertise.get(code, code),
                        professional_id=pid,
                        name=answer.people[pid].name,
                    )
                    for code, pid in slot.cover.items()
                ],
                optional_free=sorted(slot.optional_free),
            )
            for slot in answer.slots
        ],
        explanation=None
        if explanation is None
        else ExplanationOut(
            reasons=[
                NoteOut(code=r.code, params=r.params, text=search.reason_text(r, answer))
                for r in explanation.reasons
            ],
            suggestions=[
                NoteOut(code=s.code, params=s.params, text=search.suggestion_text(s, answer))
                for s in explanation.suggestions
            ],
        ),
    )


# ---- polls ----------------------------------------------------------------------


class PollIn(Schema):
    starts: list[datetime] = Field(max_length=MAX_IDS, description="2-5 candidate times")
    duration_minutes: StrictInt
    place: str = Field("", description="Left out when a room is booked")
    invitees: list[Id] = Field(max_length=MAX_IDS)
    team_id: Id | None = None
    room_id: Id | None = None


class OptionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    answers: list[str] = Field(
        description="Each column's answer (yes, maybe, no; empty: not answered yet)"
    )
    yes: int
    maybe: int
    no: int


class PollOut(Schema):
    id: int
    concern: int
    status: str = Field(description="open, decided or cancelled")
    convener: PersonRef
    team: int | None
    duration_minutes: int
    place: str
    room: int | None
    meeting: int | None = Field(description="The meeting the decided time convened")
    invitees: list[PersonRef]
    columns: list[str] = Field(description="The invitees by name, then the family")
    options: list[OptionOut]
    best_option: int | None = Field(description="Nobody says no, then the most yeses")


class VoteIn(Schema):
    answers: dict[int, str] = Field(
        max_length=MAX_IDS, description="{option id: yes | maybe | no} for every time"
    )


class MyOptionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    answer: str = Field(description="Your answer; empty: not answered yet")


class AskedPollOut(Schema):
    """A poll you are asked in: the times and your answers, no family."""

    id: int
    convener: PersonRef
    duration_minutes: int
    place: str
    options: list[MyOptionOut]


class DecideIn(Schema):
    option_id: Id
    confirm_double_booking: Flag = Field(
        False, description="Convene although someone is booked then (else 409 with warnings)"
    )


def _poll_out(poll: Poll) -> PollOut:
    columns, rows = polls.poll_table(poll)
    length = timedelta(minutes=poll.duration_minutes)
    best = max(rows, key=lambda r: r.score).option.pk if rows else None
    return PollOut(
        id=poll.pk,
        concern=poll.concern_id,
        status=poll.status,
        convener=PersonRef(id=poll.convener_id, name=poll.convener.name),
        team=poll.team_id,
        duration_minutes=poll.duration_minutes,
        place=poll.place,
        room=poll.room_id,
        meeting=poll.meeting_id,
        invitees=[PersonRef(id=p.pk, name=p.name) for p in poll.invitees.order_by("name")],
        columns=columns,
        options=[
            OptionOut(
                id=row.option.pk,
                starts_at=_local(row.option.starts_at),
                ends_at=_local(row.option.starts_at + length),
                answers=row.answers,
                yes=row.counts[PollVote.Answer.YES],
                maybe=row.counts[PollVote.Answer.MAYBE],
                no=row.counts[PollVote.Answer.NO],
            )
            for row in rows
        ],
        best_option=best,
    )


def _asked_out(poll: Poll, professional: Professional) -> AskedPollOut:
    length = timedelta(minutes=poll.duration_minutes)
    return AskedPollOut(
        id=poll.pk,
        convener=PersonRef(id=poll.convener_id, name=poll.convener.name),
        duration_minutes=poll.duration_minutes,
        place=poll.place,
        options=[
            MyOptionOut(
                id=o.pk,
                starts_at=_local(o.starts_at),
                ends_at=_local(o.starts_at + length),
                answer=next(
                    (v.answer for v in o.votes.all() if v.professional_id == professional.pk), ""
                ),
            )
            for o in poll.options.all()
        ],
    )


def _convener_poll(request: HttpRequest, poll_id: int) -> Poll:
    """A poll of a concern the caller may convene for; the concern's read is logged."""
    poll = Poll.objects.select_related("convener").filter(pk=poll_id).first()
    if poll is None:
        raise Http404
    access.read_concern(request.user, poll.concern_id, action=access.Action.CONVENE, via_api=True)
    return poll


@router.post(
    "/concerns/{concern_id}/polls",
    response={201: PollOut, **ERRORS},
    tags=["polls"],
    summary="Offer candidate times",
)
def create_poll(request: HttpRequest, concern_id: int, payload: PollIn):
    """Offer 2-5 times to the invitees and the family; each gets a message
    with a link to answer. The times are held in the invitees' calendars
    until you decide. One open poll per concern (409)."""
    concern, _me, team = _convening(request, concern_id, payload.team_id)
    poll = polls.create_poll(
        actor=request.user,
        concern=concern,
        starts=[_moment(s, "starts") for s in payload.starts],
        duration_minutes=payload.duration_minutes,
        place=payload.place,
        invitee_ids=payload.invitees,
        team_id=team.pk if team else None,
        room_id=payload.room_id,
    )
    return Status(201, _poll_out(poll))


@router.get(
    "/polls/asked",
    response={200: list[AskedPollOut], **ERRORS},
    tags=["polls"],
    summary="Polls you are asked in",
)
def asked_polls(request: HttpRequest):
    """The open polls others ask you in, with your answers: times only."""
    me = access.require_professional(request.user)
    asked, _own = dashboard.open_polls(request.user)
    return [_asked_out(p, me) for p in asked]


@router.get("/polls/{poll_id}", response={200: PollOut, **ERRORS}, tags=["polls"], summary="A poll")
def get_poll(request: HttpRequest, poll_id: int):
    """The poll's table: a row per time, a column per invitee and the family."""
    return _poll_out(_convener_poll(request, poll_id))


@router.post(
    "/polls/{poll_id}/votes",
    response={200: AskedPollOut, **ERRORS},
    tags=["polls"],
    summary="Answer a poll",
)
def vote(request: HttpRequest, poll_id: int, payload: VoteIn):
    """Your own answer to every candidate time of a poll you are asked in
    (anyone else: 404); answering again replaces it. 409 once decided."""
    me = access.require_professional(request.user)
    poll = Poll.objects.filter(pk=poll_id, invitees=me).first()
    if poll is None:
        raise Http404
    polls.vote(poll=poll, answers=payload.answers, professional=me)
    fresh = Poll.objects.select_related("convener").prefetch_related("options__votes")
    return _asked_out(fresh.get(pk=poll.pk), me)


@router.post(
    "/polls/{poll_id}/decide",
    response={201: MeetingOut, **ERRORS},
    tags=["polls"],
    summary="Pick the winning time",
)
def decide(request: HttpRequest, poll_id: int, payload: DecideIn):
    """Convene the meeting at the chosen time with the poll's invitees and
    room; the invitations go out and the other times are released. Only
    the poll's convener (403); 409 when decided already or someone is booked
    then (with warnings)."""
    poll = _convener_poll(request, poll_id)
    meeting = polls.decide_poll(
        actor=request.user,
        poll=poll,
        option_id=payload.option_id,
        confirm_double_booking=payload.confirm_double_booking,
    )
    return Status(201, _meeting_after_write(meeting.pk))


@router.post(
    "/polls/{poll_id}/cancel",
    response={200: PollOut, **ERRORS},
    tags=["polls"],
    summary="Cancel a poll",
)
def cancel(request: HttpRequest, poll_id: int):
    """Cancel the open poll and release its times. Only its convener (403)."""
    poll = _convener_poll(request, poll_id)
    polls.cancel_poll(actor=request.user, poll=poll)
    return _poll_out(Poll.objects.select_related("convener").get(pk=poll.pk))


# ---- answers and substitutes -----------------------------------------------------


class AnswerIn(Schema):
    answer: str = Field(description="GET /invitation-answers: accepted, declined or proposed")
    note: str = Field("", description="A short message to the convener")
    proposed_starts_at: datetime | None = Field(None, description="Needed with proposed")


class InvitationRowOut(Schema):
    id: int
    professional: PersonRef
    expertise: str | None = Field(description="The expertise invited for, if named")
    status: str = Field(description="invited, attended, absent or withdrawn (replaced)")
    answer: str = Field(description="accepted, declined, proposed; empty: no answer yet")
    note: str
    proposed_starts_at: datetime | None
    answered_at: datetime | None
    replaces: int | None = Field(description="The declined invitation a substitute replaces")
    delivery: str = Field(
        description="The latest message's state: pending, sending, sent, failed, replaced; "
        "none when no message went"
    )


class SubstituteOut(Schema):
    id: int
    name: str
    expertise: list[str] = Field(description="The shared expertise, by name")


class SubstituteIn(Schema):
    professional_id: Id


def _invitation_rows(meeting: Meeting) -> list[InvitationRowOut]:
    latest: dict[int, str] = {}
    for message in sorted(meeting.messages.all(), key=lambda m: m.pk):
        if message.professional_id and not message.to_family:
            if message.kind != OutboxMessage.Kind.NOTICE:
                latest[message.professional_id] = message.status
    return [
        InvitationRowOut(
            id=i.pk,
            professional=PersonRef(id=i.professional_id, name=i.professional.name),
            expertise=i.expertise.code if i.expertise_id else None,
            status=i.status,
            answer=i.answer,
            note=i.answer_note,
            proposed_starts_at=_local(i.proposed_starts_at),
            answered_at=_local(i.answered_at),
            replaces=i.replaces_id,
            delivery=latest.get(i.professional_id, "none"),
        )
        for i in meeting.invitations.all()
    ]


def _invitation_of(meeting: Meeting, invitation_id: int) -> Invitation:
    found = next((i for i in meeting.invitations.all() if i.pk == invitation_id), None)
    if found is None:
        raise Http404
    return found


@router.post(
    "/meetings/{meeting_id}/answer",
    response={200: InvitationRowOut, **ERRORS},
    tags=["answers"],
    summary="Answer an invitation",
)
def answer(request: HttpRequest, meeting_id: int, payload: AnswerIn):
    """Your own answer to the meeting you are invited to: a decline or a
    proposal tells the convener at once. 409 when you are not invited, were
    replaced, or the meeting is no longer ahead."""
    meeting = access.read_meeting(request.user, meeting_id, via_api=True)
    invitation = answer_in_app(
        actor=request.user,
        meeting=meeting,
        answer=payload.answer,
        note=payload.note,
        proposed_starts_at=_moment(payload.proposed_starts_at, "proposed_starts_at")
        if payload.proposed_starts_at
        else None,
    )
    rows = _invitation_rows(access.meeting_detail_queryset().get(pk=meeting.pk))
    return next(r for r in rows if r.id == invitation.pk)


@router.get(
    "/meetings/{meeting_id}/invitations",
    response={200: list[InvitationRowOut], **ERRORS},
    tags=["answers"],
    summary="Invitees' answers",
)
def list_invitations(request: HttpRequest, meeting_id: int):
    """Each invitee's answer and their latest message's delivery."""
    return _invitation_rows(access.read_meeting(request.user, meeting_id, via_api=True))


@router.get(
    "/meetings/{meeting_id}/invitations/{invitation_id}/substitutes",
    response={200: list[SubstituteOut], **ERRORS},
    tags=["answers"],
    summary="Substitutes for a decline",
)
def list_substitutes(request: HttpRequest, meeting_id: int, invitation_id: int):
    """Who could come instead of an invitee who declined: the same
    expertise, free then, not invited yet; most shared expertise first.
    Empty unless the invitee declined a meeting still ahead. The convener only."""
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, via_api=True
    )
    invitation = _invitation_of(meeting, invitation_id)
    if not (
        open_for_answers(meeting)
        and invitation.answer == Invitation.Answer.DECLINED
        and invitation.status == Invitation.Status.INVITED
    ):
        return []
    return [
        SubstituteOut(id=p.pk, name=p.name, expertise=names)
        for p, names in substitutes(meeting, invitation)
    ]


@router.post(
    "/meetings/{meeting_id}/invitations/{invitation_id}/substitute",
    response={200: MeetingOut, **ERRORS},
    tags=["answers"],
    summary="Invite a substitute",
)
def invite_a_substitute(
    request: HttpRequest, meeting_id: int, invitation_id: int, payload: SubstituteIn
):
    """Invite one of the substitutes in place of the invitee who declined:
    they get the invitation, the others and the family the updated list.
    The convener only; the same substitute again changes nothing."""
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, via_api=True
    )
    _invitation_of(meeting, invitation_id)
    invite_substitute(
        actor=request.user,
        meeting=meeting,
        invitation_id=invitation_id,
        professional_id=payload.professional_id,
    )
    return _meeting_after_write(meeting.pk)


# ---- rooms ---------------------------------------------------------------------


class RoomIn(Schema):
    name: str = Field(max_length=_room_length("name"))
    address: str = Field(max_length=_room_length("address"))
    capacity: StrictInt = Field(description="1-500 people")
    accessibility: str = Field("", max_length=_room_length("accessibility"))
    is_active: Flag = True
    teams: list[Id] = Field(
        [], max_length=MAX_IDS, description="Only these teams' members book it; empty: anyone"
    )


class RoomOut(Schema):
    id: int
    municipality: str
    name: str
    address: str
    capacity: int
    accessibility: str
    is_active: bool
    teams: list[int]

    @staticmethod
    def resolve_municipality(obj: Room) -> str:
        return obj.municipality.name

    @staticmethod
    def resolve_teams(obj: Room) -> list[int]:
        return [t.pk for t in obj.teams.all()]


def _rooms_out(rooms) -> list[Room]:
    return list(rooms.select_related("municipality").prefetch_related("teams").order_by("name"))


@router.get("/rooms", response={200: list[RoomOut], **ERRORS}, tags=["rooms"], summary="Rooms")
def list_rooms(request: HttpRequest):
    """The rooms you may book; for a coordinator, every room of the
    municipality, those out of use too."""
    if access.coordinated_municipality_id(request.user):
        return _rooms_out(access.rooms_managed_by(request.user))
    me = access.require_professional(request.user)
    return _rooms_out(rooms_bookable_by(me, me.municipality_id))


def _save_room(request: HttpRequest, room: Room | None, payload: RoomIn) -> Room:
    saved = services.save_room(
        actor=request.user,
        room=room,
        name=payload.name,
        address=payload.address,
        capacity=payload.capacity,
        accessibility=payload.accessibility,
        is_active=payload.is_active,
        team_ids=payload.teams,
    )
    return _rooms_out(Room.objects.filter(pk=saved.pk))[0]


@router.post("/rooms", response={201: RoomOut, **ERRORS}, tags=["rooms"], summary="Add a room")
def create_room(request: HttpRequest, payload: RoomIn):
    """A room of your municipality; only its coordinator (403)."""
    return Status(201, _save_room(request, None, payload))


@router.put(
    "/rooms/{room_id}", response={200: RoomOut, **ERRORS}, tags=["rooms"], summary="Change a room"
)
def update_room(request: HttpRequest, room_id: int, payload: RoomIn):
    """Change a room of your municipality; only its coordinator (403;
    another municipality's room: 404)."""
    access.require_rooms_manager(request.user)
    room = access.rooms_managed_by(request.user).filter(pk=room_id).first()
    if room is None:
        raise Http404
    return _save_room(request, room, payload)


# ---- a standing team's sessions ---------------------------------------------------


class SessionOut(Schema):
    starts_at: datetime
    ends_at: datetime
    places: int = Field(description="Families per session")
    free: list[datetime] = Field(description="The free places' start times")


class SessionBookIn(Schema):
    team_id: Id
    session_starts_at: datetime = Field(
        description="A session's starts_at (GET /teams/{id}/sessions)"
    )


@router.get(
    "/teams/{team_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    tags=["sessions"],
    summary="A standing team's free sessions",
)
def team_sessions(request: HttpRequest, team_id: int, count: int = 4):
    """The next `count` (1-20) sessions of a standing team of your
    municipality that have a free place (a full one is never offered);
    empty for a team without bookable sessions."""
    if not 1 <= count <= MAX_SESSIONS:
        raise ValidationError({"count": _("Anna luku 1–%(n)d.") % {"n": MAX_SESSIONS}})
    team = teams_invitable_by(request.user).filter(pk=team_id).first()
    if team is None:
        raise Http404
    return [
        SessionOut(
            starts_at=_local(s.starts_at),
            ends_at=_local(s.ends_at),
            places=len(s.places),
            free=[_local(p) for p in s.free],
        )
        for s in free_sessions(team, count=count)
    ]


@router.post(
    "/concerns/{concern_id}/sessions",
    response={201: MeetingOut, **ERRORS},
    tags=["sessions"],
    summary="Book a session place",
)
def book_session_place(request: HttpRequest, concern_id: int, payload: SessionBookIn):
    """Book the family into the session's next free place; the team's core
    roles are invited. 409 when the session is full."""
    concern = access.read_concern(
        request.user, concern_id, action=access.Action.CONVENE, via_api=True
    )
    meeting = book_session(
        actor=request.user,
        concern=concern,
        team_id=payload.team_id,
        session_starts_at=_moment(payload.session_starts_at, "session_starts_at"),
    )
    return Status(201, _meeting_after_write(meeting.pk))
