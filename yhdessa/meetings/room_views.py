"""The meeting room page: one screen on the table for the whole meeting,
in the handbook's order, for its convener. Every section is its own form
(it works without JavaScript); room.js keeps what is typed as drafts."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.family_page.forms import FeedbackForm
from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import QUESTIONS, give_family_feedback_in_room
from yhdessa.meetings.forms import HeldForm
from yhdessa.meetings.models import Meeting, RunSheet
from yhdessa.meetings.room import (
    CHILD_VIEW_MAX,
    FRAME_NOTES_MAX,
    clear_drafts,
    clock,
    lapset_puheeksi_url,
    phases_for,
    record_discussion,
    save_draft,
    start_clock,
)
from yhdessa.meetings.services import record_meeting_held
from yhdessa.plans.forms import PlanForm
from yhdessa.plans.models import ActionReview, MatterReview, StarArea, StarPlacement
from yhdessa.plans.review import (
    WORDS_MAX_LENGTH,
    record_placements,
    record_review,
    review_state,
    reviewed_plan,
    star_side_by_side,
)
from yhdessa.plans.services import MAX_ITEMS, STAR_NOTE_MAX_LENGTH, record_plan, record_star_notes
from yhdessa.web import add_service_errors, object_id

PLACEMENT_CHOICES = range(StarPlacement.LOWEST, StarPlacement.HIGHEST + 1)


def _room_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = access.read_meeting(request.user, pk, action=access.Action.MANAGE)
    if meeting.status == Meeting.Status.CANCELLED:
        raise PermissionDenied(_("Tapaaminen on peruttu."))
    return meeting


def _held_form(invitations, data=None) -> HeldForm:
    """The attendance, ticked at the start of the meeting: in the present tense."""
    form = HeldForm(
        data,
        invitations=invitations,
        initial={"attendees": [str(i.professional_id) for i in invitations]},
    )
    form.fields["family_present"].label = _("Perhe on paikalla")
    form.fields["attendees"].label = _("Paikalla olevat ammattilaiset")
    return form


def _room_url(meeting: Meeting, phase: str) -> str:
    return reverse("meetings:room", args=[meeting.pk]) + f"#phase-{phase}"


def _int_or_none(value) -> int | None:
    """A number as a form sends it: ASCII digits only ("٣" is no 3 here)."""
    return object_id(value)


# The plan form's fields as drafts name them (a name ending in "_" is a
# prefix): all are cleared once the plan is saved. The review's own rows
# are "action_<id>", which these prefixes do not reach.
PLAN_DRAFTS = [
    "matters",
    "follow_up",
    "next_contact",
    *(f"action_{part}_" for part in ("where", "place", "text", "who", "due")),
]


@login_required
def meeting_room(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _room_meeting(request, pk)
    state = _State(meeting)
    if request.method == "POST":
        section = request.POST.get("section", "")
        handler = _HANDLERS.get(section)
        if handler is None:
            messages.error(request, _("Tuntematon lomake. Lataa sivu uudelleen."))
            return redirect("meetings:room", pk=meeting.pk)
        done = handler(request, meeting, state)
        if done:
            return redirect(done)
        meeting = access.meeting_detail_queryset().get(pk=meeting.pk)
        state.meeting = meeting
    return render(request, "meetings/room.html", state.context(request))


class _State:
    """What the page shows: saved values, drafts over them, and a posted
    section's form with its errors in place of the saved one."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self.sheet = RunSheet.objects.filter(meeting=meeting).first()
        self.draft = dict(self.sheet.draft) if self.sheet else {}
        self.held_form = None
        self.plan_form = None
        self.feedback_form = None
        self.discussion_errors: dict[str, list[str]] = {}
        self.discussion_posted: dict[str, str] | None = None
        self.discussion_warnings: list[str] = []
        self.review_errors: dict[str, list[str]] = {}
        self.review_posted: dict[str, str] | None = None
        self.review_warnings: list[str] = []
        self.plan_warnings: list[str] = []

    def text(self, key: str, saved: str) -> str:
        if self.discussion_posted is not None and key in self.discussion_posted:
            return self.discussion_posted[key]
        if self.review_posted is not None and key in self.review_posted:
            return self.review_posted[key]
        return self.draft.get(key, saved)

    def context(self, request: HttpRequest) -> dict:
        meeting, sheet = self.meeting, self.sheet
        invitations = [i for i in meeting.invitations.all() if i.status != "withdrawn"]
        held = meeting.status == Meeting.Status.HELD
        plan = getattr(meeting, "plan", None)
        return {
            "meeting": meeting,
            "room_mode": True,
            "sheet": sheet,
            "frame": self.text("frame", sheet.frame if sheet else RunSheet.Frame.STAR),
            "frames": RunSheet.Frame.choices,
            "lapset_puheeksi_url": lapset_puheeksi_url(),
            "child_view": self.text("child_view", sheet.child_view if sheet else ""),
            "frame_notes": self.text("frame_notes", sheet.frame_notes if sheet else ""),
            "child_view_max": CHILD_VIEW_MAX,
            "frame_notes_max": FRAME_NOTES_MAX,
            "note_max": STAR_NOTE_MAX_LENGTH,
            "words_max": WORDS_MAX_LENGTH,
            "phases": phases_for(meeting),
            "clock": clock(meeting, sheet),
            "now": timezone.now(),
            "started": meeting.starts_at <= timezone.now(),
            "held": held,
            "invitations": invitations,
            "held_form": self.held_form or _held_form(invitations),
            "star_rows": self._star_rows(),
            "discussion_errors": [
                m for k, ms in self.discussion_errors.items() if not _is_box(k) for m in ms
            ],
            "discussion_warnings": self.discussion_warnings,
            "review": self._review() if meeting.is_follow_up else None,
            "review_errors": [
                m for k, ms in self.review_errors.items() if not _is_review_box(k) for m in ms
            ],
            "review_warnings": self.review_warnings,
            "plan": plan,
            "plan_form": self._plan_form(plan) if held else None,
            "plan_warnings": self.plan_warnings,
            "max_rows": MAX_ITEMS,
            "feedback_form": self.feedback_form or FeedbackForm(),
            "family_feedback_given": Feedback.objects.filter(
                meeting=meeting, source=Feedback.Source.FAMILY
            ).exists(),
            "has_drafts": bool(self.draft),
            "draft_saved_at": sheet.draft_saved_at if sheet else None,
            "draft_url": reverse("meetings:room_draft", args=[meeting.pk]),
            "placement_choices": PLACEMENT_CHOICES,
        }

    def _star_rows(self) -> list[dict]:
        notes = {n.area_id: n for n in self.meeting.star_notes.all()}
        placements = {p.area_id: p.value for p in self.meeting.star_placements.all()}
        rows = []
        for area in StarArea.objects.all():
            note = notes.get(area.pk)
            boxes = []
            for box, label in (("strengths", _("Vahvuudet")), ("concerns", _("Huolet"))):
                key = f"{box}_{area.number}"
                boxes.append(
                    {
                        "name": key,
                        "label": label,
                        "text": self.text(key, getattr(note, box, "")),
                        "errors": self.discussion_errors.get(key, []),
                    }
                )
            placement = self.text(f"placement_{area.number}", str(placements.get(area.pk, "")))
            rows.append(
                {
                    "area": area,
                    "boxes": boxes,
                    "placement": placement,
                    "placement_errors": self.discussion_errors.get(f"placement_{area.number}", []),
                }
            )
        return rows

    def _review(self) -> dict | None:
        state = review_state(self.meeting)
        if state is None:
            return None
        actions = [
            {
                "action": row.action,
                "name": f"action_{row.action.pk}",
                "value": self.text(f"action_{row.action.pk}", row.result),
                "errors": self.review_errors.get(f"action_{row.action.pk}", []),
            }
            for row in state.actions
        ]
        matters = [
            {
                "position": row.position,
                "matter": row.matter,
                "trend": self.text(f"trend_{row.position}", row.trend),
                "words": self.text(f"words_{row.position}", row.family_words),
                "errors": self.review_errors.get(f"trend_{row.position}", [])
                + self.review_errors.get(f"words_{row.position}", []),
            }
            for row in state.matters
        ]
        first, star = star_side_by_side(self.meeting)
        return {
            "plan": state.plan,
            "actions": actions,
            "matters": matters,
            "results": ActionReview.Result.choices,
            "trends": MatterReview.Trend.choices,
            "first": first,
            "star": star,
        }

    def _plan_form(self, plan) -> PlanForm:
        if self.plan_form is not None:
            return self.plan_form
        if plan is not None:
            prefetch_related_objects([plan], "actions")  # read once for both below
        initial = PlanForm.initial_from(plan) if plan else {}
        rows = PlanForm.rows_for(plan)
        for key, value in self.draft.items():
            if key in PLAN_DRAFTS or key.startswith(tuple(p for p in PLAN_DRAFTS if p[-1] == "_")):
                initial[key] = value
                number = _int_or_none(key.rsplit("_", 1)[-1])
                if number:
                    rows = max(rows, min(number, MAX_ITEMS))
        return PlanForm(meeting=self.meeting, initial=initial, rows=rows)


def _is_box(key: str) -> bool:
    return key.startswith(("strengths_", "concerns_", "placement_"))


def _is_review_box(key: str) -> bool:
    return key.startswith(("action_", "trend_", "words_"))


# ---- the sections --------------------------------------------------------------


def _clock(request, meeting, state) -> str | None:
    try:
        start_clock(actor=request.user, meeting=meeting)
    except Conflict as error:
        messages.error(request, error.message)
    return _room_url(meeting, "room")


def _attendance(request, meeting, state) -> str | None:
    invitations = [i for i in meeting.invitations.all() if i.status != "withdrawn"]
    form = _held_form(invitations, request.POST)
    state.held_form = form
    if not form.is_valid():
        return None
    try:
        record_meeting_held(
            actor=request.user,
            meeting=meeting,
            attendee_ids=[int(a) for a in form.cleaned_data["attendees"]],
            family_present=form.cleaned_data["family_present"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    except Conflict as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("Läsnäolijat on kirjattu. Tapaaminen on kirjattu pidetyksi."))
    return _room_url(meeting, "situation")


def _discussion(request, meeting, state) -> str | None:
    post = request.POST
    areas = list(StarArea.objects.all())
    keys = ["frame", "child_view", "frame_notes"] + [
        f"{box}_{a.number}" for a in areas for box in ("strengths", "concerns", "placement")
    ]
    state.discussion_posted = {k: post.get(k, "") for k in keys}
    frame = post.get("frame", "")
    confirm = bool(post.get("confirm_identifying"))
    placements = {a.number: _int_or_none(post.get(f"placement_{a.number}")) for a in areas}
    bad_placements = {
        f"placement_{a.number}": [_("Perheen oma arvio on 1–10 tai tyhjä.")]
        for a in areas
        if post.get(f"placement_{a.number}") and placements[a.number] is None
    }
    try:
        if bad_placements:
            raise ValidationError(bad_placements)
        with transaction.atomic():
            record_discussion(
                actor=request.user,
                meeting=meeting,
                frame=frame,
                child_view=post.get("child_view", ""),
                frame_notes=post.get("frame_notes", ""),
                confirm_identifying=confirm,
            )
            record_star_notes(
                actor=request.user,
                meeting=meeting,
                notes={
                    a.number: (
                        post.get(f"strengths_{a.number}", ""),
                        post.get(f"concerns_{a.number}", ""),
                    )
                    for a in areas
                },
                confirm_identifying=confirm,
            )
            record_placements(actor=request.user, meeting=meeting, placements=placements)
            clear_drafts(meeting, keys)
    except ValidationError as error:
        state.discussion_errors = _message_dict(error)
        return None
    except IdentifyingDataFound as refusal:
        state.discussion_warnings = refusal.warnings
        return None
    except Conflict as error:
        state.discussion_errors = {"": [error.message]}
        return None
    messages.success(request, _("Keskustelun muistiinpanot on tallennettu."))
    return _room_url(meeting, "heard")


def _review_section(request, meeting, state) -> str | None:
    post = request.POST
    plan = reviewed_plan(meeting)
    if plan is None:
        messages.error(request, _("Tällä tapaamisella ei ole arvioitavaa suunnitelmaa."))
        return _room_url(meeting, "review")
    action_ids = list(plan.actions.values_list("pk", flat=True))
    keys = [f"action_{pk}" for pk in action_ids] + [
        f"{k}_{n}" for n in range(len(plan.matters)) for k in ("trend", "words")
    ]
    state.review_posted = {k: post.get(k, "") for k in keys}
    try:
        with transaction.atomic():
            record_review(
                actor=request.user,
                meeting=meeting,
                actions={pk: post.get(f"action_{pk}", "") for pk in action_ids},
                matters={
                    n: (post.get(f"trend_{n}", ""), post.get(f"words_{n}", ""))
                    for n in range(len(plan.matters))
                },
                confirm_identifying=bool(post.get("confirm_identifying")),
            )
            clear_drafts(meeting, keys)
    except ValidationError as error:
        state.review_errors = _message_dict(error)
        return None
    except IdentifyingDataFound as refusal:
        state.review_warnings = refusal.warnings
        return None
    except Conflict as error:
        state.review_errors = {"": [error.message]}
        return None
    messages.success(request, _("Suunnitelman arviointi on tallennettu."))
    return _room_url(meeting, "star")


def _plan_section(request, meeting, state) -> str | None:
    plan = getattr(meeting, "plan", None)
    form = PlanForm(request.POST, meeting=meeting, rows=PlanForm.rows_for(plan))
    state.plan_form = form
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        with transaction.atomic():
            record_plan(
                actor=request.user,
                meeting=meeting,
                matters=data["matters"].splitlines(),
                actions=form.actions(),
                follow_up=data["follow_up"],
                lead_ids=[int(p) for p in data["lead_professionals"]],
                next_contact=data["next_contact"],
                confirm_identifying=data["confirm_identifying"],
            )
            clear_drafts(meeting, PLAN_DRAFTS)
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    except IdentifyingDataFound as refusal:
        state.plan_warnings = refusal.warnings
        return None
    except Conflict as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("Yhteinen suunnitelma on tallennettu. Tulostakaa se perheelle."))
    return _room_url(meeting, "close")


def _family_feedback(request, meeting, state) -> str | None:
    form = FeedbackForm(request.POST)
    state.feedback_form = form
    if not form.is_valid():
        return None
    try:
        give_family_feedback_in_room(
            actor=request.user,
            meeting=meeting,
            answers={q: form.cleaned_data[q] for q in QUESTIONS},
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    except Conflict as error:
        messages.info(request, error.message)
        return _room_url(meeting, "close")
    messages.success(request, _("Kiitos palautteestanne!"))
    return _room_url(meeting, "close")


_HANDLERS = {
    "clock": _clock,
    "attendance": _attendance,
    "discussion": _discussion,
    "review": _review_section,
    "plan": _plan_section,
    "family_feedback": _family_feedback,
}


def _message_dict(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


# ---- drafts ---------------------------------------------------------------------


@login_required
@require_POST
def room_draft(request: HttpRequest, pk: int) -> JsonResponse:
    """The page's typed texts as they are: JSON {"fields": {name: text}}."""
    # A draft is a write that shows nothing of the family: no read to log
    # (else every keystroke pause would be a row in the family's access log).
    meeting = access.meetings_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        return JsonResponse({"detail": _("Tapaamista ei löydy.")}, status=404)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return JsonResponse({"detail": _("Luonnos ei ole kelvollista JSONia.")}, status=400)
    fields = body.get("fields") if isinstance(body, dict) else None
    try:
        result = save_draft(actor=request.user, meeting=meeting, fields=fields)
    except ValidationError as error:
        return JsonResponse(
            {"detail": " ".join(error.messages), "errors": _message_dict(error)}, status=422
        )
    except PermissionDenied as error:
        return JsonResponse({"detail": str(error)}, status=403)
    except Conflict as error:
        return JsonResponse({"detail": error.message}, status=409)
    return JsonResponse(
        {
            "saved_at": timezone.localtime(result.saved_at).isoformat(),
            "saved_at_text": timezone.localtime(result.saved_at).strftime("%H.%M"),
            "refused": result.refused,
        }
    )
