"""The start page's reads and the professional's own families ("Perheeni"):
one query per section however many rows."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.families.models import Concern
from yhdessa.families.queries import family_search
from yhdessa.meetings.models import Invitation, Meeting


def open_meetings(user) -> QuerySet[Meeting]:
    """Scheduled meetings the user convened or was invited to, oldest first:
    those that have started wait to be recorded."""
    professional = access.acting_professional(user)
    # Replaced by a substitute: no longer one of "my" meetings.
    replaced = Invitation.objects.filter(
        meeting=OuterRef("pk"),
        professional=professional,
        status=Invitation.Status.WITHDRAWN,
    )
    return (
        access.meetings_visible_to(user)
        .filter(status=Meeting.Status.SCHEDULED)
        .exclude(Exists(replaced))
        .select_related("concern__family", "convener")
        .prefetch_related("invitations")
        .order_by("starts_at")
    )


def concerns_waiting(user) -> QuerySet[Concern]:
    """Concerns this professional raised that have no meeting yet (and whose
    work has not ended: closed, or the family withdrew its consent)."""
    professional = access.acting_professional(user)
    if professional is None:
        return Concern.objects.none()
    has_meeting = Meeting.objects.filter(concern=OuterRef("pk")).exclude(
        status=Meeting.Status.CANCELLED
    )
    return (
        Concern.objects.filter(
            convener=professional, closed_at__isnull=True, consent_withdrawn_at__isnull=True
        )
        .exclude(Exists(has_meeting))
        .select_related("family")
        .order_by("-created_at")
    )


# ---- "Perheeni": a professional's own families, with state and next step ----


class FamilyState(models.TextChoices):
    RAISED = "raised", gettext_lazy("Huoli kirjattu")
    SCHEDULED = "scheduled", gettext_lazy("Tapaaminen sovittu")
    HELD = "held", gettext_lazy("Tapaaminen pidetty")
    PLANNED = "planned", gettext_lazy("Suunnitelma kirjoitettu")
    CLOSED = "closed", gettext_lazy("Huoli suljettu")
    WITHDRAWN = "withdrawn", gettext_lazy("Perhe perui suostumuksensa")


@dataclass
class FamilyRow:
    concern: Concern
    state: FamilyState
    state_detail: str = ""
    next_step: str = ""
    next_url: str = ""
    overdue: bool = False
    # The meeting whose joint plan can be printed again.
    plan_meeting: Meeting | None = None


def my_families(user, query: str = "") -> QuerySet[Concern]:
    """The concerns a professional raised, convened, was invited to or leads
    (``access.concerns_of_professional``), open ones first, newest first,
    with what the rows show loaded in a fixed number of queries."""
    concerns = access.concerns_of_professional(user)
    if query:
        concerns = concerns.filter(family_search(query, prefix="family__"))
    meetings = (
        access.meetings_visible_to(user)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("plan")
        .prefetch_related("invitations", "plan__lead_professionals")
        .order_by("starts_at", "pk")
    )
    ended = Case(
        When(Q(closed_at__isnull=False) | Q(consent_withdrawn_at__isnull=False), then=Value(1)),
        default=Value(0),
    )
    return (
        concerns.select_related("family")
        .prefetch_related(Prefetch("meetings", queryset=meetings))
        .annotate(ended=ended)
        .order_by("ended", "-created_at", "-pk")
    )


def _date(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def family_row(user, concern: Concern, *, now: datetime) -> FamilyRow:
    """Where the work with the family stands and what the reader does next.
    Uses only what ``my_families`` loaded."""
    pid = access.acting_professional(user).pk
    meetings = list(concern.meetings.all())
    planned = [m for m in meetings if _plan(m) is not None]
    row = FamilyRow(concern=concern, state=FamilyState.RAISED)
    row.plan_meeting = planned[-1] if planned else None
    if concern.consent_withdrawn_at is not None:
        row.state = FamilyState.WITHDRAWN
        row.state_detail = _date(timezone.localtime(concern.consent_withdrawn_at))
        row.next_step = _("Ei yhteydenottoja perheeseen")
        return row
    if concern.closed_at is not None:
        row.state = FamilyState.CLOSED
        row.state_detail = concern.get_close_reason_display()
        return row
    scheduled = [m for m in meetings if m.status == Meeting.Status.SCHEDULED]
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    if scheduled:
        meeting = scheduled[0]
        row.state = FamilyState.SCHEDULED
        row.state_detail = _date(timezone.localtime(meeting.starts_at))
        if meeting.starts_at > now:
            row.next_step = _("Tapaaminen")
            row.next_url = reverse("meetings:detail", args=[meeting.pk])
        elif meeting.convener_id == pid:
            row.next_step = _("Kirjaa tapaaminen")
            row.next_url = reverse("meetings:held", args=[meeting.pk])
        else:
            row.next_step = _("Koollekutsuja kirjaa tapaamisen")
        return row
    if held and _plan(held[-1]) is None:
        meeting = held[-1]
        row.state = FamilyState.HELD
        row.state_detail = _date(timezone.localtime(meeting.starts_at))
        if meeting.convener_id == pid:
            row.next_step = _("Kirjoita suunnitelma")
            row.next_url = reverse("plans:edit", args=[meeting.pk])
        else:
            row.next_step = _("Koollekutsuja kirjoittaa suunnitelman")
        return row
    if held:
        plan = _plan(held[-1])
        row.state = FamilyState.PLANNED
        leads = list(plan.lead_professionals.all())
        row.overdue = plan.next_contact < timezone.localdate(now)
        if any(p.pk == pid for p in leads):
            row.next_step = _("Seuraava yhteydenotto %(date)s") % {"date": _date(plan.next_contact)}
            row.next_url = reverse("plans:view", args=[held[-1].pk])
        else:
            row.overdue = False  # the lead's to keep, not the reader's
            row.next_step = _("Vastuutyöntekijä %(names)s seuraa") % {
                "names": ", ".join(p.name for p in leads) or "–"
            }
        return row
    if concern.convener_id == pid:
        row.next_step = _("Kutsu koolle")
        row.next_url = reverse("meetings:convene", args=[concern.pk])
    else:
        row.next_step = _("Lähityöntekijä kutsuu koolle")
    return row


def _plan(meeting: Meeting):
    """The meeting's plan as loaded with it (select_related), or None."""
    try:
        return meeting.plan
    except ObjectDoesNotExist:
        return None


def open_polls(user):
    """The open polls the user is asked in, and those they sent."""
    from yhdessa.scheduling.models import Poll

    professional = access.acting_professional(user)
    if professional is None:
        return [], []
    # One query for both (the prefetches run only when there is a poll).
    polls = list(
        Poll.objects.filter(
            Q(invitees=professional) | Q(convener=professional), status=Poll.Status.OPEN
        )
        .select_related("convener", "concern__family")
        .prefetch_related("options__votes")
        .distinct()
        .order_by("created_at")[:40]
    )
    asked = [p for p in polls if p.convener_id != professional.pk]
    own = [p for p in polls if p.convener_id == professional.pk]
    return asked, own
