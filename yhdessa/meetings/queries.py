"""Who may see which concern and meeting, and the reads that go in the access log.

A professional sees what they convened, were invited to or lead; a
coordinator sees the concerns and meetings of their own municipality.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.services import record_access
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting
from yhdessa.plans.models import JointPlan


def _professional_id(user: User) -> int | None:
    professional = getattr(user, "professional", None)
    return professional.pk if professional else None


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    rule = Q(pk__in=[])
    if (pid := _professional_id(user)) is not None:
        rule |= (
            Q(convener_id=pid)
            | Q(invitations__professional_id=pid)
            | Q(plan__lead_professionals__id=pid)
        )
    if user.is_coordinator:
        rule |= Q(concern__family__municipality_id=user.municipality_id)
    ids = Meeting.objects.filter(rule).values("pk")
    return Meeting.objects.filter(pk__in=ids)


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    if not user.is_authenticated:
        return Concern.objects.none()
    rule = Q(pk__in=[])
    if (pid := _professional_id(user)) is not None:
        rule |= Q(convener_id=pid) | Q(meetings__in=meetings_visible_to(user))
    if user.is_coordinator:
        rule |= Q(family__municipality_id=user.municipality_id)
    ids = Concern.objects.filter(rule).values("pk")
    return Concern.objects.filter(pk__in=ids)


def reason_for_meeting(user: User, meeting: Meeting) -> str:
    """Why this user may read this meeting: the basis written in the access log."""
    pid = _professional_id(user)
    if pid is not None:
        if meeting.convener_id == pid:
            return AccessLogEntry.Why.CONVENER
        if hasattr(meeting, "plan") and any(
            p.pk == pid for p in meeting.plan.lead_professionals.all()
        ):
            return AccessLogEntry.Why.LEAD
        if any(i.professional_id == pid for i in meeting.invitations.all()):
            return AccessLogEntry.Why.INVITED
    return AccessLogEntry.Why.COORDINATOR


def reason_for_concern(user: User, concern: Concern) -> str:
    pid = _professional_id(user)
    if pid is not None and concern.convener_id == pid:
        return AccessLogEntry.Why.CONVENER
    if pid is not None:
        meetings = Meeting.objects.filter(concern=concern).prefetch_related(
            "invitations", "plan__lead_professionals"
        )
        for meeting in meetings:
            if meeting.convener_id == pid or any(
                i.professional_id == pid for i in meeting.invitations.all()
            ):
                return reason_for_meeting(user, meeting)
            if hasattr(meeting, "plan") and any(
                p.pk == pid for p in meeting.plan.lead_professionals.all()
            ):
                return AccessLogEntry.Why.LEAD
    return AccessLogEntry.Why.COORDINATOR


def meeting_detail_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "concern__family__municipality",
        "convener__organisation",
        "team__practice",
    ).prefetch_related(
        "invitations__professional__organisation",
        "invitations__expertise",
        "star_notes__area",
        "concern__topics",
        "messages",
    )


def read_meeting(
    user: User, pk: int, *, what: str = AccessLogEntry.What.MEETING, via_api: bool = False
) -> Meeting:
    """The meeting if the user may see it (else 404), its read logged."""
    try:
        meeting = meeting_detail_queryset().get(pk=pk, pk__in=meetings_visible_to(user))
    except Meeting.DoesNotExist:
        raise Http404 from None
    record_access(
        user=user,
        family_id=meeting.concern.family_id,
        what=what,
        why=reason_for_meeting(user, meeting),
        via_api=via_api,
    )
    return meeting


def read_concern(user: User, pk: int, *, via_api: bool = False) -> Concern:
    try:
        concern = (
            Concern.objects.select_related("family__municipality", "convener__organisation")
            .prefetch_related("topics", "meetings")
            .get(pk=pk, pk__in=concerns_visible_to(user))
        )
    except Concern.DoesNotExist:
        raise Http404 from None
    record_access(
        user=user,
        family_id=concern.family_id,
        what=AccessLogEntry.What.CONCERN,
        why=reason_for_concern(user, concern),
        via_api=via_api,
    )
    return concern


def may_convene(user: User, concern: Concern) -> bool:
    """The local worker who raised the concern convenes; afterwards a lead
    professional of its joint plan arranges follow-up meetings."""
    pid = _professional_id(user)
    if pid is None:
        return False

    return (
        concern.convener_id == pid
        or JointPlan.objects.filter(meeting__concern=concern, lead_professionals=pid).exists()
    )


def list_reason(user: User, meeting: Meeting) -> str:
    """The basis for showing a meeting's family in a list, for the access log.
    Expects the meeting's invitations prefetched (no query per row)."""
    pid = _professional_id(user)
    if pid is not None and meeting.convener_id == pid:
        return AccessLogEntry.Why.CONVENER
    if pid is not None and any(i.professional_id == pid for i in meeting.invitations.all()):
        return AccessLogEntry.Why.INVITED
    if user.is_coordinator:
        return AccessLogEntry.Why.COORDINATOR
    # Visible, yet neither convened, invited nor overseen: the user leads the plan.
    return AccessLogEntry.Why.LEAD
