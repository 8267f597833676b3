"""JSON API v1 (../shared/api-v1.md). Thin: parse, check, call a service, shape."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from yhdessa import access
from yhdessa.api import schemas as s
from yhdessa.api.auth import BearerToken
from yhdessa.api.family_door import router as family_door_router
from yhdessa.api.follow_up import router as follow_up_router
from yhdessa.api.reference import CodeOut
from yhdessa.api.reference import router as reference_router
from yhdessa.api.scheduling import router as scheduling_router
from yhdessa.errors import Conflict, DoubleBooked, IdentifyingDataFound
from yhdessa.families.models import Concern
from yhdessa.families.services import close_concern, raise_concern, withdraw_consent
from yhdessa.meetings.services import (
    cancel_meeting,
    convene_meeting,
    record_meeting_held,
    reschedule_meeting,
)
from yhdessa.meetings.warnings import warning_texts
from yhdessa.network.models import FamilyCentreArea
from yhdessa.network.practice import describe_practice
from yhdessa.network.queries import teams_invitable_by
from yhdessa.plans.pdf import plan_pdf
from yhdessa.plans.queries import plan_document_context
from yhdessa.plans.services import record_plan
from yhdessa.reports.queries import meetings_held, period_errors

api = NinjaAPI(
    title="Yhdessä API", version="1", auth=BearerToken(), urls_namespace="api", docs_url="/docs"
)
api.add_router("", reference_router)  # code lists: reference.py
api.add_router("", family_door_router)  # contacts, family links, feedback: family_door.py
api.add_router("", scheduling_router)  # availability, slots, polls, answers, rooms: scheduling.py
api.add_router("", follow_up_router)  # meeting room, lead's follow-up, review: follow_up.py

ERRORS = {
    400: s.ErrorOut,
    401: s.ErrorOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    422: s.ErrorOut,
}


# ---- errors: always JSON with a human-readable detail, never 500 ----------


def _json_error(request, status: int, detail: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _schema_message(error: dict) -> str:
    """Pydantic's message in the user's language, for the shapes clients get
    wrong most; anything rarer keeps pydantic's own words."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Pakollinen tieto puuttuu.")
    if kind.startswith("bool"):
        return _("Anna totuusarvo true tai false (ei tekstiä eikä numeroa).")
    if kind.startswith("int"):
        return _("Anna kokonaisluku.")
    if kind == "greater_than_equal":
        return _("Luvun pitää olla vähintään %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Luvun pitää olla enintään %(limit)s.") % {"limit": ctx.get("le")}
    if kind.startswith("datetime"):
        return _("Anna aika muodossa 2026-12-03T08:00:00+02:00.")
    if kind.startswith("date"):
        return _("Anna päivämäärä muodossa VVVV-KK-PP, esim. 2026-12-03.")
    if kind == "string_type":
        return _("Anna teksti.")
    if kind == "list_type":
        return _("Anna lista.")
    return str(error.get("msg"))


@api.exception_handler(SchemaValidationError)
def schema_invalid(request, exc: SchemaValidationError):
    parts = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", []) if p not in ("body", "payload"))
        message = _schema_message(error)
        parts.append(f"{where}: {message}" if where else message)
    return _json_error(
        request,
        422,
        _("Virheellinen syöte: %(errors)s") % {"errors": "; ".join(parts)},
        errors=exc.errors,
    )


@api.exception_handler(ValidationError)
def domain_invalid(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = exc.message_dict
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        return _json_error(request, 422, detail, errors=errors)
    return _json_error(request, 422, " ".join(exc.messages))


@api.exception_handler(Conflict)
def conflict(request, exc: Conflict):
    return _json_error(request, 409, exc.message)


@api.exception_handler(DoubleBooked)
def double_booked(request, exc: DoubleBooked):
    return _json_error(
        request,
        409,
        _(
            "Joku kutsutuista on jo varattu toiseen tapaamiseen samaan aikaan. "
            "Valitse toinen aika tai lähetä confirm_double_booking: true."
        ),
        warnings=exc.warnings,
    )


@api.exception_handler(IdentifyingDataFound)
def identifying_data(request, exc: IdentifyingDataFound):
    return _json_error(
        request,
        409,
        _(
            "Teksti näyttää sisältävän tunnistetietoja: %(found)s. Poista ne, tai jos ne "
            "kuuluvat suunnitelmaan, lähetä uudelleen confirm_identifying: true."
        )
        % {"found": "; ".join(exc.warnings)},
        warnings=exc.warnings,
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return _json_error(request, 403, str(exc) or _("Ei oikeutta."))


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return _json_error(request, 404, _("Ei löytynyt, tai sinulla ei ole oikeutta nähdä sitä."))


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc: AuthenticationError):
    return _json_error(request, 401, _("Tunnistautuminen puuttuu tai tunniste ei kelpaa."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's own words, for a body that is no JSON at all
        return _json_error(request, 400, _("Pyynnön sisältö ei ole kelvollista JSONia."))
    return _json_error(request, exc.status_code, str(exc))


# ---- shaping ---------------------------------------------------------------


def _practice_out(practice) -> dict | None:
    if practice is None:
        return None
    return {
        "channels": [
            c
            for c, flag in (
                ("email", practice.by_email),
                ("sms", practice.by_sms),
                ("phone", practice.by_phone),
            )
            if flag
        ],
        "slots": [
            {
                "weekday": w.weekday,
                "starts": w.starts.strftime("%H:%M"),
                "ends": w.ends.strftime("%H:%M"),
            }
            for w in practice.slots.all()
        ],
        "deadline_rule": practice.deadline_rule,
        "deadline_weekday": practice.deadline_weekday,
        "deadline_working_days": practice.deadline_working_days,
        "default_duration_minutes": practice.default_duration_minutes,
        "default_place": practice.default_place,
        "instructions": practice.instructions,
        "description": describe_practice(practice),
    }


def _meeting_out(meeting) -> dict:
    delivery = {m.professional_id: m.status for m in meeting.messages.all() if not m.to_family}
    return {
        "id": meeting.pk,
        "concern": meeting.concern_id,
        "status": meeting.status,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "convener": {"id": meeting.convener_id, "name": meeting.convener.name},
        "team": meeting.team_id,
        "invitations": [
            {
                "professional": i.professional_id,
                "name": i.professional.name,
                "status": i.status,
                "delivery": delivery.get(i.professional_id, "none"),
            }
            for i in meeting.invitations.all()
        ],
        "family_invited": any(m.to_family for m in meeting.messages.all()),
        "practice_warnings": warning_texts(meeting.practice_warnings),
        "sequence": meeting.sequence,
        "family_present": meeting.family_present,
        "has_plan": hasattr(meeting, "plan"),
        "follows": meeting.follows_id,
        "is_follow_up": meeting.is_follow_up,
    }


def _action_out(action) -> dict:
    return {
        "id": action.pk,
        "where": action.where,
        "place": action.place or None,
        "text": action.text,
        "responsible": action.responsible,
        "professional": action.responsible_professional_id,
        "organisation": action.responsible_organisation_id,
        "due_on": action.due_on,
        "responsible_name": action.responsible_name,
    }


def _plan_out(meeting, plan) -> dict:
    leads = list(plan.lead_professionals.all())
    return {
        "meeting": meeting.pk,
        "matters": plan.matters,
        "actions": [_action_out(a) for a in plan.actions.all()],
        "follow_up": plan.follow_up,
        "lead_professionals": [p.pk for p in leads],
        "leads": [{"id": p.pk, "name": p.name} for p in leads],
        "next_contact": plan.next_contact,
        "updated_at": timezone.localtime(plan.updated_at),
    }


def _meeting_after_write(pk: int) -> dict:
    """The meeting as it is after a write whose read is already logged."""
    return _meeting_out(access.meeting_detail_queryset().get(pk=pk))


# ---- endpoints ---------------------------------------------------------------


@api.get("/teams", response={200: list[s.TeamOut], **ERRORS}, tags=["network"])
def list_teams(request: HttpRequest):
    """The family centre teams the caller may invite from."""
    return [
        {
            "id": t.pk,
            "name": t.name,
            "municipality": t.municipality.name,
            "members": list(t.members.all()),
            "invitation_practice": _practice_out(getattr(t, "practice", None)),
            "kind": t.kind,
            "target_max_child_age": t.target_max_child_age,
            "roles": [{"expertise": r.expertise.code, "kind": r.kind} for r in t.roles.all()],
        }
        for t in teams_invitable_by(request.user)
    ]


@api.post("/concerns", response={201: s.ConcernOut, **ERRORS}, tags=["concerns"])
def create_concern(request: HttpRequest, payload: s.ConcernIn):
    family = payload.family
    concern = raise_concern(
        actor=request.user,
        alias=family.alias,
        children_birth_years=family.children_birth_years,
        email=family.email or "",
        phone=family.phone or "",
        language=family.language or "fi",
        channel=payload.channel,
        topic_codes=payload.topics,
        summary=payload.summary,
        consent=payload.consent,
        existing_support=payload.existing_support,
        area_id=payload.area,
        message_channel=family.message_channel or "email",
    )
    return Status(201, access.read_concern(request.user, concern.pk, via_api=True))


@api.get("/concerns/{concern_id}", response={200: s.ConcernOut, **ERRORS}, tags=["concerns"])
def get_concern(request: HttpRequest, concern_id: int):
    return access.read_concern(request.user, concern_id, via_api=True)


@api.post("/concerns/{concern_id}/close", response={200: s.ConcernOut, **ERRORS}, tags=["concerns"])
def concern_close(request: HttpRequest, concern_id: int, payload: s.CloseIn):
    """Close the concern and say why. Only its convener or the coordinator of
    the family's municipality (403); 409 when it is closed already or a
    meeting of it is still scheduled; 422 for a missing or unknown reason."""
    concern = access.read_concern(
        request.user, concern_id, action=access.Action.CLOSE, via_api=True
    )
    close_concern(actor=request.user, concern=concern, reason=payload.reason, note=payload.note)
    return access.concern_detail_queryset(request.user).get(pk=concern_id)


@api.post(
    "/concerns/{concern_id}/withdraw-consent",
    response={200: s.ConcernOut, **ERRORS},
    tags=["concerns"],
)
def concern_withdraw_consent(request: HttpRequest, concern_id: int):
    """The family withdrew its consent: messages of its meetings still waiting
    are withdrawn, and its meetings can no longer be convened, moved or send
    anything (409 with a detail). Only its convener or the coordinator of the
    family's municipality (403); 409 when recorded already."""
    concern = access.read_concern(
        request.user, concern_id, action=access.Action.CLOSE, via_api=True
    )
    withdraw_consent(actor=request.user, concern=concern)
    return access.concern_detail_queryset(request.user).get(pk=concern_id)


@api.get("/close-reasons", response={200: list[CodeOut], 401: s.ErrorOut}, tags=["reference"])
def list_close_reasons(request: HttpRequest):
    """Why a concern is closed: a close's `reason` (`other` needs a `note`)."""
    return [CodeOut(code=c.value, name=str(c.label)) for c in Concern.CloseReason]


@api.get("/areas", response={200: list[s.AreaOut], 401: s.ErrorOut}, tags=["reference"])
def list_areas(request: HttpRequest):
    """The family centre areas: a concern's `area` is one of the convener's municipality."""
    return FamilyCentreArea.objects.select_related("municipality").order_by(
        "municipality__name", "name"
    )


@api.post("/meetings", response={201: s.MeetingOut, **ERRORS}, tags=["meetings"])
def create_meeting(request: HttpRequest, payload: s.MeetingIn):
    concern = access.read_concern(
        request.user, payload.concern, action=access.Action.CONVENE, via_api=True
    )
    meeting = convene_meeting(
        actor=request.user,
        concern=concern,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        place=payload.place,
        invitee_ids=payload.invitees,
        team_id=payload.team,
        confirm_double_booking=payload.confirm_double_booking,
    )
    return Status(201, _meeting_after_write(meeting.pk))


@api.get("/meetings/{meeting_id}", response={200: s.MeetingOut, **ERRORS}, tags=["meetings"])
def get_meeting(request: HttpRequest, meeting_id: int):
    return _meeting_out(access.read_meeting(request.user, meeting_id, via_api=True))


@api.post("/meetings/{meeting_id}/held", response={200: s.MeetingOut, **ERRORS}, tags=["meetings"])
def meeting_held(request: HttpRequest, meeting_id: int, payload: s.HeldIn):
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, via_api=True
    )
    record_meeting_held(
        actor=request.user,
        meeting=meeting,
        attendee_ids=payload.attendees,
        family_present=payload.family_present,
    )
    return _meeting_after_write(meeting_id)


@api.post(
    "/meetings/{meeting_id}/reschedule", response={200: s.MeetingOut, **ERRORS}, tags=["meetings"]
)
def meeting_reschedule(request: HttpRequest, meeting_id: int, payload: s.RescheduleIn):
    """Move a scheduled meeting: updated calendar invitations go to everyone."""
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, via_api=True
    )
    reschedule_meeting(
        actor=request.user,
        meeting=meeting,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        place=payload.place,
        confirm_double_booking=payload.confirm_double_booking,
        seen_sequence=payload.sequence,
    )
    return _meeting_after_write(meeting_id)


@api.post(
    "/meetings/{meeting_id}/cancel", response={200: s.MeetingOut, **ERRORS}, tags=["meetings"]
)
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: s.CancelIn):
    """Cancel a scheduled meeting: calendar cancellations go to everyone."""
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, via_api=True
    )
    cancel_meeting(
        actor=request.user, meeting=meeting, note=payload.note, seen_sequence=payload.sequence
    )
    return _meeting_after_write(meeting_id)


@api.put("/meetings/{meeting_id}/plan", response={200: s.PlanOut, **ERRORS}, tags=["plans"])
def put_plan(request: HttpRequest, meeting_id: int, payload: s.PlanIn):
    meeting = access.read_meeting(
        request.user, meeting_id, action=access.Action.MANAGE, what=access.What.PLAN, via_api=True
    )
    plan = record_plan(
        actor=request.user,
        meeting=meeting,
        matters=payload.matters,
        actions=[a.dict() for a in payload.actions],
        follow_up=payload.follow_up,
        lead_ids=payload.lead_professionals,
        next_contact=payload.next_contact,
        confirm_identifying=payload.confirm_identifying,
    )
    return _plan_out(meeting, access.plan_queryset().get(pk=plan.pk))


@api.get("/meetings/{meeting_id}/plan", response={200: s.PlanOut, **ERRORS}, tags=["plans"])
def get_plan(request: HttpRequest, meeting_id: int):
    return _plan_out(*access.read_plan(request.user, meeting_id, via_api=True))


@api.get(
    "/meetings/{meeting_id}/plan.pdf",
    response={200: None, **ERRORS},
    tags=["plans"],
    openapi_extra={
        "responses": {
            200: {"description": "The joint plan as PDF", "content": {"application/pdf": {}}}
        }
    },
)
def get_plan_pdf(request: HttpRequest, meeting_id: int):
    meeting, plan = access.read_plan(request.user, meeting_id, pdf=True, via_api=True)
    response = HttpResponse(
        plan_pdf(plan_document_context(meeting, plan)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="yhteinen-suunnitelma-{meeting.pk}.pdf"'
    return response


@api.get("/reports/meetings", response={200: list[s.ReportRow], **ERRORS}, tags=["reports"])
def report_meetings(request: HttpRequest, start: date, end: date):
    """Meetings held in the period, per municipality the caller may see.
    The period lies within 2000-01-01 … 2100-12-31."""
    errors = period_errors(start, end)
    if errors:
        raise ValidationError(errors)
    return meetings_held(request.user, start=start, end=end)
