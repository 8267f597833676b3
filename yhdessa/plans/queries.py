from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.queries import read_meeting
from yhdessa.plans.models import JointPlan


def plans_led_by(user: User) -> QuerySet[JointPlan]:
    """The families a lead professional follows, soonest next contact first."""
    professional = getattr(user, "professional", None)
    if professional is None:
        return JointPlan.objects.none()
    return (
        JointPlan.objects.filter(lead_professionals=professional)
        .select_related("meeting__concern__family")
        .order_by("next_contact", "pk")
    )


def plan_queryset() -> QuerySet[JointPlan]:
    return JointPlan.objects.select_related("updated_by").prefetch_related(
        "actions", "lead_professionals__organisation"
    )


def read_plan(
    user: User, meeting_pk: int, *, pdf: bool = False, via_api: bool = False
) -> tuple[Meeting, JointPlan]:
    what = AccessLogEntry.What.PLAN_PDF if pdf else AccessLogEntry.What.PLAN
    meeting = read_meeting(user, meeting_pk, what=what, via_api=via_api)
    plan = plan_queryset().filter(meeting=meeting).first()
    if plan is None:
        raise Http404
    return meeting, plan


def plan_document_context(meeting: Meeting, plan: JointPlan) -> dict:
    """What the printed page and the PDF show."""
    actions = list(plan.actions.all())
    return {
        "meeting": meeting,
        "plan": plan,
        "family": meeting.concern.family,
        "home": [a for a in actions if a.where == "home"],
        "everyday": [a for a in actions if a.where == "everyday_environment"],
        "elsewhere": [a for a in actions if a.where == "elsewhere"],
        "attendees": [i.professional for i in meeting.invitations.all() if i.status == "attended"],
        "printed": timezone.localdate(),
    }
