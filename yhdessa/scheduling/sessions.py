"""A standing team's sessions (Kymenlaakso's Yhdessä-tiimi): its practice's
windows on working days, each with so many places (e.g. two families, 45
minutes each). The guidance service or any professional books a family into
the next free place; the team's core roles are invited automatically. A
full session is never offered: a place is free only when no scheduled
meeting holds it, and the database's unique constraint stands behind that
when two bookers take the last place at once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.families.contacts import Contact, hand_over_contact
from yhdessa.families.models import Concern
from yhdessa.families.services import refuse_if_not_open
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import convene_as
from yhdessa.network.models import FamilyCentreTeam, Professional
from yhdessa.network.practice import earliest_meeting_day, windows_of
from yhdessa.network.working_days import is_working_day

HORIZON_DAYS = 90


@dataclass
class Session:
    team: FamilyCentreTeam
    starts_at: datetime
    ends_at: datetime
    places: list[datetime]  # each family's start
    taken: set[datetime]

    @property
    def free(self) -> list[datetime]:
        return [p for p in self.places if p not in self.taken]

    @property
    def is_full(self) -> bool:
        return not self.free


def _places(team: FamilyCentreTeam, start: datetime, end: datetime) -> list[datetime]:
    step = timedelta(minutes=team.session_family_minutes)
    places, at = [], start
    while len(places) < team.session_capacity and at + step <= end:
        places.append(at)
        at += step
    return places


def sessions(
    team: FamilyCentreTeam, *, now: datetime | None = None, days: int = HORIZON_DAYS
) -> list[Session]:
    """The team's coming sessions, with their taken places."""
    if not team.books_sessions:
        return []
    now = now or timezone.now()
    practice = getattr(team, "practice", None)
    windows = windows_of(practice) if practice else []
    today = timezone.localtime(now).date()
    first = earliest_meeting_day(practice, today) or today
    found = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        if day < first or not is_working_day(day):
            continue
        for w in windows:
            if w.weekday != day.weekday():
                continue
            start = timezone.make_aware(datetime.combine(day, w.starts))
            end = timezone.make_aware(datetime.combine(day, w.ends))
            if start > now:
                found.append(Session(team, start, end, _places(team, start, end), set()))
    if found:
        taken = Meeting.objects.filter(
            team=team,
            status=Meeting.Status.SCHEDULED,
            session_starts_at__gte=found[0].starts_at,
            session_starts_at__lte=found[-1].starts_at,
        ).values_list("session_starts_at", "starts_at")
        by_session: dict[datetime, set[datetime]] = {}
        for session_start, place in taken:
            by_session.setdefault(session_start, set()).add(place)
        for session in found:
            session.taken = by_session.get(session.starts_at, set())
    return found


def free_sessions(team: FamilyCentreTeam, *, now=None, count: int = 4) -> list[Session]:
    """The next sessions with a free place: a full one is never offered."""
    return [s for s in sessions(team, now=now) if not s.is_full][:count]


def core_members(team: FamilyCentreTeam) -> list[Professional]:
    """The team's members whose expertise is one of its core roles."""
    core = {r.expertise_id for r in team.roles.all() if r.kind == "core"}
    return [
        p
        for p in team.members.filter(is_active=True).prefetch_related("expertise")
        if core & {e.pk for e in p.expertise.all()}
    ]


def _book(convener: Professional, concern: Concern, team: FamilyCentreTeam, session_start):
    """Take the session's first free place for the family, inside the caller's transaction."""
    FamilyCentreTeam.objects.select_for_update().filter(pk=team.pk).first()
    session = next((s for s in sessions(team) if s.starts_at == session_start), None)
    if session is None:
        raise ValidationError({"session": _("Istuntoa ei löydy tiimin tulevista ajoista.")})
    if session.is_full:
        raise Conflict(_("Istunto on jo täynnä. Valitse seuraava istunto."))
    practice = getattr(team, "practice", None)
    place = (practice.places or [""])[0] if practice else ""
    place = place or getattr(practice, "default_place", "") or team.name
    invitees = [p.pk for p in core_members(team) if p.pk != convener.pk]
    try:
        with transaction.atomic():
            return convene_as(
                convener,
                concern=concern,
                starts_at=session.free[0],
                duration_minutes=team.session_family_minutes,
                place=place,
                invitee_ids=invitees,
                team_id=team.pk,
                session_starts_at=session.starts_at,
                # The session is the team's own time: its members are there anyway.
                confirm_practice_exceptions=True,
                confirm_double_booking=True,
            )
    except IntegrityError as error:
        raise Conflict(_("Paikka ehdittiin varata juuri. Valitse uudelleen.")) from error


def _bookable_team(municipality_id: int, team_id) -> FamilyCentreTeam:
    team = (
        FamilyCentreTeam.objects.filter(municipality_id=municipality_id, pk=team_id)
        .select_related("practice")
        .prefetch_related("practice__slots", "roles")
        .first()
    )
    if team is None or not team.books_sessions:
        raise ValidationError({"team": _("Tiimillä ei ole varattavia istuntoja.")})
    return team


@transaction.atomic
def book_session(
    *, actor: User, concern: Concern, team_id: int, session_starts_at: datetime
) -> Meeting:
    """A professional books the family into the session's next free place."""
    convener = access.require_may_convene(actor, concern)
    refuse_if_not_open(concern.pk)
    team = _bookable_team(concern.family.municipality_id, team_id)
    return _book(convener, concern, team, session_starts_at)


@transaction.atomic
def book_contact_into_session(
    *,
    actor: User,
    contact: Contact,
    team_id: int,
    professional_id: int,
    session_starts_at: datetime,
) -> Meeting:
    """The guidance service hands a family's contact to a worker (who stays
    its contact person) and books the family into a session in one step."""
    handed = hand_over_contact(actor=actor, contact=contact, professional_id=professional_id)
    team = _bookable_team(handed.family.municipality_id, team_id)
    return _book(handed.handed_to, handed.concern, team, session_starts_at)
