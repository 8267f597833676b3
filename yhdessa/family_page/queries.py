"""What the family's page shows: the family's own meetings, their
invitees, plans and whether feedback was given. Never another family's."""

from django.db.models import Prefetch

from yhdessa.families.models import Family
from yhdessa.feedback.models import Feedback
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.models import Professional
from yhdessa.plans.models import PlanAction, PlanShare


def family_meetings(family: Family) -> list[Meeting]:
    """The family's meetings, the next or latest first, with what the page
    shows of each (a fixed number of queries however many there are)."""
    return list(
        Meeting.objects.filter(concern__family=family)
        .select_related("concern", "convener__organisation", "plan")
        .prefetch_related(
            "concern__topics",
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related(
                    "professional__organisation", "expertise"
                ),
            ),
            Prefetch(
                "plan__lead_professionals",
                queryset=Professional.objects.select_related("organisation"),
            ),
            # Who does each action (select_related: no query more).
            Prefetch(
                "plan__actions",
                queryset=PlanAction.objects.select_related(
                    "responsible_professional", "responsible_organisation"
                ),
            ),
            # Whom the family let read its plan.
            Prefetch(
                "plan__shares",
                queryset=PlanShare.objects.select_related("professional__organisation"),
            ),
            Prefetch(
                "feedback",
                queryset=Feedback.objects.filter(source=Feedback.Source.FAMILY),
                to_attr="family_feedback",
            ),
        )
        .order_by("-starts_at")
    )


def meeting_of_family(family: Family, meeting_pk: int) -> Meeting | None:
    """The family's own meeting with this id, or None (another family's,
    or none at all: the page answers the same)."""
    return (
        Meeting.objects.filter(concern__family=family, pk=meeting_pk)
        .select_related("concern__family", "convener")
        .first()
    )
