"""The meeting room and the time after the meeting in the API: the room's
phases, clock, discussion and drafts; the family's own star placement; the
lead professional's worklist, contact log, hand-over, sharing and closing;
the review of the earlier plan at a follow-up meeting; and each
participant's summary for their own records. Thin, as api.py: parse, check
through ``yhdessa.access``, call the service, shape with a schema.

Who may do what: the meeting room, the star placement and the review are
the meeting's convener's (anyone else who may read the meeting: 403); the
follow-up is the plan's lead professionals' (403 for others who may read
the plan); the summary is for those who took part. Outsiders get 404.
"""

from datetime import date, datetime
from typing import Annotated

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictInt

from yhdessa import access
from yhdessa.api.reference import CodeOut
from yhdessa.api.schemas import ConcernOut, ErrorOut, Flag, Id, PersonRef, PlanOut
from yhdessa.meetings import room
from yhdessa.meetings.models import Meeting, RunSheet
from yhdessa.meetings.summary import summary_pdf, summary_text
from yhdessa.plans import follow_up, queries, review
from yhdessa.plans.models import (
    ActionReview,
    FollowUpContact,
    JointPlan,
    MatterReview,
    PlanAction,
    PlanShare,
)
from yhdessa.plans.services import responsible_organisations, responsible_people

router = Router()
# A path's id: a positive 64-bit integer (a larger one cannot even be sent to
# SQLite, and a related lookup such as meeting_id= does not check the range).
PathId = Annotated[int, Field(ge=1, le=2**63 - 1)]
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}
LIST = {200: list[CodeOut], 401: ErrorOut}



def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None


def _plan_out(plan_pk: int) -> dict:
    """The plan as it is after a write whose read is already logged."""
    # api.py imports this router, so its plan shaping is imported when used.
    from yhdessa.api.api import _plan_out as shaped

    plan = access.plan_queryset().select_related("meeting").get(pk=plan_pk)
    return shaped(plan.meeting, plan)


def _codes(choices) -> list[CodeOut]:
    return [CodeOut(code=c.value, name=str(c.label)) for c in choices]


# ---- reference lists ------------------------------------------------------------


@router.get("/action-responsibles", response=LIST, tags=["reference"], summary="Action doers")
def list_action_responsibles(request: HttpRequest):
    """Who does a plan's action: an action's `responsible` (`professional`
    and `organisation` name whom; empty: nobody named)."""
    return _codes(PlanAction.Responsible)


@router.get("/contact-kinds", response=LIST, tags=["reference"], summary="Contact kinds")
def list_contact_kinds(request: HttpRequest):
    """How the lead was in contact with the family: a contact's `how`."""
    return _codes(FollowUpContact.How)


@router.get("/close-outcomes", response=LIST, tags=["reference"], summary="Close outcomes")
def list_close_outcomes(request: HttpRequest):
    """How the family's Yhdessä aika ends: a close's `outcome` (`other` needs a `note`)."""
    return [CodeOut(code=o.value, name=str(o.label)) for o in follow_up.OUTCOMES]


@router.get("/action-results", response=LIST, tags=["reference"], summary="Action results")
def list_action_results(request: HttpRequest):
    """How far an action of the reviewed plan got: a review action's `result`."""
    return _codes(ActionReview.Result)


@router.get("/matter-trends", response=LIST, tags=["reference"], summary="Matter trends")
def list_matter_trends(request: HttpRequest):
    """How a matter of the reviewed plan has gone: a review matter's `trend`."""
    return _codes(MatterReview.Trend)


@router.get("/discussion-frames", response=LIST, tags=["reference"], summary="Discussion frames")
def list_discussion_frames(request: HttpRequest):
    """The frame of the meeting's discussion: the room's `frame`."""
    return _codes(RunSheet.Frame)


# ---- the meeting room --------------------------------------------------------------


class PhaseOut(Schema):
    code: str
    title: str
    prompt: str = Field(description="What the phase is for, in the caller's language")


class ClockOut(Schema):
    started: bool = Field(description="Whether the convener started the clock (else: the start)")
    starts_at: datetime
    summary_at: datetime = Field(description="Time to move to the summary and the plan")
    ends_at: datetime


class RoomOut(Schema):
    meeting: int
    is_follow_up: bool
    phases: list[PhaseOut] = Field(description="In order; a follow-up reviews the earlier plan")
    clock: ClockOut
    frame: str = Field(description="GET /discussion-frames")
    child_view: str = Field(description="The child's view, kept at the centre")
    frame_notes: str = Field(description="The notes of a Lapset puheeksi discussion")
    draft: dict[str, str] = Field(description="Texts typed but not yet saved, by field name")
    draft_saved_at: datetime | None
    lapset_puheeksi_url: str = Field(description="Where the Lapset puheeksi materials are")


class DiscussionIn(Schema):
    frame: str = Field(description="GET /discussion-frames")
    child_view: str = ""
    frame_notes: str = ""
    confirm_identifying: Flag = Field(
        False,
        description="Save although the text seems to hold a phone number, an address, an email "
        "or a birth date (else 409 with warnings). Identity codes are refused always.",
    )


class DraftIn(Schema):
    fields: dict[str, str] = Field(
        description="Field name (lower case letters and _, an optional _number) -> text; "
        "merged into the draft, so another tab's fields stay"
    )


class DraftOut(Schema):
    saved_at: datetime
    refused: dict[str, str] = Field(
        description="Fields not kept and why (an identity code is never stored)"
    )


def _room_out(meeting_id: int) -> RoomOut:
    meeting = Meeting.objects.select_related("run_sheet").get(pk=meeting_id)
    sheet = getattr(meeting, "run_sheet", None)
    times = room.clock(meeting, sheet)
    return RoomOut(
        meeting=meeting.pk,
        is_follow_up=meeting.is_follow_up,
        phases=[
            PhaseOut(code=p.code, title=p.title, prompt=p.prompt) for p in room.phases_for(meeting)
        ],
        clock=ClockOut(
            started=bool(sheet and sheet.clock_started_at),
            starts_at=_local(times.starts_at),
            summary_at=_local(times.summary_at),
            ends_at=_local(times.ends_at),
        ),
        frame=sheet.frame if sheet else RunSheet.Frame.STAR,
        child_view=sheet.child_view if sheet else "",
        frame_notes=sheet.frame_notes if sheet else "",
        draft=dict(sheet.draft) if sheet else {},
        draft_saved_at=_local(sheet.draft_saved_at) if sheet else None,
        lapset_puheeksi_url=room.lapset_puheeksi_url(),
    )


def _convened(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting the caller convened, its read logged (others who may read it: 403)."""
    return access.read_meeting(request.user, meeting_id, action=access.Action.MANAGE, via_api=True)


@router.get(
    "/meetings/{meeting_id}/room",
    response={200: RoomOut, **ERRORS},
    tags=["meeting room"],
    summary="The meeting room",
)
def get_room(request: HttpRequest, meeting_id: PathId):
    """The convener's run sheet of the meeting (Yhdessä ajan ABC): its
    phases with their prompts, the clock, the discussion's frame, the
    child's view and the drafts saved as one types. The convener only."""
    _convened(request, meeting_id)
    return _room_out(meeting_id)


@router.post(
    "/meetings/{meeting_id}/room/clock",
    response={200: RoomOut, **ERRORS},
    tags=["meeting room"],
    summary="Start the clock",
)
def start_clock(request: HttpRequest, meeting_id: PathId):
    """Start the reserved time's clock now (again, if started already). 409
    for a cancelled meeting."""
    room.start_clock(actor=request.user, meeting=_convened(request, meeting_id))
    return _room_out(meeting_id)


@router.put(
    "/meetings/{meeting_id}/room/discussion",
    response={200: RoomOut, **ERRORS},
    tags=["meeting room"],
    summary="Save the discussion",
)
def put_discussion(request: HttpRequest, meeting_id: PathId, payload: DiscussionIn):
    """The discussion's frame (the wellbeing star or Lapset puheeksi), the
    child's view and the frame's notes; their drafts are then dropped.
    Identity codes are refused (422)."""
    room.record_discussion(
        actor=request.user,
        meeting=_convened(request, meeting_id),
        frame=payload.frame,
        child_view=payload.child_view,
        frame_notes=payload.frame_notes,
        confirm_identifying=payload.confirm_identifying,
    )
    return _room_out(meeting_id)


@router.put(
    "/meetings/{meeting_id}/room/draft",
    response={200: DraftOut, **ERRORS},
    tags=["meeting room"],
    summary="Save drafts",
)
def put_draft(request: HttpRequest, meeting_id: PathId, payload: DraftIn):
    """Texts typed so far, so that a dropped connection loses nothing. A
    field holding an identity code is not kept: it is named in `refused`
    with the reason (and its earlier draft is dropped)."""
    result = room.save_draft(
        actor=request.user, meeting=_convened(request, meeting_id), fields=payload.fields
    )
    return DraftOut(saved_at=_local(result.saved_at), refused=result.refused)


# ---- the family's own star placement -------------------------------------------------


class PlacementIn(Schema):
    area: StrictInt = Field(description="A star area's number (GET /star-areas)")
    value: StrictInt | None = Field(description="1 (hard) … 10 (going well); null removes it")


class PlacementsIn(Schema):
    placements: list[PlacementIn] = Field(
        description="The areas the family wants to place itself on; others stay as they are"
    )


class StarRowOut(Schema):
    area: int
    name: str
    first: int | None = Field(description="The family's placement at the concern's first meeting")
    now: int | None = Field(description="The family's placement at this meeting")
    change: int | None


class StarOut(Schema):
    first_meeting: int | None = Field(
        description="The concern's first held meeting, when it is another meeting"
    )
    areas: list[StarRowOut]


def _star_out(meeting: Meeting) -> StarOut:
    first, rows = review.star_side_by_side(meeting)
    return StarOut(
        first_meeting=first.pk if first else None,
        areas=[
            StarRowOut(
                area=r.area.number, name=r.area.name, first=r.first, now=r.now, change=r.change
            )
            for r in rows
        ],
    )


def _placements(items: list[PlacementIn]) -> dict[int, int | None]:
    return {item.area: item.value for item in items}


@router.put(
    "/meetings/{meeting_id}/star-placements",
    response={200: StarOut, **ERRORS},
    tags=["meeting room"],
    summary="The family's own star placement",
)
def put_star_placements(request: HttpRequest, meeting_id: PathId, payload: PlacementsIn):
    """The family places itself on the star areas it wants to (never
    required): its own view, beside the first meeting's at a follow-up.
    The convener records it; 409 for a cancelled meeting."""
    meeting = _convened(request, meeting_id)
    review.record_placements(
        actor=request.user, meeting=meeting, placements=_placements(payload.placements)
    )
    return _star_out(meeting)


# ---- who an action names ------------------------------------------------------------


class ResponsiblePersonOut(Schema):
    id: int
    name: str
    organisation: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.local_name


class OrganisationOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.local_name


class ResponsibleOut(Schema):
    people: list[ResponsiblePersonOut] = Field(
        description="An action's `professional`: the meeting's convener and invitees"
    )
    organisations: list[OrganisationOut] = Field(
        description="An action's `organisation`: those serving the family's municipality"
    )


@router.get(
    "/meetings/{meeting_id}/plan/responsible",
    response={200: ResponsibleOut, **ERRORS},
    tags=["plans"],
    summary="Whom a plan's action can name",
)
def plan_responsible(request: HttpRequest, meeting_id: PathId):
    """The people and organisations a plan's action can name as its doer.
    The convener (who writes the plan) only."""
    meeting = _convened(request, meeting_id)
    people = responsible_people(meeting)
    prefetch_related_objects(people, "organisation")
    return ResponsibleOut(people=people, organisations=responsible_organisations(meeting))


# ---- the lead's worklist ------------------------------------------------------------


class FamilyRef(Schema):
    id: int
    reference: str
    alias: str


class WorklistRowOut(Schema):
    meeting: int = Field(description="The meeting whose plan it is")
    concern: int
    family: FamilyRef
    next_contact: date
    state: str = Field(description="overdue, today, soon (within a week) or later")
    state_name: str
    last_contact: date | None = Field(description="The latest contact logged")
    follow_up_at: datetime | None = Field(
        description="When the follow-up meeting already agreed starts, if one is"
    )
    leads: list[PersonRef]


@router.get(
    "/follow-up",
    response={200: list[WorklistRowOut], **ERRORS},
    tags=["follow-up"],
    summary="The lead's worklist",
)
def worklist(request: HttpRequest):
    """The families whose plans you lead and whose Yhdessä aika goes on,
    the soonest next contact first (the overdue ones first of all), as the
    worklist page has them. Each family shown is in its access log. Only a
    professional of the network (403)."""
    access.require_professional(request.user)
    plans = list(
        queries.worklist(request.user)
        .select_related("meeting__concern__family")
        .prefetch_related("lead_professionals")
    )
    access.log_list(
        request.user,
        [(p.meeting.concern.family_id, access.Why.LEAD) for p in plans],
        via_api=True,
    )
    today = timezone.localdate()
    rows = []
    for plan in plans:
        family = plan.meeting.concern.family
        state = follow_up.worklist_state(plan, today)
        rows.append(
            WorklistRowOut(
                meeting=plan.meeting_id,
                concern=plan.meeting.concern_id,
                family=FamilyRef(id=family.pk, reference=family.reference, alias=family.alias),
                next_contact=plan.next_contact,
                state=state,
                state_name=str(state.label),
                last_contact=plan.last_contact,
                follow_up_at=_local(plan.follow_up_at),
                leads=[PersonRef(id=p.pk, name=p.name) for p in plan.lead_professionals.all()],
            )
        )
    return rows


# ---- the contact log ------------------------------------------------------------------


class ContactIn(Schema):
    on: date = Field(description="The day of the contact: today or within the past year")
    how: str = Field(description="GET /contact-kinds")
    note: str = Field("", description="A short note without identifying data")
    next_contact: date = Field(description="The next contact agreed, within a year")
    confirm_identifying: Flag = Field(
        False,
        description="Save although the note seems to hold a phone number, an address, an email "
        "or a birth date (else 409 with warnings). Identity codes are refused always.",
    )


class ContactOut(Schema):
    id: int
    on: date
    how: str
    how_name: str
    note: str
    professional: PersonRef = Field(description="The lead who logged it")
    created_at: datetime

    @staticmethod
    def resolve_how_name(obj: FollowUpContact) -> str:
        return str(obj.get_how_display())

    @staticmethod
    def resolve_created_at(obj: FollowUpContact) -> datetime:
        return timezone.localtime(obj.created_at)


def _led(request: HttpRequest, meeting_id: int) -> JointPlan:
    return access.read_led_plan(request.user, meeting_id, via_api=True)


@router.get(
    "/meetings/{meeting_id}/plan/contacts",
    response={200: list[ContactOut], **ERRORS},
    tags=["follow-up"],
    summary="The lead's contacts with the family",
)
def list_contacts(request: HttpRequest, meeting_id: PathId):
    """The contacts logged with the family after the meeting, the latest
    first. The plan's lead professionals only."""
    plan = _led(request, meeting_id)
    return list(plan.contacts.select_related("professional"))


@router.post(
    "/meetings/{meeting_id}/plan/contacts",
    response={201: ContactOut, **ERRORS},
    tags=["follow-up"],
    summary="Log a contact",
)
def create_contact(request: HttpRequest, meeting_id: PathId, payload: ContactIn):
    """Log a contact with the family and the next one agreed (the plan's
    `next_contact` becomes it). A lead only; 409 when the family's Yhdessä
    aika has ended or its consent was withdrawn."""
    contact = follow_up.log_contact(
        actor=request.user,
        plan=_led(request, meeting_id),
        on=payload.on,
        how=payload.how,
        note=payload.note,
        next_contact=payload.next_contact,
        confirm_identifying=payload.confirm_identifying,
    )
    return Status(201, FollowUpContact.objects.select_related("professional").get(pk=contact.pk))


# ---- hand-over -------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    name: str
    organisation: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.local_name


class HandoverIn(Schema):
    to: Id = Field(description="The new lead: one of GET /meetings/{id}/plan/handover-candidates")


@router.get(
    "/meetings/{meeting_id}/plan/handover-candidates",
    response={200: list[CandidateOut], **ERRORS},
    tags=["follow-up"],
    summary="Who can take the lead over",
)
def list_handover_candidates(request: HttpRequest, meeting_id: PathId):
    """Active professionals of a public service in the family's
    municipality who are not its leads yet. A lead only."""
    return follow_up.handover_candidates(_led(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/plan/handover",
    response={200: PlanOut, **ERRORS},
    tags=["follow-up"],
    summary="Hand the lead over",
)
def handover(request: HttpRequest, meeting_id: PathId, payload: HandoverIn):
    """Hand your lead of the family over to a colleague: they and the family
    are told, and the plan stays as it is. A lead only (someone who is no
    longer one: 403 or 409)."""
    plan = follow_up.hand_over_lead(
        actor=request.user, plan=_led(request, meeting_id), to_id=payload.to
    )
    return _plan_out(plan.pk)


# ---- sharing with the family's consent ----------------------------------------------


class ShareIn(Schema):
    professional: Id = Field(description="One of GET /meetings/{id}/plan/share-candidates")
    family_consents: Flag = Field(description="The family consented to this: must be true")


class ShareOut(Schema):
    id: int
    professional: PersonRef
    organisation: str
    consented_at: datetime

    @staticmethod
    def resolve_professional(obj: PlanShare) -> PersonRef:
        return PersonRef(id=obj.professional_id, name=obj.professional.name)

    @staticmethod
    def resolve_organisation(obj: PlanShare) -> str:
        return obj.professional.organisation.local_name

    @staticmethod
    def resolve_consented_at(obj: PlanShare) -> datetime:
        return timezone.localtime(obj.consented_at)


def _shared_plan(request: HttpRequest, meeting_id: int) -> JointPlan:
    return access.read_shareable_plan(request.user, meeting_id, via_api=True)


def _shares(plan: JointPlan):
    return plan.shares.select_related("professional__organisation")


@router.get(
    "/meetings/{meeting_id}/plan/share-candidates",
    response={200: list[CandidateOut], **ERRORS},
    tags=["follow-up"],
    summary="Whom the plan can be shared with",
)
def list_share_candidates(request: HttpRequest, meeting_id: PathId):
    """Active professionals of the family's municipality who cannot read the
    plan yet. A lead or the meeting's convener."""
    return follow_up.share_candidates(_shared_plan(request, meeting_id))


@router.get(
    "/meetings/{meeting_id}/plan/shares",
    response={200: list[ShareOut], **ERRORS},
    tags=["follow-up"],
    summary="Whom the family let read its plan",
)
def list_shares(request: HttpRequest, meeting_id: PathId):
    """The professionals outside the meeting whom the family let read the
    plan. A lead or the meeting's convener."""
    return list(_shares(_shared_plan(request, meeting_id)))


@router.post(
    "/meetings/{meeting_id}/plan/shares",
    response={201: ShareOut, **ERRORS},
    tags=["follow-up"],
    summary="Share the plan with the family's consent",
)
def create_share(request: HttpRequest, meeting_id: PathId, payload: ShareIn):
    """With the family's consent, one professional outside the meeting may
    read the plan; they are told by email. 422 without the consent, 409 when
    shared with them already or the family's Yhdessä aika has ended."""
    share = follow_up.share_plan(
        actor=request.user,
        plan=_shared_plan(request, meeting_id),
        professional_id=payload.professional,
        family_consents=payload.family_consents,
    )
    return Status(
        201, PlanShare.objects.select_related("professional__organisation").get(pk=share.pk)
    )


@router.delete(
    "/meetings/{meeting_id}/plan/shares/{share_id}",
    response={204: None, **ERRORS},
    tags=["follow-up"],
    summary="Take a share back",
)
def delete_share(request: HttpRequest, meeting_id: PathId, share_id: PathId):
    """The family took its consent back: the professional no longer reads
    the plan. 409 when already taken back (or not this plan's)."""
    follow_up.unshare_plan(
        actor=request.user, plan=_shared_plan(request, meeting_id), share_id=share_id
    )
    return Status(204, None)


# ---- closing ------------------------------------------------------------------------


class OutcomeIn(Schema):
    outcome: str = Field(description="GET /close-outcomes")
    note: str = Field("", description="A short note; needed when the outcome is other")


@router.post(
    "/meetings/{meeting_id}/plan/close",
    response={200: ConcernOut, **ERRORS},
    tags=["follow-up"],
    summary="End the family's Yhdessä aika",
)
def close(request: HttpRequest, meeting_id: PathId, payload: OutcomeIn):
    """The family's Yhdessä aika ends with its outcome: its concern is
    closed and the family leaves the worklist. A lead only; 409 when closed
    already or a meeting is still scheduled."""
    plan = _led(request, meeting_id)
    concern = follow_up.close_with_outcome(
        actor=request.user, plan=plan, outcome=payload.outcome, note=payload.note
    )
    return access.concern_detail_queryset(request.user).get(pk=concern.pk)


# ---- the review at a follow-up meeting -------------------------------------------------


class ReviewActionOut(Schema):
    id: int
    where: str
    place: str | None
    text: str
    responsible_name: str
    due_on: date | None
    result: str = Field(description="GET /action-results; empty: not reviewed")


class ReviewMatterOut(Schema):
    position: int = Field(description="The matter's place in the reviewed plan's list, from 0")
    matter: str
    trend: str = Field(description="GET /matter-trends; empty: not reviewed")
    family_words: str = Field(description="How the family says it has gone, in its own words")


class ReviewOut(Schema):
    meeting: int
    reviews_meeting: int = Field(description="The meeting whose plan is reviewed")
    actions: list[ReviewActionOut]
    matters: list[ReviewMatterOut]
    updated_at: datetime | None = Field(description="When the review was saved; null: not yet")
    star: StarOut = Field(description="The family's own star placement, first meeting and now")


class ActionResultIn(Schema):
    id: Id = Field(description="An action of the reviewed plan")
    result: str = Field("", description="GET /action-results; empty removes the result")


class MatterTrendIn(Schema):
    position: StrictInt = Field(description="The matter's place in the reviewed plan, from 0")
    trend: str = Field("", description="GET /matter-trends; empty removes the trend")
    family_words: str = Field("", description="The family's own words (needs a trend)")


class ReviewIn(Schema):
    actions: list[ActionResultIn] = Field([], description="Actions left out stay as they are")
    matters: list[MatterTrendIn] = Field([], description="Matters left out stay as they are")
    placements: list[PlacementIn] = Field([], description="As PUT /meetings/{id}/star-placements")
    confirm_identifying: Flag = Field(
        False,
        description="Save although the family's words seem to hold a phone number, an address, "
        "an email or a birth date (else 409 with warnings). Identity codes are refused always.",
    )


def _review_out(meeting: Meeting) -> ReviewOut:
    state = review.review_state(meeting)
    if state is None:
        raise HttpError(404, _("Tällä tapaamisella ei ole arvioitavaa suunnitelmaa."))
    return ReviewOut(
        meeting=meeting.pk,
        reviews_meeting=state.plan.meeting_id,
        actions=[
            ReviewActionOut(
                id=row.action.pk,
                where=row.action.where,
                place=row.action.place or None,
                text=row.action.text,
                responsible_name=row.action.responsible_name,
                due_on=row.action.due_on,
                result=row.result,
            )
            for row in state.actions
        ],
        matters=[
            ReviewMatterOut(
                position=row.position,
                matter=row.matter,
                trend=row.trend,
                family_words=row.family_words,
            )
            for row in state.matters
        ],
        updated_at=_local(state.review.updated_at) if state.review else None,
        star=_star_out(meeting),
    )


@router.get(
    "/meetings/{meeting_id}/review",
    response={200: ReviewOut, **ERRORS},
    tags=["review"],
    summary="The review of the earlier plan",
)
def get_review(request: HttpRequest, meeting_id: PathId):
    """At a follow-up meeting: the earlier plan's actions and matters with
    their results so far, and the family's own star placement beside the
    first meeting's. The follow-up's convener only; 404 when the meeting
    follows no plan."""
    meeting = access.read_meeting(
        request.user,
        meeting_id,
        action=access.Action.MANAGE,
        what=access.What.PLAN,
        via_api=True,
    )
    return _review_out(meeting)


@router.put(
    "/meetings/{meeting_id}/review",
    response={200: ReviewOut, **ERRORS},
    tags=["review"],
    summary="Review the earlier plan",
)
def put_review(request: HttpRequest, meeting_id: PathId, payload: ReviewIn):
    """Each action done, partly, not done or no longer needed; each matter
    better, the same or worse, with the family's own words. Once the
    follow-up is held (409 before); identity codes are refused (422)."""
    meeting = access.read_meeting(
        request.user,
        meeting_id,
        action=access.Action.MANAGE,
        what=access.What.PLAN,
        via_api=True,
    )
    review.record_review(
        actor=request.user,
        meeting=meeting,
        actions={a.id: a.result for a in payload.actions},
        matters={m.position: (m.trend, m.family_words) for m in payload.matters},
        placements=_placements(payload.placements),
        confirm_identifying=payload.confirm_identifying,
    )
    return _review_out(meeting)


# ---- the summary for one's own records ----------------------------------------------


class SummaryOut(Schema):
    meeting: int
    text: str = Field(description="Plain text to paste into one's own client record system")


@router.get(
    "/meetings/{meeting_id}/summary",
    response={200: SummaryOut, **ERRORS},
    tags=["summary"],
    summary="The meeting's summary",
)
def get_summary(request: HttpRequest, meeting_id: PathId):
    """A held meeting's summary and plan, for each participant to take into
    their own organisation's records. Only those who took part (its
    convener and those who attended; anyone else who may read it: 403)."""
    meeting = access.read_summary(request.user, meeting_id, via_api=True)
    return SummaryOut(meeting=meeting.pk, text=summary_text(meeting))


@router.get(
    "/meetings/{meeting_id}/summary.pdf",
    response={200: None, **ERRORS},
    tags=["summary"],
    summary="The meeting's summary as PDF",
    openapi_extra={
        "responses": {
            200: {"description": "The summary as PDF", "content": {"application/pdf": {}}}
        }
    },
)
def get_summary_pdf(request: HttpRequest, meeting_id: PathId):
    """The same summary as a PDF (PDF/UA). Only those who took part."""
    meeting = access.read_summary(request.user, meeting_id, pdf=True, via_api=True)
    response = HttpResponse(summary_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="yhteenveto-{meeting.pk}.pdf"'
    return response
