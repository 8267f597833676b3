"""Reads of the meetings' calendar: who is booked when."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from yhdessa.families.models import Concern
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.models import FamilyCentreTeam, Professional
from yhdessa.network.queries import professionals_with_expertise, team_for

# The longest meeting (the model's check constraint): how far back an
# overlapping meeting can start.
MAX_DURATION = timedelta(minutes=480)


def scheduled_with(ids: set[int], *, starts_at: datetime, ends_at: datetime):
    """Scheduled meetings of these people (convener or invitee) that start
    early enough to overlap [starts_at, ends_at)."""
    return Meeting.objects.filter(
        Q(convener_id__in=ids) | Q(invitations__professional_id__in=ids),
        status=Meeting.Status.SCHEDULED,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - MAX_DURATION,
    ).distinct()


def busy_meetings(
    professional_ids, *, starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> list[tuple[Professional, Meeting]]:
    """Who of these people already has a scheduled meeting overlapping the
    time (as convener or invitee), and which meeting."""
    ids = set(professional_ids)
    if not ids:
        return []
    candidates = (
        scheduled_with(ids, starts_at=starts_at, ends_at=ends_at)
        .exclude(pk=exclude)
        .select_related("convener")
        .prefetch_related("invitations__professional")
    )
    found = []
    for meeting in candidates:
        if meeting.ends_at <= starts_at:
            continue
        people = [meeting.convener] + [
            i.professional for i in meeting.invitations.all() if i.holds_time
        ]
        found += [(p, meeting) for p in people if p.pk in ids]
    return sorted(found, key=lambda row: (row[0].name, row[1].starts_at))


def invitable_professionals(
    *, concern: Concern, team: FamilyCentreTeam | None = None
) -> QuerySet[Professional]:
    """Whom the convener may invite for this concern: the chosen family centre
    team (the municipality's first by default), or, when the family already
    has support, the network of the municipality. The local worker who raised
    the concern can always be invited to a follow-up."""
    people = professionals_with_expertise().filter(is_active=True)
    town = concern.family.municipality_id
    if concern.existing_support:
        return people.filter(municipality_id=town)
    team = team or team_for(town)
    rule = Q(pk=concern.convener_id)
    if team is not None:
        rule |= Q(teams=team)
        if team.kind == FamilyCentreTeam.Kind.STANDING:
            # A standing team's per-family roles (e.g. the child's own early
            # education worker) come from the municipality's whole network.
            per_family = [r.expertise_id for r in team.roles.all() if r.kind == "per_family"]
            rule |= Q(municipality_id=town, expertise__in=per_family)
    return people.filter(rule).distinct()


def previous_meeting(concern: Concern) -> Meeting | None:
    """The concern's latest held meeting: a meeting convened after it is its
    follow-up (seurantatapaaminen)."""
    return (
        Meeting.objects.filter(concern=concern, status=Meeting.Status.HELD)
        .order_by("-starts_at", "-pk")
        .first()
    )


def previous_participants(meeting: Meeting | None) -> set[int]:
    """Who was at the table of a held meeting: its convener and those who
    attended."""
    if meeting is None:
        return set()
    attended = meeting.invitations.filter(status=Invitation.Status.ATTENDED).values_list(
        "professional_id", flat=True
    )
    return {meeting.convener_id, *attended}
