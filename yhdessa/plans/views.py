from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.plans.forms import PlanForm
from yhdessa.plans.pdf import plan_pdf
from yhdessa.plans.queries import plan_document_context
from yhdessa.plans.services import MAX_ITEMS, new_lead_choices, record_plan, replace_lead
from yhdessa.web import object_id


@login_required
def plan_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = access.read_meeting(request.user, meeting_pk, action=access.Action.MANAGE)
    plan = access.plan_queryset().filter(meeting=meeting).first()
    # The form offers as leads only those who attended and checks every rule at once.
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        meeting=meeting,
        initial=PlanForm.initial_from(plan) if plan else {},
        rows=PlanForm.rows_for(plan),
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
        except ValidationError as error:
            form.add_service_errors(error)
        except IdentifyingDataFound as refusal:
            # The page shows what was found and asks the writer to confirm.
            warnings = refusal.warnings
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Yhteinen suunnitelma on tallennettu."))
            return redirect("plans:view", meeting_pk=meeting.pk)
    return render(
        request,
        "plans/plan_form.html",
        {"meeting": meeting, "form": form, "warnings": warnings, "max_rows": MAX_ITEMS},
    )


def plan_language(request: HttpRequest, meeting) -> str:
    """The plan is the family's: it speaks the family's language unless the
    worker chooses another for printing (?lang=sv)."""
    chosen = request.GET.get("lang", "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return meeting.concern.family.language


@login_required
def plan_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting, plan = access.read_plan(request.user, meeting_pk)
    context = plan_document_context(meeting, plan)
    context["may_follow_up"] = access.may_convene(request.user, meeting.concern)
    context["is_lead"] = access.is_lead(request.user, plan) and meeting.concern.is_open
    context["plan_language"] = plan_language(request, meeting)
    context["plan_languages"] = [
        (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
    ]
    return render(request, "plans/plan.html", context)


@login_required
def plan_download(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting, plan = access.read_plan(request.user, meeting_pk, pdf=True)
    with translation.override(plan_language(request, meeting)):
        document = plan_pdf(plan_document_context(meeting, plan))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="yhteinen-suunnitelma-{meeting.pk}.pdf"'
    )
    return response


@login_required
def leads_needed(request: HttpRequest) -> HttpResponse:
    """Families whose lead professional has left, for the coordinator to
    name another: nobody is left without a lead."""
    access.require_coordinator(request.user)
    if request.method == "POST":
        plan = access.plans_without_lead(request.user).filter(pk=_int(request.POST.get("plan")))
        plan = plan.first()
        if plan is None:
            messages.error(request, _("Perhe on jo saanut vastuutyöntekijän tai sitä ei löydy."))
        else:
            try:
                replace_lead(
                    actor=request.user, plan=plan, new_lead_id=_int(request.POST.get("lead"))
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except Conflict as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Uusi vastuutyöntekijä on nimetty."))
        return redirect("plans:leads_needed")
    plans = list(
        access.plans_without_lead(request.user)
        .select_related("meeting__concern__family")
        .prefetch_related("lead_professionals", "meeting__invitations")
        .order_by("next_contact", "pk")[:200]
    )
    access.log_list(
        request.user, [(p.meeting.concern.family_id, access.Why.COORDINATOR) for p in plans]
    )
    # Only those who attended the family's meeting can take over.
    choices = new_lead_choices(plans, access.coordinated_municipality_id(request.user))
    for plan in plans:
        plan.candidates = choices[plan.pk]
    return render(
        request, "plans/leads_needed.html", {"plans": plans, "today": timezone.localdate()}
    )


def _int(value) -> int:
    return object_id(value) or 0
