"""The lead professional's pages: the worklist and one family's follow-up
(contacts, sharing the plan with consent, hand-over, closing)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.idempotency import new_form_token, submit_once, submitted_before
from yhdessa.plans.follow_up import (
    close_with_outcome,
    hand_over_lead,
    handover_candidates,
    log_contact,
    share_candidates,
    share_plan,
    unshare_plan,
    worklist_state,
)
from yhdessa.plans.forms import CloseOutcomeForm, ContactLogForm, HandoverForm, ShareForm
from yhdessa.plans.queries import worklist
from yhdessa.web import add_service_errors, object_id

WORKLIST_PAGE = 200


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Seurattavat perheet: every family the user leads, overdue first."""
    access.require_professional(request.user)
    plans = list(worklist(request.user).select_related("meeting__concern__family")[:WORKLIST_PAGE])
    access.log_list(request.user, [(p.meeting.concern.family_id, access.Why.LEAD) for p in plans])
    today = timezone.localdate()
    for plan in plans:
        plan.state = worklist_state(plan, today)
    return render(
        request,
        "plans/follow_up_list.html",
        {
            "plans": plans,
            "today": today,
            "overdue": sum(1 for p in plans if p.state == "overdue"),
            "more": len(plans) == WORKLIST_PAGE,
        },
    )


@login_required
def follow_up(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    # Each form of the page is sent once on its own (one token, one scope each).
    scope = f"follow-up:{meeting_pk}:{request.POST.get('section', '')[:20]}"
    if request.method == "POST" and (done := submitted_before(request, scope)):
        return redirect(done)
    plan = access.read_led_plan(request.user, meeting_pk)
    meeting = plan.meeting
    forms = {
        # The agreed next contact, or (when it is today or overdue) a
        # suggestion two weeks on that the lead changes to what was agreed.
        "contact": ContactLogForm(
            initial={
                "on": timezone.localdate(),
                "next_contact": plan.next_contact
                if plan.next_contact > timezone.localdate()
                else timezone.localdate() + timedelta(days=14),
            }
        ),
        "share": ShareForm(candidates=share_candidates(plan)),
        "handover": HandoverForm(candidates=handover_candidates(plan)),
        "close": CloseOutcomeForm(),
    }
    warnings: list[str] = []
    if request.method == "POST":
        section = request.POST.get("section", "")

        def work() -> str | None:
            done, found = _post(request, plan, section, forms)
            warnings.extend(found)
            return done

        # A double click (or Back and send again) logs one contact, hands
        # over once, closes once: the second send goes where the first went.
        if done := submit_once(request, scope, work):
            return redirect(done)
    return render(
        request,
        "plans/follow_up.html",
        {
            "plan": plan,
            "meeting": meeting,
            "family": meeting.concern.family,
            "contacts": list(plan.contacts.select_related("professional")[:50]),
            "shares": list(plan.shares.select_related("professional__organisation")),
            "forms": forms,
            "once": new_form_token(),
            "warnings": warnings,
            "today": timezone.localdate(),
            "state": worklist_state(plan, timezone.localdate()),
            "may_convene": access.may_convene(request.user, meeting.concern),
            "follow_up_meetings": list(
                meeting.concern.meetings.filter(follows__isnull=False).order_by("-starts_at")[:5]
            ),
        },
    )


def _post(request, plan, section, forms) -> tuple[str | None, list[str]]:
    here = reverse("plans:follow_up", args=[plan.meeting_id])
    post = request.POST
    if section == "contact":
        form = forms["contact"] = ContactLogForm(post)
        if form.is_valid():
            data = form.cleaned_data
            try:
                log_contact(
                    actor=request.user,
                    plan=plan,
                    on=data["on"],
                    how=data["how"],
                    note=data["note"],
                    next_contact=data["next_contact"],
                    confirm_identifying=data["confirm_identifying"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except IdentifyingDataFound as refusal:
                return None, refusal.warnings
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Yhteydenpito on kirjattu ja seuraava yhteydenotto päivitetty.")
                )
                return here + "#contacts", []
    elif section == "share":
        form = forms["share"] = ShareForm(post, candidates=share_candidates(plan))
        if form.is_valid():
            try:
                share_plan(
                    actor=request.user,
                    plan=plan,
                    professional_id=object_id(form.cleaned_data["professional"]),
                    family_consents=form.cleaned_data["family_consents"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Perheen lupa on kirjattu ja suunnitelma jaettu."))
                return here + "#share", []
    elif section == "unshare":
        try:
            unshare_plan(actor=request.user, plan=plan, share_id=object_id(post.get("share")))
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Lupa on peruttu: hän ei enää näe suunnitelmaa."))
        return here + "#share", []
    elif section == "handover":
        form = forms["handover"] = HandoverForm(post, candidates=handover_candidates(plan))
        if form.is_valid():
            try:
                hand_over_lead(
                    actor=request.user, plan=plan, to_id=object_id(form.cleaned_data["to"])
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Vastuutyöntekijyys on siirretty. Perheelle ja uudelle "
                        "vastuutyöntekijälle on lähetetty viesti."
                    ),
                )
                return reverse("plans:follow_up_list"), []
    elif section == "close":
        form = forms["close"] = CloseOutcomeForm(post)
        if form.is_valid():
            try:
                close_with_outcome(
                    actor=request.user,
                    plan=plan,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Perheen Yhdessä aika on päätetty. Perhe poistui seurantalistaltasi."),
                )
                return reverse("plans:follow_up_list"), []
    else:
        messages.error(request, _("Tuntematon lomake. Lataa sivu uudelleen."))
        return here, []
    return None, []
