from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.services import record_list_access
from yhdessa.errors import Conflict, PracticeNotKept
from yhdessa.meetings import dashboard
from yhdessa.meetings.forms import CancelForm, ConveneForm, HeldForm, MeetingTimeForm
from yhdessa.meetings.queries import (
    list_reason,
    may_convene,
    read_concern,
    read_meeting,
    reason_for_meeting,
)
from yhdessa.meetings.services import (
    cancel_meeting,
    convene_meeting,
    record_meeting_held,
    reschedule_meeting,
)
from yhdessa.network.models import Expertise
from yhdessa.network.practice import describe_practice, describe_team, next_slots
from yhdessa.network.queries import invitable_professionals, teams_of
from yhdessa.plans.models import StarArea
from yhdessa.plans.queries import plans_led_by
from yhdessa.plans.services import record_star_notes
from yhdessa.web import add_service_errors

START_PAGE_FAMILIES = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The nearest next contacts first (overdue ones at the top); a long
    # caseload is counted rather than listed, so the page stays quick.
    led_all = plans_led_by(user)
    led = list(led_all[:START_PAGE_FAMILIES])
    led_total = led_all.count() if len(led) == START_PAGE_FAMILIES else len(led)
    meetings = list(dashboard.open_meetings(user))
    waiting = list(dashboard.concerns_waiting(user))
    record_list_access(
        user=user,
        reads=[(p.meeting.concern.family_id, AccessLogEntry.Why.LEAD) for p in led]
        + [(m.concern.family_id, list_reason(user, m)) for m in meetings]
        + [(c.family_id, AccessLogEntry.Why.CONVENER) for c in waiting],
    )
    return render(
        request,
        "meetings/home.html",
        {
            "led": led,
            "led_total": led_total,
            "meetings": meetings,
            "waiting": waiting,
            "now": timezone.now(),
            "today": timezone.localdate(),
            "has_2fa": user_has_device(user),
        },
    )


@login_required
def convene(request: HttpRequest, concern_pk: int) -> HttpResponse:
    concern = read_concern(request.user, concern_pk)
    if not may_convene(request.user, concern):
        raise PermissionDenied
    teams = [] if concern.existing_support else list(teams_of(concern.family.municipality_id))
    chosen_team = request.POST.get("team") or request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == chosen_team), teams[0] if teams else None)
    practice = getattr(team, "practice", None) if team else None
    people = list(
        invitable_professionals(concern=concern, team=team).exclude(pk=request.user.professional.pk)
    )
    chosen = set(request.GET.getlist("expertise") or request.POST.getlist("expertise"))
    initial = {
        "place": (practice.places or [""])[0] if practice else "",
        "duration_minutes": getattr(practice, "default_duration_minutes", 90),
    }
    if "slot" in request.GET:
        try:
            slot = timezone.localtime(datetime.fromisoformat(request.GET["slot"]))
            initial.update(date=slot.date(), time=slot.time())
        except ValueError:
            pass
    form = ConveneForm(
        request.POST if request.method == "POST" else None, professionals=people, initial=initial
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = convene_meeting(
                actor=request.user,
                concern=concern,
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                invitee_ids=[int(i) for i in data["invitees"]],
                team_id=team.pk if team else None,
                confirm_practice_exceptions=data["acknowledge"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PracticeNotKept as refusal:
            # The page shows why and asks the convener to confirm.
            warnings = refusal.warnings
        else:
            messages.success(request, _("Kutsut lähtevät nyt kutsutuille ja perheelle."))
            return redirect("meetings:detail", pk=meeting.pk)
    context = {
        "concern": concern,
        "team": team,
        "teams": teams,
        "practice": practice,
        "form": form,
        "practice_lines": (describe_practice(practice) if practice else []) + describe_team(team),
        "slots": next_slots(practice, now=timezone.now()),
        "warnings": warnings,
        "expertise": Expertise.objects.all(),
        "chosen": chosen,
        "people": _people_rows(people, chosen, request, team),
    }
    template = "meetings/partials/people.html" if request.htmx else "meetings/convene.html"
    return render(request, template, context)


def _people_rows(people, chosen: set[str], request: HttpRequest, team=None) -> list[tuple]:
    """Team members with the chosen expertise first; ticked boxes stay ticked.
    A standing team's always-invited roles start ticked."""
    selected = set(request.POST.getlist("invitees") or request.GET.getlist("invitees"))
    if not selected and request.method == "GET" and not request.htmx and team is not None:
        core = {r.expertise.code for r in team.roles.all() if r.kind == "core"}
        selected = {str(p.pk) for p in people if core & {e.code for e in p.expertise.all()}}
    rows = [
        (p, bool(chosen & {e.code for e in p.expertise.all()}), str(p.pk) in selected)
        for p in people
    ]
    return sorted(rows, key=lambda row: (not row[1], row[0].name))


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = read_meeting(request.user, pk)
    pid = getattr(getattr(request.user, "professional", None), "pk", None)
    notes = {n.area_id: n for n in meeting.star_notes.all()}
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "concern": meeting.concern,
            "family": meeting.concern.family,
            "is_convener": meeting.convener_id == pid,
            "why_label": AccessLogEntry.Why(reason_for_meeting(request.user, meeting)).label,
            "star_any": bool(notes),
            "messages_out": meeting.messages.select_related("professional").order_by("pk"),
            "star": [(area, notes.get(area.pk)) for area in StarArea.objects.all()],
            "plan": getattr(meeting, "plan", None),
            "started": meeting.starts_at <= timezone.now(),
        },
    )


def _convener_meeting(request: HttpRequest, pk: int):
    meeting = read_meeting(request.user, pk)
    if meeting.convener_id != getattr(getattr(request.user, "professional", None), "pk", None):
        raise PermissionDenied
    return meeting


@login_required
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    invitations = list(meeting.invitations.all())
    form = HeldForm(
        request.POST if request.method == "POST" else None,
        invitations=invitations,
        initial={"attendees": [str(i.professional_id) for i in invitations]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_meeting_held(
                actor=request.user,
                meeting=meeting,
                attendee_ids=[int(a) for a in form.cleaned_data["attendees"]],
                family_present=form.cleaned_data["family_present"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tapaaminen on kirjattu pidetyksi."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/held.html", {"meeting": meeting, "form": form})


@login_required
def star_notes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    areas = list(StarArea.objects.all())
    existing = {n.area_id: n for n in meeting.star_notes.all()}
    errors: list[str] = []
    if request.method == "POST":
        notes = {
            a.number: (
                request.POST.get(f"strengths_{a.number}", ""),
                request.POST.get(f"concerns_{a.number}", ""),
            )
            for a in areas
        }
        try:
            record_star_notes(actor=request.user, meeting=meeting, notes=notes)
        except ValidationError as error:
            errors = error.messages
        except Conflict as error:
            errors = [error.message]
        else:
            messages.success(request, _("Hyvinvoinnin tähden muistiinpanot on tallennettu."))
            return redirect("meetings:detail", pk=meeting.pk)
        rows = [(a, notes[a.number][0], notes[a.number][1]) for a in areas]
    else:
        rows = [
            (
                a,
                getattr(existing.get(a.pk), "strengths", ""),
                getattr(existing.get(a.pk), "concerns", ""),
            )
            for a in areas
        ]
    return render(
        request, "meetings/star.html", {"meeting": meeting, "rows": rows, "errors": errors}
    )


@login_required
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the meeting; everyone gets the new time in their calendar."""
    meeting = _convener_meeting(request, pk)
    when = timezone.localtime(meeting.starts_at)
    form = MeetingTimeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date": when.date(),
            "time": when.time(),
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
        },
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reschedule_meeting(
                actor=request.user,
                meeting=meeting,
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                confirm_practice_exceptions=data["acknowledge"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PracticeNotKept as refusal:
            # The page shows why and asks the convener to confirm.
            warnings = refusal.warnings
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Uusi aika lähtee kaikille kutsutuille ja perheelle."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/reschedule.html",
        {"meeting": meeting, "form": form, "warnings": warnings},
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _convener_meeting(request, pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_meeting(actor=request.user, meeting=meeting, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tapaaminen on peruttu; peruutus lähtee kaikille."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form})
