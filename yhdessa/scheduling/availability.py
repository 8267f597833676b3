"""Who is busy when: the one place that gathers every source of busy time
for the slot finder, the substitutes and the API.

A professional is busy during
- the scheduled meetings they convene or are invited to (unless they declined
  or were replaced),
- the sessions of the standing teams they belong to (the team keeps those
  hours in its members' calendars),
- the open polls they are asked in (each candidate time is held until the
  convener picks one, then released),
- their absences (holidays, trainings, part-time days, recurring ones too),
- the busy times of their own calendar (an uploaded file or a link the
  worker reads).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from yhdessa.meetings.queries import MAX_DURATION, scheduled_with
from yhdessa.network.models import FamilyCentreTeam
from yhdessa.network.practice import Window, windows_of
from yhdessa.network.working_days import is_working_day
from yhdessa.scheduling.models import Absence, ExternalBusy, Poll, PollOption, RoomBooking

Interval = tuple[datetime, datetime]

HORIZON_DAYS = 120


def _local(day: date, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def absence_intervals(absence: Absence, start: date, end: date) -> list[Interval]:
    """The absence's times between the days ``start`` and ``end`` (inclusive)."""
    first, last = max(absence.starts_on, start), min(absence.ends_on, end)
    found = []
    day = first
    while day <= last:
        if not absence.weekdays or day.weekday() in absence.weekdays:
            if absence.from_time and absence.to_time:
                found.append((_local(day, absence.from_time), _local(day, absence.to_time)))
            else:
                found.append(
                    (
                        _local(day, datetime.min.time()),
                        _local(day + timedelta(days=1), datetime.min.time()),
                    )
                )
        day += timedelta(days=1)
    return found


def session_intervals(team: FamilyCentreTeam, start: date, end: date) -> list[Interval]:
    """A standing team's session times (its practice's windows on working days)."""
    practice = getattr(team, "practice", None)
    if practice is None:
        return []
    windows: list[Window] = windows_of(practice)
    found = []
    day = start
    while day <= end:
        if is_working_day(day):
            found += [
                (_local(day, w.starts), _local(day, w.ends))
                for w in windows
                if w.weekday == day.weekday()
            ]
        day += timedelta(days=1)
    return found


def busy_by_person(
    professional_ids,
    *,
    start: datetime,
    end: datetime,
    exclude_meeting: int | None = None,
    exclude_team: int | None = None,
    exclude_poll: int | None = None,
    include_meetings: bool = True,
) -> dict[int, list[Interval]]:
    """Every busy time of these people overlapping [start, end), by person.
    ``exclude_*`` leaves out the meeting being moved, the standing team being
    booked (its sessions are the very times offered) and the poll being
    decided; ``include_meetings=False`` leaves out the meetings for a caller
    that has read them already (the double-booking check)."""
    ids = set(professional_ids)
    busy: dict[int, list[Interval]] = defaultdict(list)
    if not ids:
        return busy
    if include_meetings:
        meetings = (
            scheduled_with(ids, starts_at=start, ends_at=end)
            .exclude(pk=exclude_meeting)
            .prefetch_related("invitations")
        )
        for meeting in meetings:
            at_table = {meeting.convener_id} | {
                i.professional_id for i in meeting.invitations.all() if i.holds_time
            }
            for pid in at_table & ids:
                busy[pid].append((meeting.starts_at, meeting.ends_at))

    first_day, last_day = timezone.localtime(start).date(), timezone.localtime(end).date()
    teams = (
        FamilyCentreTeam.objects.filter(kind=FamilyCentreTeam.Kind.STANDING, members__in=ids)
        .exclude(pk=exclude_team)
        .select_related("practice")
        .prefetch_related("practice__slots", "members")
        .distinct()
    )
    for team in teams:
        sessions = session_intervals(team, first_day, last_day)
        for member in team.members.all():
            if member.pk in ids:
                busy[member.pk] += sessions

    options = (
        PollOption.objects.filter(
            poll__status=Poll.Status.OPEN,
            starts_at__lt=end,
            starts_at__gt=start - MAX_DURATION,
        )
        .filter(Q(poll__invitees__in=ids) | Q(poll__convener_id__in=ids))
        .exclude(poll_id=exclude_poll)
        .select_related("poll")
        .prefetch_related("poll__invitees")
        .distinct()
    )
    for option in options:
        interval = (
            option.starts_at,
            option.starts_at + timedelta(minutes=option.poll.duration_minutes),
        )
        people = {option.poll.convener_id} | {p.pk for p in option.poll.invitees.all()}
        for pid in people & ids:
            busy[pid].append(interval)

    for absence in Absence.objects.filter(
        professional_id__in=ids, starts_on__lte=last_day, ends_on__gte=first_day
    ):
        busy[absence.professional_id] += absence_intervals(absence, first_day, last_day)

    for row in ExternalBusy.objects.filter(
        professional_id__in=ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("professional_id", "starts_at", "ends_at"):
        busy[row[0]].append((row[1], row[2]))
    return {pid: [(s, e) for s, e in times if s < end and start < e] for pid, times in busy.items()}


def room_busy(room_id: int, *, start: datetime, end: datetime, exclude_meeting=None):
    """The room's bookings overlapping [start, end)."""
    return list(
        RoomBooking.objects.filter(room_id=room_id, starts_at__lt=end, ends_at__gt=start)
        .exclude(meeting_id=exclude_meeting)
        .values_list("starts_at", "ends_at")
    )


def free_over(busy: list[Interval], start: datetime, end: datetime) -> bool:
    return not any(s < end and start < e for s, e in busy)


def free_people(
    professional_ids, *, start: datetime, end: datetime, exclude_meeting: int | None = None
) -> set[int]:
    """Who of these people has nothing at all over [start, end)."""
    busy = busy_by_person(professional_ids, start=start, end=end, exclude_meeting=exclude_meeting)
    return {pid for pid in set(professional_ids) if free_over(busy.get(pid, []), start, end)}
