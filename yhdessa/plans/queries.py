from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from yhdessa import access
from yhdessa.meetings.models import Meeting
from yhdessa.plans.models import JointPlan


def plans_led_by(user) -> QuerySet[JointPlan]:
    """The families a lead professional follows, soonest next contact first."""
    return (
        access.plans_led_by(user)
        .select_related("meeting__concern__family")
        .order_by("next_contact", "pk")
    )


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


def worklist(user) -> QuerySet[JointPlan]:
    """The lead's families: next contact first (overdue at the top), with
    the last contact and whether a follow-up meeting is already agreed."""
    follow_up = Meeting.objects.filter(
        follows=OuterRef("meeting"), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")
    return plans_led_by(user).annotate(
        last_contact=Max("contacts__on"),
        follow_up_at=Subquery(follow_up.values("starts_at")[:1]),
    )
