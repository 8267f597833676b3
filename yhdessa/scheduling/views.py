"""A professional's own availability (absences, own calendar) and the
coordinator's rooms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.formats import day_and_time
from yhdessa.network.models import FamilyCentreTeam
from yhdessa.scheduling import feeds, services
from yhdessa.scheduling.forms import AbsenceForm, CalendarUploadForm, CalendarUrlForm, RoomForm
from yhdessa.scheduling.models import CalendarSource
from yhdessa.web import add_service_errors


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    professional = access.require_own_availability(request.user)
    form = AbsenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.add_absence(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Poissaolo on lisätty; sitä aikaa ei tarjota kutsuihin."))
            # Meetings already agreed are not moved by it: say so, and how to tell.
            for meeting in services.meetings_during(absence):
                messages.warning(
                    request,
                    _(
                        "Olet kutsuttu tapaamiseen %(when)s poissaolon aikana. Kerro "
                        "koollekutsujalle: vastaa kutsuun ”En pääse” tapaamisen sivulla."
                    )
                    % {"when": day_and_time(meeting.starts_at)},
                )
            return redirect("scheduling:availability")
    source = CalendarSource.objects.filter(professional=professional).first()
    absences = list(services.upcoming_absences(professional))
    return render(
        request,
        "scheduling/availability.html",
        {
            "form": form,
            "absences": [(a, services.absence_text(a)) for a in absences],
            "source": source,
            "masked_url": feeds.mask_url(source.url) if source and source.url else "",
            "source_error": feeds.ERROR_TEXTS.get(source.error, source.error)
            if source and source.error
            else "",
            "url_form": CalendarUrlForm(),
            "upload_form": CalendarUploadForm(),
        },
    )


@login_required
@require_POST
def remove_absence(request: HttpRequest, pk: int) -> HttpResponse:
    if services.remove_absence(actor=request.user, absence_id=pk):
        messages.success(request, _("Poissaolo on poistettu."))
    return redirect("scheduling:availability")


@login_required
@require_POST
def calendar_url(request: HttpRequest) -> HttpResponse:
    professional = access.require_own_availability(request.user)
    form = CalendarUrlForm(request.POST)
    if form.is_valid():
        try:
            feeds.set_calendar_url(professional, form.cleaned_data["url"])
        except feeds.CalendarError as error:
            messages.error(request, str(feeds.ERROR_TEXTS.get(error.code, error.code)))
        else:
            messages.success(
                request,
                _("Kalenterilinkki on tallennettu; varatut ajat luetaan hetken kuluttua.")
                if form.cleaned_data["url"]
                else _("Kalenterilinkki on poistettu."),
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("scheduling:availability")


@login_required
@require_POST
def calendar_upload(request: HttpRequest) -> HttpResponse:
    professional = access.require_own_availability(request.user)
    form = CalendarUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = feeds.upload_calendar(professional, form.cleaned_data["file"].read())
        except feeds.CalendarError as error:
            messages.error(request, str(feeds.ERROR_TEXTS.get(error.code, error.code)))
        else:
            messages.success(
                request,
                ngettext(
                    "Kalenterista luettiin %(n)d varattu aika.",
                    "Kalenterista luettiin %(n)d varattua aikaa.",
                    count,
                )
                % {"n": count},
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("scheduling:availability")


@login_required
@require_POST
def calendar_forget_upload(request: HttpRequest) -> HttpResponse:
    professional = access.require_own_availability(request.user)
    feeds.forget_upload(professional)
    messages.success(request, _("Ladatun tiedoston varatut ajat on poistettu."))
    return redirect("scheduling:availability")


@login_required
def rooms(request: HttpRequest) -> HttpResponse:
    access.require_rooms_manager(request.user)
    found = access.rooms_managed_by(request.user).prefetch_related("teams").order_by("name")
    return render(request, "scheduling/rooms.html", {"rooms": found})


@login_required
def room_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    town = access.require_rooms_manager(request.user)
    room = None
    if pk is not None:
        room = access.rooms_managed_by(request.user).filter(pk=pk).first()
        if room is None:
            raise Http404
    teams = FamilyCentreTeam.objects.filter(municipality_id=town).order_by("name")
    initial = (
        {
            "name": room.name,
            "address": room.address,
            "capacity": room.capacity,
            "accessibility": room.accessibility,
            "is_active": room.is_active,
            "teams": [t.pk for t in room.teams.all()],
        }
        if room
        else {"is_active": True}
    )
    form = RoomForm(
        request.POST if request.method == "POST" else None, teams=teams, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_room(
                actor=request.user,
                room=room,
                name=data["name"],
                address=data["address"],
                capacity=data["capacity"],
                accessibility=data["accessibility"],
                is_active=data["is_active"],
                team_ids=data["teams"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Tila on tallennettu."))
            return redirect("scheduling:rooms")
    bookings = list(services.future_bookings(room)[:20]) if room else []
    return render(
        request,
        "scheduling/room_edit.html",
        {"room": room, "form": form, "bookings": bookings},
    )
