"""Polls: the convener offers candidate times, invitees answer by their link
(no login; the page names no family), the convener picks the winner."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from yhdessa import access
from yhdessa.accounts.services import language_of
from yhdessa.errors import Conflict, DoubleBooked
from yhdessa.meetings.forms import DURATIONS
from yhdessa.meetings.queries import invitable_professionals
from yhdessa.network.queries import teams_of
from yhdessa.scheduling import polls
from yhdessa.scheduling.models import Poll, PollVote
from yhdessa.scheduling.polls import answers_from, option_rows
from yhdessa.scheduling.rooms import rooms_bookable_by
from yhdessa.scheduling.search import SlotRequest, find
from yhdessa.web import add_service_errors, object_id, private_page


class PollForm(forms.Form):
    invitees = forms.MultipleChoiceField(
        label=gettext_lazy("Kysyttävät"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Valitse vähintään yksi kutsuttava asiantuntija.")
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Varattu aika"), choices=DURATIONS, coerce=int, initial=90
    )
    place = forms.CharField(label=gettext_lazy("Paikka"), max_length=200, required=False)
    room = forms.TypedChoiceField(
        label=pgettext_lazy("room", "Tila"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, people=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(str(p.pk), p.name) for p in people]
        self.fields["room"].choices = [("", _("Ei tilavarausta (esim. perheen koti)"))] + [
            (r.pk, f"{r.name} ({r.address})") for r in rooms
        ]


def _times(values: list[str]) -> tuple[list[datetime], list[str]]:
    found, bad = [], []
    for value in values:
        value = (value or "").strip()
        if not value:
            continue
        try:
            # A day and a time: a bare date is no meeting time.
            moment = datetime.fromisoformat(value) if "T" in value else None
        except ValueError:
            moment = None
        if moment is None or not 2000 <= moment.year <= 2100:
            bad.append(value)
            continue
        found.append(timezone.make_aware(moment) if timezone.is_naive(moment) else moment)
    return found, bad


@login_required
def new_poll(request: HttpRequest, concern_pk: int) -> HttpResponse:
    concern = access.read_concern(request.user, concern_pk, action=access.Action.CONVENE)
    me = access.require_professional(request.user)
    teams = [] if concern.existing_support else list(teams_of(concern.family.municipality_id))
    chosen = object_id(request.POST.get("team") or request.GET.get("team"))
    team = next((t for t in teams if t.pk == chosen), teams[0] if teams else None)
    people = list(invitable_professionals(concern=concern, team=team).exclude(pk=me.pk))
    rooms = list(rooms_bookable_by(me, concern.family.municipality_id, team))
    # Coming from the convening page (a POST of its form, so that no token
    # lands in the address): its choices start the poll, nothing is sent yet.
    starting = request.method == "POST" and "start_poll" in request.POST
    params = request.POST if starting else request.GET
    source = request.POST if request.method == "POST" and not starting else None
    initial_starts = params.getlist("start") or (
        [] if source else _found_starts(params, concern, me, team, people)
    )
    practice = getattr(team, "practice", None) if team else None
    form = PollForm(
        source,
        people=people,
        rooms=rooms,
        initial={
            "invitees": params.getlist("invitees"),
            "duration_minutes": object_id(params.get("duration_minutes"))
            or getattr(practice, "default_duration_minutes", 90),
            "place": params.get("place") or ((practice.places or [""])[0] if practice else ""),
            "room": object_id(params.get("room")),
        },
    )
    starts_values = request.POST.getlist("starts") if source else initial_starts
    if source and form.is_valid():
        starts, bad = _times(starts_values)
        if bad:
            form.add_error(None, _("Tarkista ajat: %(bad)s") % {"bad": ", ".join(bad)})
        else:
            try:
                poll = polls.create_poll(
                    actor=request.user,
                    concern=concern,
                    starts=starts,
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    place=form.cleaned_data["place"],
                    invitee_ids=[int(i) for i in form.cleaned_data["invitees"]],
                    team_id=team.pk if team else None,
                    room_id=form.cleaned_data["room"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Aikakysely on lähetetty kutsuttaville ja perheelle."))
                return redirect("scheduling:poll", pk=poll.pk)
    slots = [*starts_values, *[""] * polls.MAX_OPTIONS][: polls.MAX_OPTIONS]
    return render(
        request,
        "scheduling/poll_new.html",
        {"concern": concern, "form": form, "team": team, "slots": slots},
    )


def _found_starts(params, concern, me, team, people) -> list[str]:
    """Candidate times to start from: the slot search's earliest times for
    the expertise and the people chosen on the convening page."""
    ticked = {pk for v in params.getlist("invitees") if (pk := object_id(v))}
    try:
        answer = find(
            SlotRequest(
                needs=sorted(set(params.getlist("expertise"))),
                required=ticked & {p.pk for p in people},
                duration_minutes=object_id(params.get("duration_minutes")) or 90,
                count=3,
                why_not=False,
            ),
            convener=me,
            team=team,
            invitable=people,
            municipality_id=concern.family.municipality_id,
        )
    except ValidationError:
        return []
    return [timezone.localtime(s.starts_at).strftime("%Y-%m-%dT%H:%M") for s in answer.slots]


def _own_poll(request: HttpRequest, pk: int) -> Poll:
    """The poll of a concern the user may convene for; logged as a read."""
    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        raise Http404
    access.read_concern(request.user, poll.concern_id, action=access.Action.CONVENE)
    return poll


@login_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _own_poll(request, pk)
    columns, rows = polls.poll_table(poll)
    # The best time is named only once someone has answered.
    answered = any(r.counts for r in rows)
    best = max(rows, key=lambda r: r.score).option.pk if answered else None
    return render(
        request,
        "scheduling/poll.html",
        {
            "poll": poll,
            "concern": poll.concern,
            "columns": columns,
            "rows": rows,
            "best": best,
            "is_convener": access.acting_professional(request.user) == poll.convener,
            "ask_booking": request.GET.get("booked") == "1",
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _own_poll(request, pk)
    try:
        meeting = polls.decide_poll(
            actor=request.user,
            poll=poll,
            option_id=object_id(request.POST.get("option")) or 0,
            confirm_double_booking=request.POST.get("confirm_booking") == "1",
        )
    except DoubleBooked as refusal:
        for warning in refusal.warnings:
            messages.warning(request, warning)
        return redirect(reverse("scheduling:poll", args=[poll.pk]) + "?booked=1")
    except (ValidationError, Conflict, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
        return redirect("scheduling:poll", pk=poll.pk)
    messages.success(request, _("Aika on valittu; kutsut lähtevät nyt kutsutuille ja perheelle."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _own_poll(request, pk)
    try:
        polls.cancel_poll(actor=request.user, poll=poll)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, str(getattr(error, "message", error)))
    else:
        messages.success(request, _("Aikakysely on peruttu ja sen ajat vapautettu."))
    return redirect("families:detail", pk=poll.concern_id)


@login_required
@require_POST
def vote_in_app(request: HttpRequest, pk: int) -> HttpResponse:
    """An invitee answers from their start page's list (no family shown)."""
    me = access.require_professional(request.user)
    poll = Poll.objects.filter(pk=pk, invitees=me).first()
    if poll is None:
        raise Http404
    try:
        polls.vote(poll=poll, answers=answers_from(request.POST, poll), professional=me)
    except (ValidationError, Conflict) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
    else:
        messages.success(request, _("Kiitos, vastauksesi on tallennettu."))
    return redirect("home")


@require_http_methods(["GET", "POST"])
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    found = polls.poll_for_token(token)
    if found is None:
        return private_page(render(request, "meetings/answer_invalid.html", status=404))
    poll, professional = found
    if "django_language" not in request.COOKIES:
        translation.activate(language_of(professional.user))
    error = ""
    if request.method == "POST":
        try:
            polls.vote(
                poll=poll, answers=answers_from(request.POST, poll), professional=professional
            )
        except (ValidationError, Conflict) as refusal:
            error = getattr(refusal, "message", None) or " ".join(refusal.messages)
        else:
            messages.success(request, _("Kiitos, vastauksesi on tallennettu."))
            return private_page(redirect(request.path))
    return private_page(
        render(
            request,
            "scheduling/poll_answer.html",
            {
                "poll": poll,
                "professional": professional,
                "rows": option_rows(poll, professional.pk),
                "choices": PollVote.Answer.choices,
                "error": error,
                "action": request.path,
            },
        )
    )
