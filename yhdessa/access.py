"""Who may see and do what: the one owner of the access rule.

- The acting professional is an active user linked to an active professional.
  Someone who has left has no access at all: their user, sessions and API
  tokens end when they leave (``yhdessa.network.services.save_professional``).
- A professional sees the concerns and meetings they convened, were invited
  to or lead; a coordinator sees those of their own municipality.
- A loader (``read_*``) checks the action first and then writes exactly one
  access-log row with the reason; a refused read writes no row. Outsiders get
  404: they learn nothing, not even that the record exists.
- ``require_*`` are the checks for acting. The services call them with the
  actor, so no caller (page, API, import, command) can skip them.
- Directory upkeep is scoped: a coordinator keeps their own municipality, a
  management command names its actor or acts as the system for one
  municipality, and only the system administrator reaches every municipality.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.services import record_access, record_list_access
from yhdessa.families.models import Concern, Contact, Family
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.models import (
    DirectoryChange,
    FamilyCentreTeam,
    ImportedService,
    Municipality,
    Organisation,
    Professional,
)
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.models import JointPlan

Why = AccessLogEntry.Why
What = AccessLogEntry.What


class Action(StrEnum):
    """What a loader is asked to allow, checked before anything is logged."""

    READ = "read"
    # A concern: convene its (first or follow-up) meeting.
    CONVENE = "convene"
    # A meeting: record it held, write its notes and plan, move, cancel, resend.
    MANAGE = "manage"
    # A concern: close it, or record that the family withdrew its consent.
    CLOSE = "close"


# ---- who is acting ---------------------------------------------------------


def is_active_user(user) -> bool:
    """A signed-in user who has not been deactivated (not a SystemActor)."""
    return isinstance(user, User) and user.is_authenticated and user.is_active


def has_left(user) -> bool:
    """A deactivated user, or a user whose professional has left the network."""
    if user is None or not user.is_active:
        return True
    try:
        return not user.professional.is_active
    except ObjectDoesNotExist:
        return False


def acting_professional(user) -> Professional | None:
    """The user's professional, if both are active (someone who has left is not)."""
    if not is_active_user(user):
        return None
    try:
        professional = user.professional
    except ObjectDoesNotExist:
        return None
    return professional if professional.is_active else None


def _pid(user) -> int | None:
    professional = acting_professional(user)
    return professional.pk if professional else None


def coordinated_municipality_id(user) -> int | None:
    """The municipality an active coordinator oversees."""
    if is_active_user(user) and user.role == User.Role.COORDINATOR:
        return user.municipality_id
    return None


def is_system_admin(user) -> bool:
    return is_active_user(user) and user.is_superuser


def require_professional(actor, message: str | None = None) -> Professional:
    professional = acting_professional(actor)
    if professional is None:
        raise PermissionDenied(
            message or _("Vain verkoston aktiivinen ammattilainen voi tehdä tämän.")
        )
    return professional


# ---- what each user may see ------------------------------------------------


def _own_meetings(pid: int) -> Q:
    """The meetings a professional convened, was invited to or leads the plan of."""
    return (
        Q(convener_id=pid)
        | Exists(Invitation.objects.filter(meeting=OuterRef("pk"), professional_id=pid))
        | Exists(
            JointPlan.lead_professionals.through.objects.filter(
                jointplan__meeting=OuterRef("pk"), professional_id=pid
            )
        )
    )


def meetings_visible_to(user) -> QuerySet[Meeting]:
    rule = Q(pk__in=[])
    if (pid := _pid(user)) is not None:
        rule |= _own_meetings(pid)
    if (town := coordinated_municipality_id(user)) is not None:
        rule |= Q(concern__family__municipality_id=town)
    return Meeting.objects.filter(rule)


def concerns_visible_to(user) -> QuerySet[Concern]:
    rule = Q(pk__in=[])
    if (pid := _pid(user)) is not None:
        rule |= Q(convener_id=pid) | Exists(
            meetings_visible_to(user).filter(concern=OuterRef("pk"))
        )
    if (town := coordinated_municipality_id(user)) is not None:
        rule |= Q(family__municipality_id=town)
    return Concern.objects.filter(rule)


def families_visible_to(user) -> QuerySet[Family]:
    return Family.objects.filter(Exists(concerns_visible_to(user).filter(family=OuterRef("pk"))))


def concerns_of_professional(user) -> QuerySet[Concern]:
    """A professional's own families ("Perheeni"): the concerns they raised,
    or whose meetings they convened, were invited to or lead. Never what a
    coordinator merely oversees: a coordinator without a professional has none."""
    pid = _pid(user)
    if pid is None:
        return Concern.objects.none()
    own_meeting = Meeting.objects.filter(_own_meetings(pid), concern=OuterRef("pk"))
    return Concern.objects.filter(Q(convener_id=pid) | Exists(own_meeting))


def municipalities_reported_to(user) -> QuerySet[Municipality]:
    """The municipalities a reader's meeting report lists, zero ones too: a
    coordinator's own, a professional's own, and those of the meetings the
    reader may see."""
    rule = Q(pk__in=[])
    if (town := coordinated_municipality_id(user)) is not None:
        rule |= Q(pk=town)
    if (professional := acting_professional(user)) is not None:
        rule |= Q(pk=professional.municipality_id) | Q(
            pk__in=meetings_visible_to(user).values("concern__family__municipality_id")
        )
    return Municipality.objects.filter(rule)


def messages_visible_to(user) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


def require_system_admin(actor) -> None:
    if not is_system_admin(actor):
        raise PermissionDenied(_("Vain järjestelmän pääkäyttäjä voi tehdä tämän."))


def delivery_failures_visible_to(user) -> QuerySet[OutboxMessage]:
    """Messages whose delivery failed, for those who run the system: every
    message for the system administrator, those of the meetings of their own
    municipality's families for a coordinator; refused to anyone else."""
    if is_system_admin(user):
        messages = OutboxMessage.objects.all()
    else:
        town = require_coordinator(user)
        messages = OutboxMessage.objects.filter(
            Q(meeting__concern__family__municipality_id=town) | Q(family__municipality_id=town)
        )
    return messages.filter(
        Q(status=OutboxMessage.Status.FAILED)
        | Q(status=OutboxMessage.Status.PENDING, attempts__gt=0)
    )


_OPEN_PLAN = Q(
    meeting__concern__closed_at__isnull=True, meeting__concern__consent_withdrawn_at__isnull=True
)
# A follow-up meeting's plan takes the place of the earlier one: a family is
# followed by its latest plan only (once on the worklist, by its current lead).
_CURRENT_PLAN = ~Exists(
    JointPlan.objects.filter(
        meeting__concern=OuterRef("meeting__concern"),
        meeting__starts_at__gt=OuterRef("meeting__starts_at"),
    )
)


def plans_led_by(user) -> QuerySet[JointPlan]:
    professional = acting_professional(user)
    if professional is None:
        return JointPlan.objects.none()
    # A closed concern needs no follow-up, and a family that withdrew its
    # consent is not contacted.
    return (
        JointPlan.objects.filter(lead_professionals=professional)
        .filter(_OPEN_PLAN)
        .filter(_CURRENT_PLAN)
    )


def plans_without_lead(user) -> QuerySet[JointPlan]:
    """The joint plans of a coordinator's municipality whose every lead has
    left: these families wait for a new lead professional."""
    town = coordinated_municipality_id(user)
    if town is None:
        return JointPlan.objects.none()
    active_lead = JointPlan.lead_professionals.through.objects.filter(
        jointplan=OuterRef("pk"), professional__is_active=True
    )
    return (
        JointPlan.objects.filter(meeting__concern__family__municipality_id=town)
        .filter(_OPEN_PLAN)
        .filter(_CURRENT_PLAN)
        .exclude(Exists(active_lead))
    )


def require_coordinator_of_family(actor, family: Family) -> int:
    """An active coordinator of the family's municipality."""
    town = coordinated_municipality_id(actor)
    if town is None or town != family.municipality_id:
        raise PermissionDenied(_("Vain perheen kunnan perhekeskuskoordinaattori voi tehdä tämän."))
    return town


def families_in_municipality_of(user) -> QuerySet[Family]:
    """The families whose access log a coordinator may read."""
    town = coordinated_municipality_id(user)
    if town is None:
        return Family.objects.none()
    return Family.objects.filter(municipality_id=town)


# ---- why: the basis written in the access log -------------------------------


def reason_for_meeting(user, meeting: Meeting) -> str | None:
    """Why this user may read this meeting, or None if they may not.
    Expects the meeting's invitations and plan leads prefetched."""
    pid = _pid(user)
    if pid is not None:
        if meeting.convener_id == pid:
            return Why.CONVENER
        plan = getattr(meeting, "plan", None) if _has_plan(meeting) else None
        if plan is not None and any(p.pk == pid for p in plan.lead_professionals.all()):
            return Why.LEAD
        if any(i.professional_id == pid for i in meeting.invitations.all()):
            return Why.INVITED
    town = coordinated_municipality_id(user)
    if town is not None and meeting.concern.family.municipality_id == town:
        return Why.COORDINATOR
    return None


def _has_plan(meeting: Meeting) -> bool:
    try:
        meeting.plan  # noqa: B018 - a reverse one-to-one raises when missing
    except ObjectDoesNotExist:
        return False
    return True


def reason_for_concern(user, concern: Concern) -> str | None:
    """Why this user may read this concern (through its meetings, if not its own)."""
    pid = _pid(user)
    if pid is not None and concern.convener_id == pid:
        return Why.CONVENER
    if pid is not None:
        meetings = concern.meetings.select_related("concern__family").prefetch_related(
            "invitations", "plan__lead_professionals"
        )
        reasons = {reason_for_meeting(user, m) for m in meetings} - {None, Why.COORDINATOR}
        for why in (Why.CONVENER, Why.LEAD, Why.INVITED):
            if why in reasons:
                return why
    town = coordinated_municipality_id(user)
    if town is not None and concern.family.municipality_id == town:
        return Why.COORDINATOR
    return None


def own_family_reason(user, concern: Concern) -> str:
    """Why a concern is in a professional's own list ("Perheeni"). Expects
    the concern's meetings prefetched with their invitations and plan leads
    (no query per row)."""
    pid = _pid(user)
    if concern.convener_id == pid:
        return Why.CONVENER
    meetings = concern.meetings.all()
    if any(m.convener_id == pid for m in meetings):
        return Why.CONVENER
    for meeting in meetings:
        plan = meeting.plan if _has_plan(meeting) else None
        if plan is not None and any(p.pk == pid for p in plan.lead_professionals.all()):
            return Why.LEAD
    return Why.INVITED


def list_reason(user, meeting: Meeting) -> str:
    """The basis for showing a visible meeting's family in a list. Expects the
    meeting's invitations prefetched (no query per row)."""
    pid = _pid(user)
    if pid is not None and meeting.convener_id == pid:
        return Why.CONVENER
    if pid is not None and any(i.professional_id == pid for i in meeting.invitations.all()):
        return Why.INVITED
    if coordinated_municipality_id(user) is not None:
        return Why.COORDINATOR
    # Visible, yet neither convened, invited nor overseen: the user leads the plan.
    return Why.LEAD


def log_list(user, reads, *, via_api: bool = False) -> None:
    """One access-log row per family shown in a list, written in one query."""
    record_list_access(user=user, reads=reads, via_api=via_api)


# ---- the guidance service's contact inbox -------------------------------------


def contact_municipality_ids(user) -> list[int]:
    """The municipalities whose families' own contacts the user handles: the
    guidance service of a municipality (or of a whole county) and the
    municipality's coordinator. Nobody else, and nobody who has left."""
    if not is_active_user(user) or has_left(user):
        return []
    if user.role == User.Role.GUIDANCE:
        if user.municipality_id:
            return [user.municipality_id]
        if user.county_id:
            return list(
                Municipality.objects.filter(region_id=user.county_id).values_list("pk", flat=True)
            )
        return []
    town = coordinated_municipality_id(user)
    return [town] if town else []


def contacts_visible_to(user) -> QuerySet[Contact]:
    return Contact.objects.filter(family__municipality_id__in=contact_municipality_ids(user))


def handles_contacts(user) -> bool:
    return bool(contact_municipality_ids(user))


def require_handles_contacts_of(actor, municipality_id: int) -> None:
    if municipality_id not in contact_municipality_ids(actor):
        raise PermissionDenied(
            _("Vain kunnan ohjaus- ja neuvontapalvelu tai koordinaattori käsittelee yhteydenotot.")
        )


def _contact_why(user) -> str:
    return Why.GUIDANCE if user.role == User.Role.GUIDANCE else Why.COORDINATOR


def read_contact(user, pk: int, *, via_api: bool = False) -> Contact:
    """A contact of the user's inbox, logged as a read of the family's data;
    404 for anyone else."""
    contact = (
        contacts_visible_to(user)
        .select_related("family__municipality", "area", "handed_to", "concern", "recorded_by")
        .prefetch_related("topics")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404
    record_access(
        user=user,
        family_id=contact.family_id,
        what=What.CONTACT,
        why=_contact_why(user),
        via_api=via_api,
    )
    return contact


def record_handover(user, contact: Contact, *, via_api: bool = False) -> None:
    """A handover reads the family's contact and passes it on: in the log."""
    record_access(
        user=user,
        family_id=contact.family_id,
        what=What.CONTACT,
        why=_contact_why(user),
        via_api=via_api,
    )


def log_contacts(user, contacts, *, via_api: bool = False) -> None:
    """One row per family whose contact the inbox lists."""
    record_list_access(
        user=user, reads=[(c.family_id, _contact_why(user)) for c in contacts], via_api=via_api
    )


# ---- checks for acting ------------------------------------------------------


def may_convene(user, concern: Concern) -> bool:
    """The local worker who raised the concern convenes; afterwards a lead
    professional of its joint plan arranges follow-up meetings."""
    pid = _pid(user)
    if pid is None:
        return False
    return (
        concern.convener_id == pid
        or JointPlan.objects.filter(meeting__concern=concern, lead_professionals=pid).exists()
    )


def require_may_convene(actor, concern: Concern) -> Professional:
    professional = require_professional(
        actor, _("Vain verkoston ammattilainen voi kutsua Yhdessä ajan koolle.")
    )
    if not may_convene(actor, concern):
        raise PermissionDenied(
            _(
                "Vain huolen kirjannut lähityöntekijä tai perheen "
                "vastuutyöntekijä voi kutsua koolle."
            )
        )
    return professional


def may_close_concern(user, concern: Concern) -> bool:
    """The local worker who raised the concern, a lead professional of its
    plan, or the coordinator of the family's municipality, closes it or
    records a withdrawn consent."""
    pid = _pid(user)
    if pid is not None and (
        concern.convener_id == pid
        or JointPlan.objects.filter(meeting__concern=concern, lead_professionals=pid).exists()
    ):
        return True
    town = coordinated_municipality_id(user)
    return town is not None and town == concern.family.municipality_id


def require_may_close_concern(actor, concern: Concern) -> None:
    if not may_close_concern(actor, concern):
        raise PermissionDenied(
            _(
                "Vain huolen kirjannut lähityöntekijä, perheen vastuutyöntekijä tai kunnan "
                "perhekeskuskoordinaattori voi sulkea huolen tai kirjata suostumuksen perumisen."
            )
        )


def may_manage_family_links(user, family: Family) -> bool:
    """The family's link to its own page is sent again or revoked by the
    convener of one of its concerns, a lead professional of one of its
    plans (the family's workers), or the coordinator of its municipality."""
    pid = _pid(user)
    if pid is not None and (
        Concern.objects.filter(family=family, convener_id=pid).exists()
        or JointPlan.objects.filter(
            meeting__concern__family=family, lead_professionals=pid
        ).exists()
    ):
        return True
    town = coordinated_municipality_id(user)
    return town is not None and town == family.municipality_id


def require_may_manage_family_links(actor, family: Family) -> None:
    if not may_manage_family_links(actor, family):
        raise PermissionDenied(
            _(
                "Vain perheen lähityöntekijä, vastuutyöntekijä tai kunnan "
                "perhekeskuskoordinaattori voi lähettää tai perua perheen linkin."
            )
        )


def took_part(user, meeting: Meeting) -> bool:
    """The convener, or an invitee recorded as attending the held meeting."""
    pid = _pid(user)
    if pid is None or meeting.status != Meeting.Status.HELD:
        return False
    return (
        meeting.convener_id == pid
        or meeting.invitations.filter(
            professional_id=pid, status=Invitation.Status.ATTENDED
        ).exists()
    )


def require_took_part(actor, meeting: Meeting) -> Professional:
    professional = require_professional(actor)
    if not took_part(actor, meeting):
        raise PermissionDenied(
            _("Vain tapaamiseen osallistunut ammattilainen antaa siitä palautetta.")
        )
    return professional


def is_convener(user, meeting: Meeting) -> bool:
    pid = _pid(user)
    return pid is not None and meeting.convener_id == pid


def require_convener(actor, meeting: Meeting) -> Professional:
    """Only the meeting's convener records, moves, cancels it and writes its plan."""
    professional = require_professional(actor)
    if meeting.convener_id != professional.pk:
        raise PermissionDenied(
            _("Vain koollekutsuja voi kirjata tapaamisen ja suunnitelman ja muuttaa niitä.")
        )
    return professional


def is_lead(user, plan: JointPlan) -> bool:
    pid = _pid(user)
    return pid is not None and any(p.pk == pid for p in plan.lead_professionals.all())


def require_lead(actor, plan: JointPlan) -> Professional:
    professional = require_professional(actor)
    if not plan.lead_professionals.filter(pk=professional.pk).exists():
        raise PermissionDenied(_("Vain perheen vastuutyöntekijä voi tehdä tämän."))
    return professional


def may_share_plan(user, plan: JointPlan) -> bool:
    """A lead of the plan, or the convener of its meeting, records the
    family's consent to share it."""
    pid = _pid(user)
    return pid is not None and (
        plan.meeting.convener_id == pid or plan.lead_professionals.filter(pk=pid).exists()
    )


def require_may_share_plan(actor, plan: JointPlan) -> None:
    if not may_share_plan(actor, plan):
        raise PermissionDenied(
            _("Vain perheen vastuutyöntekijä tai koollekutsuja voi jakaa suunnitelman.")
        )


def require_coordinator(actor) -> int:
    """Any active coordinator; returns their municipality."""
    town = coordinated_municipality_id(actor)
    if town is None:
        raise PermissionDenied(_("Vain perhekeskuskoordinaattori voi tehdä tämän."))
    return town


# ---- loaders: check, then log once ------------------------------------------


def _allowed(user, action: Action, meeting: Meeting | None, concern: Concern) -> bool:
    if action == Action.READ:
        return True
    if action == Action.CONVENE:
        return may_convene(user, concern)
    if action == Action.CLOSE:
        return may_close_concern(user, concern)
    return meeting is not None and is_convener(user, meeting)


def _refuse(user, visible: bool) -> None:
    """404 for an outsider (nothing is revealed), 403 for someone who may
    read but not do this."""
    if not visible:
        raise Http404
    raise PermissionDenied(_("Sinulla ei ole oikeutta tähän toimintoon."))


def meeting_detail_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "concern__family__municipality",
        "convener__organisation",
        "team__practice",
        "room_booking__room",
    ).prefetch_related(
        "invitations__professional__organisation",
        "invitations__expertise",
        "star_notes__area",
        "concern__topics",
        "messages",
        "plan__lead_professionals",
    )


def read_meeting(
    user,
    pk: int,
    *,
    action: Action = Action.READ,
    what: str = What.MEETING,
    via_api: bool = False,
) -> Meeting:
    """The meeting if the user may do ``action`` with it, its read logged once."""
    meeting = meeting_detail_queryset().filter(pk=pk).first()
    why = reason_for_meeting(user, meeting) if meeting is not None else None
    if why is None or not _allowed(user, action, meeting, meeting.concern):
        _refuse(user, why is not None)
    record_access(
        user=user, family_id=meeting.concern.family_id, what=what, why=why, via_api=via_api
    )
    return meeting


def concern_detail_queryset(user) -> QuerySet[Concern]:
    """A concern with its topics and the meetings of it this user may see
    (an expert invited to one meeting does not see the family's others)."""
    return Concern.objects.select_related(
        "family__municipality", "convener__organisation", "area"
    ).prefetch_related(
        "topics", Prefetch("meetings", queryset=meetings_visible_to(user).select_related("plan"))
    )


def read_concern(user, pk: int, *, action: Action = Action.READ, via_api: bool = False) -> Concern:
    concern = concern_detail_queryset(user).filter(pk=pk).first()
    why = reason_for_concern(user, concern) if concern is not None else None
    if why is None or not _allowed(user, action, None, concern):
        _refuse(user, why is not None)
    record_access(
        user=user, family_id=concern.family_id, what=What.CONCERN, why=why, via_api=via_api
    )
    return concern


def plan_queryset() -> QuerySet[JointPlan]:
    return JointPlan.objects.select_related("updated_by").prefetch_related(
        "actions__responsible_professional",
        "actions__responsible_organisation",
        "lead_professionals__organisation",
    )


def read_plan(
    user, meeting_pk: int, *, pdf: bool = False, via_api: bool = False
) -> tuple[Meeting, JointPlan]:
    """A meeting's joint plan; a meeting without one is 404 and logs nothing."""
    meeting = meeting_detail_queryset().filter(pk=meeting_pk).first()
    why = reason_for_meeting(user, meeting) if meeting is not None else None
    plan = plan_queryset().filter(meeting=meeting).first() if meeting is not None else None
    if plan is None:
        raise Http404
    if (
        why is None
        and (pid := _pid(user)) is not None
        and meeting.concern.consent_withdrawn_at is None
        and plan.shares.filter(professional_id=pid).exists()
    ):
        # Outside the meeting, with the family's consent: the plan only, and
        # not once the family has withdrawn its consent.
        why = Why.SHARED
    if why is None:
        raise Http404
    record_access(
        user=user,
        family_id=meeting.concern.family_id,
        what=What.PLAN_PDF if pdf else What.PLAN,
        why=why,
        via_api=via_api,
    )
    return meeting, plan


def read_shareable_plan(user, meeting_pk: int, *, via_api: bool = False) -> JointPlan:
    """A plan whose sharing the user keeps (a lead, or the meeting's
    convener), its read logged; 404 for an outsider, 403 for others who may
    read the meeting."""
    if not 0 < meeting_pk < 2**63:
        raise Http404
    plan = plan_queryset().select_related("meeting").filter(meeting_id=meeting_pk).first()
    if plan is None or not may_share_plan(user, plan):
        visible = plan is not None and meetings_visible_to(user).filter(pk=meeting_pk).exists()
        _refuse(user, visible)
    _meeting, plan = read_plan(user, meeting_pk, via_api=via_api)
    return plan


def read_summary(user, meeting_pk: int, *, pdf: bool = False, via_api: bool = False) -> Meeting:
    """A held meeting's summary for a participant's own records: only those
    who took part (the convener and those who attended) take it, each
    taking logged."""
    meeting = meeting_detail_queryset().filter(pk=meeting_pk).first()
    why = reason_for_meeting(user, meeting) if meeting is not None else None
    if why is None:
        raise Http404
    if not took_part(user, meeting):
        raise PermissionDenied(
            _("Yhteenvedon omiin kirjauksiin ottaa tapaamiseen osallistunut ammattilainen.")
        )
    record_access(
        user=user,
        family_id=meeting.concern.family_id,
        what=What.SUMMARY_PDF if pdf else What.SUMMARY,
        why=Why.CONVENER if meeting.convener_id == _pid(user) else Why.INVITED,
        via_api=via_api,
    )
    return meeting


def read_led_plan(user, meeting_pk: int, *, via_api: bool = False) -> JointPlan:
    """A plan the user leads, for the lead's follow-up (contacts, hand-over,
    sharing, closing); anyone else gets 404 (or 403 if they may read it)."""
    # A related lookup does not check the integer's range (SQLite overflows).
    if not 0 < meeting_pk < 2**63:
        raise Http404
    plan = (
        plan_queryset()
        .select_related("meeting__concern__family", "meeting__convener")
        .filter(meeting_id=meeting_pk)
        .first()
    )
    if plan is None or not is_lead(user, plan):
        visible = plan is not None and meetings_visible_to(user).filter(pk=meeting_pk).exists()
        _refuse(user, visible)
    record_access(
        user=user,
        family_id=plan.meeting.concern.family_id,
        what=What.FOLLOW_UP,
        why=Why.LEAD,
        via_api=via_api,
    )
    return plan


def read_message(user, pk: int, *, action: Action = Action.READ) -> OutboxMessage:
    message = OutboxMessage.objects.select_related("professional", "meeting").filter(pk=pk).first()
    if message is None or message.meeting_id is None:
        raise Http404
    meeting = meeting_detail_queryset().get(pk=message.meeting_id)
    why = reason_for_meeting(user, meeting)
    if why is None or not _allowed(user, action, meeting, meeting.concern):
        _refuse(user, why is not None)
    record_access(user=user, family_id=meeting.concern.family_id, what=What.MESSAGES, why=why)
    message.meeting = meeting
    return message


def read_family_log(user, family_pk: int) -> Family:
    """A coordinator reads who has read a family of their municipality."""
    family = families_in_municipality_of(user).filter(pk=family_pk).first()
    if family is None:
        raise Http404
    # Logged first, so that this read is on the page it produces.
    record_access(user=user, family_id=family.pk, what=What.ACCESS_LOG, why=Why.COORDINATOR)
    return family


# ---- the directory ----------------------------------------------------------


@dataclass(frozen=True)
class SystemActor:
    """A management command acting for the system within one municipality
    (named on its command line). It is no user: changes it makes are logged
    with no user and the source saying so."""

    # None only while the command creates the municipality it then acts for.
    municipality_id: int | None
    label: str = "system"


def directory_scope(actor) -> int | None:
    """The municipality whose directory the actor keeps; None for every
    municipality (the system administrator). Refuses anyone else."""
    if isinstance(actor, SystemActor):
        if actor.municipality_id is None:
            raise PermissionDenied(_("Järjestelmän toimijalle on annettava kunta."))
        return actor.municipality_id
    if is_system_admin(actor):
        return None
    town = coordinated_municipality_id(actor)
    if town is None:
        raise PermissionDenied(_("Vain perhekeskuskoordinaattori ylläpitää verkoston tietoja."))
    return town


def may_keep_directory(user) -> bool:
    try:
        directory_scope(user)
    except PermissionDenied:
        return False
    return True


def require_coordinator_of(actor, municipality_id: int | None) -> None:
    """The actor keeps this municipality's directory."""
    scope = directory_scope(actor)
    if scope is not None and scope != municipality_id:
        raise PermissionDenied(_("Voit ylläpitää vain oman kuntasi verkoston tietoja."))


def require_may_create_municipality(actor, name: str) -> None:
    """New municipalities come from the system administrator (or a command
    that names the municipality it acts for)."""
    if is_system_admin(actor) or (isinstance(actor, SystemActor) and actor.municipality_id is None):
        return
    raise PermissionDenied(
        _(
            "Kuntaa %(name)s ei ole järjestelmässä. Uuden kunnan lisää järjestelmän "
            "ylläpitäjä; tarkista nimen kirjoitusasu."
        )
        % {"name": name}
    )


def change_actor(actor) -> User | None:
    """The user a directory change is logged for (None for the system)."""
    return None if isinstance(actor, SystemActor) else actor


def _in_scope(actor, model, rule) -> QuerySet:
    """The model's rows within the actor's directory scope: ``rule(town)``
    for a coordinator or a system actor, all for the administrator, none
    for anyone else."""
    try:
        scope = directory_scope(actor)
    except PermissionDenied:
        return model.objects.none()
    return model.objects.all() if scope is None else model.objects.filter(rule(scope))


def organisations_managed_by(actor) -> QuerySet[Organisation]:
    """A coordinator keeps the organisations serving their municipality, and
    those not yet tied to any."""
    untied = ~Exists(
        Organisation.municipalities.through.objects.filter(organisation=OuterRef("pk"))
    )
    return _in_scope(actor, Organisation, lambda town: Q(pk__in=_serving(town)) | untied)


def _serving(town: int):
    return Organisation.municipalities.through.objects.filter(municipality_id=town).values(
        "organisation_id"
    )


def professionals_managed_by(actor) -> QuerySet[Professional]:
    return _in_scope(actor, Professional, lambda town: Q(municipality_id=town))


def teams_managed_by(actor) -> QuerySet[FamilyCentreTeam]:
    return _in_scope(actor, FamilyCentreTeam, lambda town: Q(municipality_id=town))


def imported_services_managed_by(actor) -> QuerySet[ImportedService]:
    """The imported services a coordinator classifies: their municipality's."""
    return _in_scope(actor, ImportedService, lambda town: Q(municipality_id=town))


def changes_visible_to(user) -> QuerySet[DirectoryChange]:
    """A coordinator reads their own municipality's directory history; the
    system administrator reads all of it."""
    return _in_scope(user, DirectoryChange, lambda town: Q(municipality_id=town))


def change_municipality_id(actor, instance) -> int | None:
    """The municipality a directory change belongs to: the actor's own, or,
    for the system administrator, the changed record's."""
    if isinstance(instance, Municipality):
        return instance.pk
    scope = directory_scope(actor)
    if scope is not None:
        return scope
    return getattr(instance, "municipality_id", None)


# ---- roles -------------------------------------------------------------------

# The system administrator's role is Django's superuser flag, not a User.Role.
ADMIN_ROLE = "admin"
# The roles a coordinator hands out within their own municipality.
MUNICIPAL_ROLES = (User.Role.PROFESSIONAL, User.Role.GUIDANCE, User.Role.COORDINATOR)


def users_managed_by(actor) -> QuerySet[User]:
    """Whose roles the actor keeps: a coordinator the users of their own
    municipality (by role or by the directory), the administrator everyone."""
    return _in_scope(
        actor, User, lambda town: Q(municipality_id=town) | Q(professional__municipality_id=town)
    )


def may_grant(actor, role: str, municipality=None) -> bool:
    """Whether the actor may give (or take away) this role in this
    municipality: a coordinator the municipal roles of their own
    municipality, the system administrator any role, including county user
    and system administrator. The plain professional role belongs to no
    municipality: whoever keeps the person may set it."""
    if is_system_admin(actor):
        return True
    town = coordinated_municipality_id(actor)
    if town is None or role not in MUNICIPAL_ROLES:
        return False
    if role == User.Role.PROFESSIONAL:
        return True
    return getattr(municipality, "pk", municipality) == town


def require_keeps_login_of(actor, professional: Professional) -> None:
    """The actor invites the professional to log in and resets their second
    factor: the coordinator of the professional's municipality, the system
    administrator. A coordinator keeps only the logins whose role they could
    give: an invitation sets the user's password (a user of single sign-on
    has none, so it would be theirs to set), so never the administrator's, a
    county user's or another municipality's coordinator's, even if that
    person is also listed in the coordinator's directory."""
    require_coordinator_of(actor, professional.municipality_id)
    user = professional.user
    if user is None or is_system_admin(actor):
        return
    if user.is_superuser or not may_grant(actor, user.role, user.municipality_id):
        raise PermissionDenied(
            _("Tämän käyttäjän kirjautumista voi muuttaa vain järjestelmän pääkäyttäjä.")
        )


# ---- scheduling: own availability, rooms ------------------------------------


def require_own_availability(actor) -> Professional:
    """A professional keeps only their own absences and calendar."""
    return require_professional(
        actor, _("Vain verkoston aktiivinen ammattilainen voi merkitä poissaoloja.")
    )


def rooms_managed_by(actor):
    """The rooms a coordinator keeps: their own municipality's (a system
    administrator: every municipality's)."""
    from yhdessa.scheduling.models import Room

    if is_system_admin(actor):
        return Room.objects.all()
    town = coordinated_municipality_id(actor)
    return Room.objects.filter(municipality_id=town) if town else Room.objects.none()


def require_rooms_manager(actor) -> int:
    """A coordinator manages the rooms of their own municipality."""
    return require_coordinator(actor)
