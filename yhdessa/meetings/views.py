from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.accounts.two_factor import has_app
from yhdessa.errors import Conflict, DoubleBooked, IdentifyingDataFound, PracticeNotKept
from yhdessa.idempotency import new_form_token, submit_once
from yhdessa.meetings import dashboard
from yhdessa.meetings.answers import (
    answer_in_app,
    invite_substitute,
    open_for_answers,
    substitutes,
)
from yhdessa.meetings.forms import AnswerForm, CancelForm, ConveneForm, HeldForm, RescheduleForm
from yhdessa.meetings.messages import to_call
from yhdessa.meetings.models import Meeting, RunSheet
from yhdessa.meetings.queries import (
    invitable_professionals,
    previous_meeting,
    previous_participants,
)
from yhdessa.meetings.services import (
    cancel_meeting,
    convene_meeting,
    record_called,
    record_meeting_held,
    reschedule_meeting,
)
from yhdessa.meetings.warnings import breach_groups, warning_groups
from yhdessa.network.models import Expertise
from yhdessa.network.practice import describe_practice, describe_team
from yhdessa.network.queries import teams_of
from yhdessa.plans.models import StarArea
from yhdessa.plans.queries import plans_led_by
from yhdessa.plans.services import STAR_NOTE_MAX_LENGTH, record_star_notes
from yhdessa.scheduling.models import PollVote
from yhdessa.scheduling.polls import option_rows
from yhdessa.scheduling.rooms import rooms_bookable_by
from yhdessa.scheduling.search import SlotRequest
from yhdessa.scheduling.search import find as find_slots_for
from yhdessa.scheduling.sessions import book_session, free_sessions
from yhdessa.web import add_service_errors, object_id

START_PAGE_FAMILIES = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The nearest next contacts first (overdue ones at the top); a long
    # caseload is counted rather than listed, so the page stays quick.
    led_all = plans_led_by(user)
    led = list(led_all[:START_PAGE_FAMILIES])
    led_total = led_all.count() if len(led) == START_PAGE_FAMILIES else len(led)
    meetings = list(dashboard.open_meetings(user))
    waiting = list(dashboard.concerns_waiting(user))
    asked, own_polls = dashboard.open_polls(user)
    access.log_list(
        user,
        [(p.meeting.concern.family_id, access.Why.LEAD) for p in led]
        + [(m.concern.family_id, access.list_reason(user, m)) for m in meetings]
        + [(c.family_id, access.Why.CONVENER) for c in waiting]
        + [(p.concern.family_id, access.Why.CONVENER) for p in own_polls],
    )
    me = access.acting_professional(user)
    return render(
        request,
        "meetings/home.html",
        {
            "led": led,
            "led_total": led_total,
            "meetings": meetings,
            "waiting": waiting,
            # Polls others ask me in name no family: only the times.
            "asked_polls": [(p, option_rows(p, me.pk)) for p in asked] if me else [],
            "own_polls": own_polls,
            "poll_choices": PollVote.Answer.choices,
            "now": timezone.now(),
            "today": timezone.localdate(),
            "has_2fa": has_app(user),
            "leads_needed": access.plans_without_lead(user).count()
            if access.coordinated_municipality_id(user)
            else 0,
        },
    )


@login_required
def convene(request: HttpRequest, concern_pk: int) -> HttpResponse:
    concern = access.read_concern(request.user, concern_pk, action=access.Action.CONVENE)
    if concern.consent_withdrawn_at or concern.closed_at:
        # Said before anyone fills in the form, not only when it is sent.
        return render(
            request,
            "meetings/convene_ended.html",
            {"concern": concern},
            status=409 if request.method == "POST" else 200,
        )
    me = access.acting_professional(request.user)
    teams = [] if concern.existing_support else list(teams_of(concern.family.municipality_id))
    chosen_team = request.POST.get("team") or request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == chosen_team), teams[0] if teams else None)
    practice = getattr(team, "practice", None) if team else None
    people = list(invitable_professionals(concern=concern, team=team).exclude(pk=me.pk))
    chosen = set(request.GET.getlist("expertise") or request.POST.getlist("expertise"))
    previous = previous_meeting(concern)
    initial = {
        "place": (practice.places or [""])[0] if practice else "",
        "duration_minutes": getattr(practice, "default_duration_minutes", 90),
        "once": new_form_token(),
    }
    rooms = list(rooms_bookable_by(me, concern.family.municipality_id, team))
    # A suggested slot (chip) without JavaScript submits the whole form: the
    # page comes back with the time filled in, its covers ticked and every
    # choice kept. "Find" submits it too, to search with the choices made.
    finding = request.method == "POST" and "find" in request.POST
    choosing_slot = request.method == "POST" and "slot" in request.POST or finding
    if choosing_slot:
        initial.update(
            {
                k: request.POST[k]
                for k in ("place", "duration_minutes", "room")
                if request.POST.get(k)
            }
        )
    slot, covers = _slot_and_covers(request.POST.get("slot") or request.GET.get("slot"))
    if slot:
        initial.update(date=slot.date(), time=slot.time())
    posted = request.method == "POST" and not choosing_slot
    form = ConveneForm(
        request.POST if posted else None, professionals=people, rooms=rooms, initial=initial
    )
    warnings: list = []
    booked: list[str] = []
    if posted and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            nonlocal warnings, booked
            meeting, warnings, booked = _time_change(
                form,
                lambda: convene_meeting(
                    actor=request.user,
                    concern=concern,
                    starts_at=form.starts_at(),
                    duration_minutes=data["duration_minutes"],
                    place=data["place"],
                    invitee_ids=[int(i) for i in data["invitees"]],
                    team_id=team.pk if team else None,
                    confirm_practice_exceptions=data["acknowledge"],
                    confirm_double_booking=data["confirm_booking"],
                    room_id=data.get("room"),
                ),
            )
            if meeting is None:
                return None
            messages.success(request, _("Kutsut lähtevät nyt kutsutuille ja perheelle."))
            return reverse("meetings:detail", args=[meeting.pk])

        if location := submit_once(request, "convene", work):
            return redirect(location)
    # A slot is offered as free only when nobody of the team (or of those
    # ticked) is booked then.
    ticked = {
        pk
        for i in request.POST.getlist("invitees") or request.GET.getlist("invitees")
        if (pk := object_id(i)) is not None
    } | covers
    team_people = {p.pk for p in people} if team else set()
    found = None
    if finding or request.GET.get("find"):
        found = _find_slots(request, concern, me, team, people, chosen, ticked)
    context = {
        "concern": concern,
        "team": team,
        "teams": teams,
        "practice": practice,
        "form": form,
        "previous": previous,
        "practice_lines": (describe_practice(practice) if practice else []) + describe_team(team),
        # A search just made answers with its own times: not searched twice.
        "slots": _free_team_slots(concern, me, team, people, team_people | ticked)
        if practice and found is None and not (team and team.books_sessions)
        else [],
        "warning_groups": breach_groups(warnings),
        "booked": booked,
        "expertise": Expertise.objects.all(),
        "chosen": chosen,
        "people": _people_rows(people, chosen, request, team, previous, covers),
        "found": found,
        "sessions": free_sessions(team) if team and team.books_sessions else [],
        "week": request.POST.get("week") or request.GET.get("week") or "",
        "family_rows": [
            {
                "i": i,
                **{k: request.POST.get(f"family_{k}_{i}", "") for k in ("day", "from", "to")},
            }
            for i in range(FAMILY_TIME_ROWS)
        ],
    }
    template = "meetings/partials/people.html" if request.htmx else "meetings/convene.html"
    return render(request, template, context)


@login_required
@require_POST
def book_session_place(request: HttpRequest, concern_pk: int) -> HttpResponse:
    """Book the family into a standing team's session: the next free place."""
    concern = access.read_concern(request.user, concern_pk, action=access.Action.CONVENE)
    session = _slot(request.POST.get("session"))

    def work() -> str | None:
        try:
            meeting = book_session(
                actor=request.user,
                concern=concern,
                team_id=object_id(request.POST.get("team")) or 0,
                session_starts_at=session,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Paikka on varattu; kutsut lähtevät tiimille ja perheelle.")
            )
            return reverse("meetings:detail", args=[meeting.pk])
        return None

    if session is not None and (location := submit_once(request, "session", work)):
        return redirect(location)
    if session is None:
        messages.error(request, _("Istuntoa ei löydy tiimin tulevista ajoista."))
    return redirect("meetings:convene", concern_pk=concern.pk)


def _slot(value: str | None) -> datetime | None:
    """A suggested slot's start as sent by its chip, in local time."""
    try:
        return timezone.localtime(datetime.fromisoformat(value)) if value else None
    except (ValueError, OverflowError):
        return None


def _slot_and_covers(value: str | None) -> tuple[datetime | None, set[int]]:
    """A found slot's chip sends its start and who covers it: "start|1,2"."""
    start, _sep, people = (value or "").partition("|")
    covers = {pk for v in people.split(",") if (pk := object_id(v)) is not None}
    return _slot(start), covers


def _free_team_slots(concern, me, team, people, everyone) -> list[datetime]:
    """The team's next windows when all of these people are free by every
    source of busy time (meetings, absences, own calendars, sessions, polls)."""
    answer = find_slots_for(
        SlotRequest(
            needs=[],
            required=everyone & {p.pk for p in people},
            duration_minutes=team.practice.default_duration_minutes,
            why_not=False,
        ),
        convener=me,
        team=team,
        invitable=people,
        municipality_id=concern.family.municipality_id,
    )
    return [timezone.localtime(slot.starts_at) for slot in answer.slots]


FAMILY_TIME_ROWS = 3


def _day(value) -> date | None:
    """A date a page sent, or None when it is no real date or far off
    (30.2., the year 9999)."""
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if day and 2000 <= day.year <= 2100 else None


def _hour(value) -> time | None:
    try:
        return parse_time(value or "")
    except ValueError:
        return None


def _family_times(source) -> list[tuple[datetime, datetime]] | None:
    """The times the family said suit it (a day and hours, up to three rows);
    None when it said none. A half-filled or reversed row is left out."""
    found = []
    for i in range(FAMILY_TIME_ROWS):
        day = _day(source.get(f"family_day_{i}"))
        starts = _hour(source.get(f"family_from_{i}"))
        ends = _hour(source.get(f"family_to_{i}"))
        if day and starts and ends and starts < ends:
            found.append(
                (
                    timezone.make_aware(datetime.combine(day, starts)),
                    timezone.make_aware(datetime.combine(day, ends)),
                )
            )
    return found or None


def _find_slots(request, concern, me, team, people, chosen, ticked):
    """The slot finder with the page's choices: the chosen expertise, the
    ticked people (required), the room and the length; a week when asked."""
    source = request.POST if request.method == "POST" else request.GET
    week = _day(source.get("week"))
    day_from = week - timedelta(days=week.weekday()) if week else None
    duration = object_id(source.get("duration_minutes")) or (
        team.practice.default_duration_minutes if team and hasattr(team, "practice") else 90
    )
    try:
        return find_slots_for(
            SlotRequest(
                needs=sorted(chosen),
                family_times=_family_times(source),
                required=ticked & {p.pk for p in people},
                room_id=object_id(source.get("room")),
                duration_minutes=duration,
                day_from=day_from,
                day_to=day_from + timedelta(days=6) if day_from else None,
            ),
            convener=me,
            team=team,
            invitable=people,
            municipality_id=concern.family.municipality_id,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


def _time_change(form, change) -> tuple[object | None, list[str], list[str]]:
    """Run a convening or a move. Bad input goes on the form; a broken
    practice or a double booking comes back as warnings for the convener to
    confirm (the page asks, then sends again)."""
    try:
        return change(), [], []
    except ValidationError as error:
        form.add_service_errors(error)
    except PracticeNotKept as refusal:
        return None, refusal.warnings, []
    except DoubleBooked as refusal:
        return None, [], refusal.warnings
    except Conflict as error:
        form.add_error(None, error.message)
    return None, [], []


def _people_rows(
    people, chosen: set[str], request: HttpRequest, team=None, previous=None, covers=()
) -> list[tuple]:
    """Team members with the chosen expertise first; ticked boxes stay ticked.
    A follow-up starts with the previous meeting's participants ticked; a
    standing team's always-invited roles start ticked otherwise."""
    selected = set(request.POST.getlist("invitees") or request.GET.getlist("invitees"))
    selected |= {str(pk) for pk in covers}
    first_view = not selected and request.method == "GET" and not request.htmx
    if first_view and previous is not None:
        selected = {str(pk) for pk in previous_participants(previous)}
    elif first_view and team is not None:
        core = {r.expertise.code for r in team.roles.all() if r.kind == "core"}
        selected = {str(p.pk) for p in people if core & {e.code for e in p.expertise.all()}}
    rows = [
        (p, bool(chosen & {e.code for e in p.expertise.all()}), str(p.pk) in selected)
        for p in people
    ]
    return sorted(rows, key=lambda row: (not row[1], row[0].name))


def _invitee_rows(meeting, invitations, messages_out, *, is_convener: bool) -> list[dict]:
    """Each invitee with their latest message's delivery, their answer and,
    for a decline the convener can still fill, the free substitutes."""
    latest = {}
    for m in messages_out:
        if m.professional_id and not m.to_family and m.kind != "notice":
            latest[m.professional_id] = m
    concern = meeting.concern
    open_meeting = (
        open_for_answers(meeting) and not concern.consent_withdrawn_at and not concern.closed_at
    )
    return [
        {
            "invitation": i,
            "message": latest.get(i.professional_id),
            "substitutes": substitutes(meeting, i)
            if is_convener
            and open_meeting
            and i.answer == i.Answer.DECLINED
            and i.status == i.Status.INVITED
            else [],
        }
        for i in invitations
    ]


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.read_meeting(request.user, pk)
    notes = {n.area_id: n for n in meeting.star_notes.all()}
    is_convener = access.is_convener(request.user, meeting)
    invitations = list(meeting.invitations.all())
    messages_out = list(meeting.messages.select_related("professional").order_by("pk"))
    mine = next((i for i in invitations if i.professional.user_id == request.user.pk), None)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "invitees": _invitee_rows(meeting, invitations, messages_out, is_convener=is_convener),
            "my_invitation": mine,
            "answer_form": AnswerForm(
                initial={"answer": mine.answer or None, "sequence": meeting.sequence}
            )
            if mine and open_for_answers(meeting) and mine.status == mine.Status.INVITED
            else None,
            "room_booking": getattr(meeting, "room_booking", None),
            "concern": meeting.concern,
            "family": meeting.concern.family,
            "is_convener": is_convener,
            "warning_groups": warning_groups(meeting.practice_warnings),
            "why_label": access.Why(access.reason_for_meeting(request.user, meeting)).label,
            "star_any": bool(notes),
            "messages_out": messages_out,
            "star": [(area, notes.get(area.pk)) for area in StarArea.objects.all()],
            "plan": getattr(meeting, "plan", None),
            "run_sheet": RunSheet.objects.filter(meeting=meeting).first(),
            "started": meeting.starts_at <= timezone.now(),
            "took_part": access.took_part(request.user, meeting),
            "to_call": to_call(meeting, [i for i in invitations if i.status != "withdrawn"])
            if meeting.status == Meeting.Status.SCHEDULED
            else [],
        },
    )


@login_required
@require_POST
def meeting_called(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """The convener ticks that an invitee was phoned, as the practice says."""
    meeting = _convener_meeting(request, pk)
    try:
        record_called(
            actor=request.user,
            meeting=meeting,
            invitation_id=invitation_pk,
            called=request.POST.get("called") != "0",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#to-call")


@login_required
@require_POST
def meeting_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in invitee answers on the meeting page."""
    meeting = access.read_meeting(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_in_app(
                actor=request.user,
                meeting=meeting,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                proposed_starts_at=form.proposed_starts_at(),
                seen_sequence=form.cleaned_data["sequence"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Vastauksesi on välitetty koollekutsujalle."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#my-answer")


@login_required
@require_POST
def meeting_substitute(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """One click: the substitute gets the invitation, the others the new list."""
    meeting = _convener_meeting(request, pk)
    professional_id = object_id(request.POST.get("professional"))
    try:
        substitute = invite_substitute(
            actor=request.user,
            meeting=meeting,
            invitation_id=invitation_pk,
            professional_id=professional_id or 0,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s on kutsuttu sijaiseksi; muut saavat päivitetyn kutsun.")
            % {"name": substitute.professional.name},
        )
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#invitees")


def _convener_meeting(request: HttpRequest, pk: int):
    return access.read_meeting(request.user, pk, action=access.Action.MANAGE)


@login_required
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    invitations = list(meeting.invitations.all())
    form = HeldForm(
        request.POST if request.method == "POST" else None,
        invitations=invitations,
        initial={"attendees": [str(i.professional_id) for i in invitations]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_meeting_held(
                actor=request.user,
                meeting=meeting,
                attendee_ids=[int(a) for a in form.cleaned_data["attendees"]],
                family_present=form.cleaned_data["family_present"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tapaaminen on kirjattu pidetyksi."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/held.html", {"meeting": meeting, "form": form})


@login_required
def star_notes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    areas = list(StarArea.objects.all())
    existing = {n.area_id: n for n in meeting.star_notes.all()}
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    if request.method == "POST":
        notes = {
            a.number: (
                request.POST.get(f"strengths_{a.number}", ""),
                request.POST.get(f"concerns_{a.number}", ""),
            )
            for a in areas
        }
        try:
            record_star_notes(
                actor=request.user,
                meeting=meeting,
                notes=notes,
                confirm_identifying=bool(request.POST.get("confirm_identifying")),
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        except IdentifyingDataFound as refusal:
            # The page shows what was found and asks the writer to confirm.
            warnings = refusal.warnings
        except Conflict as error:
            errors = {"": [error.message]}
        else:
            messages.success(request, _("Hyvinvoinnin tähden muistiinpanot on tallennettu."))
            return redirect("meetings:detail", pk=meeting.pk)
        texts = {a.number: notes[a.number] for a in areas}
    else:
        texts = {
            a.number: (
                getattr(existing.get(a.pk), "strengths", ""),
                getattr(existing.get(a.pk), "concerns", ""),
            )
            for a in areas
        }
    # Each box with its text and its errors, so that an error stands next to its box.
    rows = [
        (
            a,
            [
                (box, label, text, errors.pop(f"{box}_{a.number}", []))
                for box, label, text in (
                    ("strengths", _("Vahvuudet"), texts[a.number][0]),
                    ("concerns", _("Huolet"), texts[a.number][1]),
                )
            ],
        )
        for a in areas
    ]
    return render(
        request,
        "meetings/star.html",
        {
            "meeting": meeting,
            "rows": rows,
            # Whatever belongs to no box (a cancelled meeting, an unknown area).
            "errors": [m for messages_ in errors.values() for m in messages_],
            "warnings": warnings,
            "max_length": STAR_NOTE_MAX_LENGTH,
        },
    )


def _not_changeable(request: HttpRequest, meeting, *, moving: bool) -> HttpResponse | None:
    """A meeting already held or cancelled (or, for a move, one whose family
    withdrew its consent) is not offered a form the service would refuse:
    back to the meeting page, which says why."""
    if meeting.status == Meeting.Status.HELD:
        why = _("Tapaaminen on jo pidetty; sitä ei voi enää siirtää eikä perua.")
    elif meeting.status == Meeting.Status.CANCELLED:
        why = _("Tapaaminen on jo peruttu.")
    elif moving and meeting.concern.consent_withdrawn_at:
        why = _("Perhe on perunut suostumuksensa: tapaamista ei siirretä.")
    else:
        return None
    messages.info(request, why)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the meeting; everyone gets the new time in their calendar."""
    meeting = _convener_meeting(request, pk)
    if ended := _not_changeable(request, meeting, moving=True):
        return ended
    when = timezone.localtime(meeting.starts_at)
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date": when.date(),
            "time": when.time(),
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
            "sequence": meeting.sequence,
            "once": new_form_token(),
        },
    )
    warnings: list = []
    booked: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            nonlocal warnings, booked
            moved, warnings, booked = _time_change(
                form,
                lambda: reschedule_meeting(
                    actor=request.user,
                    meeting=meeting,
                    starts_at=form.starts_at(),
                    duration_minutes=data["duration_minutes"],
                    place=data["place"],
                    confirm_practice_exceptions=data["acknowledge"],
                    confirm_double_booking=data["confirm_booking"],
                    seen_sequence=data["sequence"],
                ),
            )
            if moved is None:
                return None
            messages.success(request, _("Uusi aika lähtee kaikille kutsutuille ja perheelle."))
            return reverse("meetings:detail", args=[meeting.pk])

        if location := submit_once(request, f"reschedule:{meeting.pk}", work):
            return redirect(location)
    return render(
        request,
        "meetings/reschedule.html",
        {
            "meeting": meeting,
            "form": form,
            "warning_groups": breach_groups(warnings),
            "booked": booked,
        },
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    if ended := _not_changeable(request, meeting, moving=False):
        return ended
    form = CancelForm(
        request.POST if request.method == "POST" else None,
        initial={"sequence": meeting.sequence, "once": new_form_token()},
    )
    if request.method == "POST" and form.is_valid():

        def work() -> str | None:
            try:
                cancel_meeting(
                    actor=request.user,
                    meeting=meeting,
                    note=form.cleaned_data["note"],
                    seen_sequence=form.cleaned_data["sequence"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                if meeting.concern.consent_withdrawn_at:
                    messages.success(
                        request, _("Tapaaminen on peruttu; peruutus lähtee vain kutsutuille.")
                    )
                else:
                    messages.success(request, _("Tapaaminen on peruttu; peruutus lähtee kaikille."))
                return reverse("meetings:detail", args=[meeting.pk])
            return None

        if location := submit_once(request, f"cancel:{meeting.pk}", work):
            return redirect(location)
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form})
