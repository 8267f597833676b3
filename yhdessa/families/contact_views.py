"""The family's contact page (public) and the guidance service's inbox."""

from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.errors import Conflict
from yhdessa.families import contacts as rules
from yhdessa.families.forms import (
    CloseContactForm,
    ContactForm,
    HandOverForm,
    PhoneContactForm,
    SessionBookingForm,
)
from yhdessa.families.models import Contact
from yhdessa.formats import day_and_time
from yhdessa.idempotency import new_form_token, submit_once
from yhdessa.network.models import Municipality
from yhdessa.network.working_days import add_working_days
from yhdessa.web import add_service_errors, object_id

INBOX_PAGE = 50
SENT_SALT = "yhdessa.contact.sent"
SENT_MAX_AGE = 7 * 24 * 3600


def _submit_args(data: dict) -> dict:
    return {
        "municipality_id": data["municipality"].pk,
        "area_id": data["area"].pk if data.get("area") else None,
        "name": data["name"],
        "children_ages": data["children_ages"],
        "topic_codes": [t.code for t in data["topics"]],
        "message": data["message"],
        "contact_by": data["contact_by"],
        "phone": data["phone"],
        "email": data["email"],
        "language": data["language"],
        "wants": data["wants"],
        "consent": data["consent"],
    }


def client_address(request: HttpRequest) -> str:
    """The sender's address: behind a proxy the one it names in
    CONTACT_CLIENT_IP_HEADER (its last hop: the client as the proxy saw it),
    else the connection's."""
    header = settings.CONTACT_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _sent_url(due_on: date, contact_by: str, language: str) -> str:
    token = signing.dumps(
        {"due": due_on.isoformat(), "by": contact_by, "lang": language}, salt=SENT_SALT
    )
    return reverse("contact:sent") + f"?t={token}"


def contact_new(request: HttpRequest) -> HttpResponse:
    """Ask for help or for a Yhdessä aika: no login, no CAPTCHA."""
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        initial={"language": translation.get_language()[:2], "once": new_form_token()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["homepage"]:
            # A robot filled the field no person sees: it gets the thanks
            # page and nothing is stored.
            town = data["municipality"]
            due = add_working_days(timezone.localdate(), town.contact_promise_working_days)
            return redirect(_sent_url(due, data["contact_by"], data["language"]))

        def work() -> str | None:
            try:
                contact = rules.submit_contact(**_submit_args(data), sender=client_address(request))
            except ValidationError as error:
                add_service_errors(form, error)
                return None
            return _sent_url(contact.due_on, data["contact_by"], data["language"])

        try:
            location = submit_once(request, "contact", work)
        except rules.TooManyContacts:
            # What was typed stays on the form, to send again a little later.
            form.add_error(
                None,
                _(
                    "Tästä osoitteesta on juuri lähetetty monta viestiä, joten tätä ei vielä "
                    "otettu vastaan. Yrittäkää uudelleen tunnin kuluttua, tai soittakaa. "
                    "Jos tilanne on kiireellinen, soittakaa 112."
                ),
            )
            return render(
                request,
                "families/contact_form.html",
                {"form": form, "promise_days": _promise_days()},
                status=429,
            )
        if location:
            return redirect(location)
    return render(
        request,
        "families/contact_form.html",
        {"form": form, "promise_days": _promise_days()},
    )


def _promise_days() -> int | None:
    """The promise the page states before a municipality is chosen: the
    same for all, or None when the municipalities differ."""
    days = set(Municipality.objects.values_list("contact_promise_working_days", flat=True))
    return days.pop() if len(days) == 1 else None


def contact_sent(request: HttpRequest) -> HttpResponse:
    try:
        sent = signing.loads(request.GET.get("t", ""), salt=SENT_SALT, max_age=SENT_MAX_AGE)
        due = date.fromisoformat(sent["due"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return redirect("contact:new")
    return render(request, "families/contact_sent.html", {"due": due, "by": sent.get("by")})


# ---- the guidance service ----------------------------------------------------


def _require_inbox(request: HttpRequest) -> list[int]:
    towns = access.contact_municipality_ids(request.user)
    if not towns:
        raise PermissionDenied(
            _("Vain ohjaus- ja neuvontapalvelu tai koordinaattori käsittelee yhteydenotot.")
        )
    return towns


STATES = {"open": [Contact.State.NEW], "handled": [Contact.State.HANDED_OVER, Contact.State.CLOSED]}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Every contact of the user's municipalities: new ones first, oldest
    first, each with its age and the promise; overdue ones stand out."""
    _require_inbox(request)
    shown = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    contacts = (
        access.contacts_visible_to(request.user)
        .filter(state__in=STATES[shown])
        .select_related("family__municipality", "handed_to")
        .prefetch_related("topics")
        # Open ones by their promise, the nearest first; handled ones newest first.
        .order_by(*(("due_on", "created_at", "pk") if shown == "open" else ("-handled_at", "-pk")))
    )
    page = Paginator(contacts, INBOX_PAGE).get_page(request.GET.get("page"))
    access.log_contacts(request.user, page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "families/contact_inbox.html",
        {
            "page": page,
            "shown": shown,
            "today": today,
            "overdue": access.contacts_visible_to(request.user)
            .filter(state=Contact.State.NEW, due_on__lt=today)
            .count(),
        },
    )


@login_required
def phone_contact(request: HttpRequest) -> HttpResponse:
    """The guidance service writes down a call as the family's contact."""
    towns = _require_inbox(request)
    form = PhoneContactForm(
        request.POST if request.method == "POST" else None,
        municipalities=Municipality.objects.filter(pk__in=towns),
        initial={"once": new_form_token(), "language": "fi", "municipality": towns[0]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            try:
                contact = rules.submit_contact(**_submit_args(data), actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
                return None
            messages.success(request, _("Puhelu on kirjattu yhteydenotoksi."))
            return reverse("contact:detail", args=[contact.pk])

        if location := submit_once(request, "phone-contact", work):
            return redirect(location)
    return render(request, "families/contact_phone.html", {"form": form})


def _contact(request: HttpRequest, pk) -> Contact:
    pk = object_id(pk)
    if pk is None:
        raise Http404
    return access.read_contact(request.user, pk)


@login_required
def contact_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return _detail(request, _contact(request, pk))


def _sessions(town: int) -> list:
    """The free places of the municipality's standing teams' sessions."""
    from yhdessa.network.queries import teams_of
    from yhdessa.scheduling.sessions import free_sessions

    return [s for team in teams_of(town) if team.books_sessions for s in free_sessions(team)]


def _detail(request, contact, *, hand_over=None, close=None, session=None) -> HttpResponse:
    town = contact.family.municipality_id
    sessions = _sessions(town) if contact.state == Contact.State.NEW else []
    return render(
        request,
        "families/contact_detail.html",
        {
            "contact": contact,
            "family": contact.family,
            "today": timezone.localdate(),
            "hand_over": hand_over or HandOverForm(municipality_id=town),
            "close": close or CloseContactForm(),
            "session_form": session or SessionBookingForm(municipality_id=town, sessions=sessions)
            if sessions or session
            else None,
            "session_teams": {s.team.pk: s.team for s in sessions}.values(),
        },
    )


@login_required
@require_POST
def contact_book_session(request: HttpRequest, pk: int) -> HttpResponse:
    """The guidance service books the family into a standing team's session
    and hands the contact to the worker who stays its contact person."""
    from yhdessa.scheduling.sessions import book_contact_into_session

    contact = _contact(request, pk)
    town = contact.family.municipality_id
    form = SessionBookingForm(request.POST, municipality_id=town, sessions=_sessions(town))
    if form.is_valid():
        team_id, _sep, start = form.cleaned_data["session"].partition("|")
        try:
            meeting = book_contact_into_session(
                actor=request.user,
                contact=contact,
                team_id=object_id(team_id) or 0,
                professional_id=form.cleaned_data["professional"].pk,
                session_starts_at=datetime.fromisoformat(start),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("contact:detail", contact.pk)
        else:
            messages.success(
                request,
                _("Perhe on varattu istuntoon %(when)s; %(name)s on perheen yhteyshenkilö.")
                % {
                    "when": day_and_time(meeting.starts_at),
                    "name": form.cleaned_data["professional"].name,
                },
            )
            return redirect("contact:inbox")
    return _detail(request, contact, session=form)


@login_required
@require_POST
def contact_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = HandOverForm(request.POST, municipality_id=contact.family.municipality_id)
    if form.is_valid():
        try:
            rules.hand_over_contact(
                actor=request.user,
                contact=contact,
                professional_id=form.cleaned_data["professional"].pk,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("contact:detail", contact.pk)
        else:
            messages.success(
                request,
                _("Yhteydenotto annettiin: %(name)s. Perheelle kerrotaan, kuka soittaa.")
                % {"name": form.cleaned_data["professional"].name},
            )
            return redirect("contact:inbox")
    return _detail(request, contact, hand_over=form)


@login_required
@require_POST
def contact_close(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = CloseContactForm(request.POST)
    if form.is_valid():
        try:
            rules.close_contact(
                actor=request.user,
                contact=contact,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("contact:detail", contact.pk)
        else:
            messages.success(request, _("Yhteydenotto on suljettu."))
            return redirect("contact:inbox")
    return _detail(request, contact, close=form)
