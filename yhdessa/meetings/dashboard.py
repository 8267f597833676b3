"""The start page's reads: one query per section however many rows."""

from django.db.models import Exists, OuterRef, QuerySet

from yhdessa import access
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting


def open_meetings(user) -> QuerySet[Meeting]:
    """Scheduled meetings the user convened or was invited to, oldest first:
    those that have started wait to be recorded."""
    return (
        access.meetings_visible_to(user)
        .filter(status=Meeting.Status.SCHEDULED)
        .select_related("concern__family", "convener")
        .prefetch_related("invitations")
        .order_by("starts_at")
    )


def concerns_waiting(user) -> QuerySet[Concern]:
    """Concerns this professional raised that have no meeting yet."""
    professional = access.acting_professional(user)
    if professional is None:
        return Concern.objects.none()
    has_meeting = Meeting.objects.filter(concern=OuterRef("pk")).exclude(
        status=Meeting.Status.CANCELLED
    )
    return (
        Concern.objects.filter(convener=professional)
        .exclude(Exists(has_meeting))
        .select_related("family")
        .order_by("-created_at")
    )
