from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.errors import Conflict
from yhdessa.families.forms import CloseConcernForm, ConcernForm, WithdrawConsentForm
from yhdessa.families.links import resend_link, revoke_links, working_links
from yhdessa.families.services import close_concern, raise_concern, withdraw_consent
from yhdessa.idempotency import new_form_token, submit_once
from yhdessa.meetings import dashboard
from yhdessa.web import add_service_errors

MY_FAMILIES_PAGE = 25
MAX_QUERY = 100


@login_required
def concern_create(request: HttpRequest) -> HttpResponse:
    professional = access.acting_professional(request.user)
    if professional is None:
        messages.error(request, _("Vain verkoston ammattilainen voi kirjata huolen."))
        return redirect("home")
    form = ConcernForm(
        request.POST if request.method == "POST" else None,
        initial={"once": new_form_token()},
        municipality_id=professional.municipality_id,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            try:
                concern = raise_concern(
                    actor=request.user,
                    alias=data["alias"],
                    children_birth_years=data["children_birth_years"],
                    email=data["email"],
                    phone=data["phone"],
                    language=data["language"],
                    channel=data["channel"],
                    topic_codes=[t.code for t in data["topics"]],
                    summary=data["summary"],
                    consent=data["consent"],
                    existing_support=data["existing_support"],
                    area_id=data["area"].pk if data.get("area") else None,
                    message_channel=data["message_channel"] or "email",
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return None
            messages.success(request, _("Huoli on kirjattu."))
            return reverse("families:detail", args=[concern.pk])

        if location := submit_once(request, "concern", work):
            return redirect(location)
    return render(request, "families/concern_form.html", {"form": form})


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.read_concern(request.user, pk)
    return render(
        request,
        "families/concern_detail.html",
        {
            "concern": concern,
            "family": concern.family,
            "meetings": concern.meetings.all(),
            "is_convener": access.may_convene(request.user, concern),
            "may_close": access.may_close_concern(request.user, concern),
            "may_manage_links": access.may_manage_family_links(request.user, concern.family),
            "links": working_links(concern.family),
            "link_days": settings.FAMILY_LINK_DAYS,
        },
    )


@login_required
@require_POST
def family_link_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the family a new link to its own page (a lost link)."""
    concern = access.read_concern(request.user, pk)
    try:
        channel = resend_link(actor=request.user, family=concern.family)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Uusi linkki lähtee perheelle tekstiviestillä.")
            if channel == "sms"
            else _("Uusi linkki lähtee perheelle sähköpostilla."),
        )
    return redirect("families:detail", concern.pk)


@login_required
@require_POST
def family_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Every link of the family stops working (e.g. sent to a wrong address)."""
    concern = access.read_concern(request.user, pk)
    try:
        revoked = revoke_links(actor=request.user, family=concern.family)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Perheen linkit on peruttu: %(n)d linkki ei enää toimi.") % {"n": revoked}
            if revoked
            else _("Perheellä ei ollut toimivia linkkejä."),
        )
    return redirect("families:detail", concern.pk)


@login_required
def concern_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The convener or the coordinator closes the concern and says why."""
    concern = access.read_concern(request.user, pk, action=access.Action.CLOSE)
    form = CloseConcernForm(
        request.POST if request.method == "POST" else None, initial={"once": new_form_token()}
    )
    if request.method == "POST" and form.is_valid():

        def work() -> str | None:
            try:
                close_concern(
                    actor=request.user,
                    concern=concern,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return None
            except Conflict as error:
                form.add_error(None, error.message)
                return None
            messages.success(request, _("Huoli on suljettu."))
            return reverse("families:detail", args=[concern.pk])

        if location := submit_once(request, f"close:{concern.pk}", work):
            return redirect(location)
    return render(
        request,
        "families/concern_close.html",
        {"concern": concern, "family": concern.family, "form": form},
    )


@login_required
def concern_withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The family withdrew its consent: the convener or the coordinator records it."""
    concern = access.read_concern(request.user, pk, action=access.Action.CLOSE)
    form = WithdrawConsentForm(
        request.POST if request.method == "POST" else None, initial={"once": new_form_token()}
    )
    if request.method == "POST" and form.is_valid():

        def work() -> str | None:
            try:
                withdraw_consent(actor=request.user, concern=concern)
            except Conflict as error:
                form.add_error(None, error.message)
                return None
            messages.success(
                request,
                _("Suostumuksen peruminen on kirjattu. Perheelle ei lähetetä enää viestejä."),
            )
            return reverse("families:detail", args=[concern.pk])

        if location := submit_once(request, f"withdraw:{concern.pk}", work):
            return redirect(location)
    return render(
        request,
        "families/concern_withdraw.html",
        {"concern": concern, "family": concern.family, "form": form},
    )


@login_required
def my_families(request: HttpRequest) -> HttpResponse:
    """ "Perheeni": every family the professional raised a concern with,
    convened, was invited to or leads, with where it stands and what next."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    concerns = dashboard.my_families(request.user, query)
    page = Paginator(concerns, MY_FAMILIES_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [dashboard.family_row(request.user, c, now=now) for c in page.object_list]
    access.log_list(
        request.user, [(c.family_id, access.own_family_reason(request.user, c)) for c in page]
    )
    return render(
        request,
        "families/my_families.html",
        {
            "page": page,
            "rows": rows,
            "q": query,
            "is_professional": access.acting_professional(request.user) is not None,
        },
    )
