"""The family's own page, opened with its personal link (no account).

Each view opens the link first: an unknown, revoked or expired link, and a
meeting that is not the family's, all get the same page that says the link
does not work, and nothing is read. Every open is in the access log as the
family's own read. The token is in the path, so these pages are never
cached and send no Referer to any other site.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.services import record_access
from yhdessa.errors import Conflict
from yhdessa.families.links import open_link
from yhdessa.family_page.forms import AccessibilityFeedbackForm, AnswerForm, FeedbackForm
from yhdessa.family_page.queries import family_meetings, meeting_of_family
from yhdessa.family_page.services import answer_invitation, send_accessibility_feedback
from yhdessa.feedback.services import give_family_feedback
from yhdessa.idempotency import new_form_token, submit_once
from yhdessa.meetings.models import Meeting
from yhdessa.plans.pdf import plan_pdf
from yhdessa.plans.queries import plan_document_context
from yhdessa.scheduling.models import PollVote
from yhdessa.scheduling.polls import answers_from, family_polls, option_rows, vote
from yhdessa.web import add_service_errors, object_id, private_page


def with_link(view):
    """Open the link (and the family's meeting, when the URL names one), in
    the family's language unless the reader chose another."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, meeting_pk: int | None = None, **extra):
        link = open_link(token)
        meeting = None
        if link is not None and meeting_pk is not None:
            pk = object_id(meeting_pk)
            meeting = meeting_of_family(link.family, pk) if pk else None
        if link is None or (meeting_pk is not None and meeting is None):
            return private_page(render(request, "family_page/invalid.html", status=404))
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(link.family.language)
            request.LANGUAGE_CODE = link.family.language
        args = (link,) if meeting is None else (link, meeting)
        return private_page(view(request, *args, **extra))

    return wrapper


def _log(link, what=AccessLogEntry.What.FAMILY_PAGE) -> None:
    record_access(user=None, family_id=link.family_id, what=what, why=AccessLogEntry.Why.FAMILY)


def _page(request, link, *, answer_forms=None, feedback_forms=None, status=200):
    meetings = family_meetings(link.family)
    now = timezone.now()
    answer_forms, feedback_forms = answer_forms or {}, feedback_forms or {}
    for meeting in meetings:
        meeting.may_answer = meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at > now
        meeting.answer_form = answer_forms.get(meeting.pk) or AnswerForm(
            prefix=f"m{meeting.pk}",
            initial={"answer": meeting.family_answer, "note": meeting.family_answer_note},
        )
        plan = getattr(meeting, "plan", None) if meeting.status == Meeting.Status.HELD else None
        meeting.family_plan = plan
        if plan is not None:
            actions = list(plan.actions.all())
            meeting.plan_home = [a for a in actions if a.where == "home"]
            meeting.plan_everyday = [a for a in actions if a.where == "everyday_environment"]
            meeting.plan_elsewhere = [a for a in actions if a.where == "elsewhere"]
        meeting.may_give_feedback = (
            meeting.status == Meeting.Status.HELD and not meeting.family_feedback
        )
        meeting.feedback_form = feedback_forms.get(meeting.pk) or FeedbackForm(
            prefix=f"f{meeting.pk}"
        )
    _log(link)
    upcoming = [m for m in meetings if m.may_answer]
    open_polls = [(poll, option_rows(poll, None)) for poll in family_polls(link.family)]
    return render(
        request,
        "family_page/home.html",
        {
            "family": link.family,
            "token": request.resolver_match.kwargs["token"],
            "meetings": meetings,
            "upcoming": upcoming,
            "polls": open_polls,
            "poll_choices": PollVote.Answer.choices,
            "withdrawn": link.family.concerns.filter(consent_withdrawn_at__isnull=False).exists(),
        },
        status=status,
    )


def _back(request: HttpRequest, meeting) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]
    return redirect(reverse("family_page:home", args=[token]) + f"#meeting-{meeting.pk}")


@require_http_methods(["GET", "HEAD"])
@with_link
def home(request: HttpRequest, link) -> HttpResponse:
    return _page(request, link)


@require_POST
@with_link
def answer(request: HttpRequest, link, meeting) -> HttpResponse:
    form = AnswerForm(request.POST, prefix=f"m{meeting.pk}")
    if form.is_valid():
        try:
            answer_invitation(
                meeting=meeting, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            # The form may no longer be on the page (a held meeting, feedback
            # given): the reason shows at the top.
            messages.error(request, error.message)
            return _page(request, link)
        else:
            messages.success(
                request,
                _("Kiitos! Vastauksenne on välitetty.")
                if form.cleaned_data["answer"] == Meeting.FamilyAnswer.COMING
                else _(
                    "Kiitos! Työntekijä saa tiedon ja ottaa teihin yhteyttä uuden ajan sopimiseksi."
                ),
            )
            return _back(request, meeting)
    return _page(request, link, answer_forms={meeting.pk: form})


@require_POST
@with_link
def feedback(request: HttpRequest, link, meeting) -> HttpResponse:
    form = FeedbackForm(request.POST, prefix=f"f{meeting.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            give_family_feedback(
                meeting=meeting,
                answers={q: data[q] for q in ("heard", "helped", "right_expertise")},
                comment=data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            # The form may no longer be on the page (a held meeting, feedback
            # given): the reason shows at the top.
            messages.error(request, error.message)
            return _page(request, link)
        else:
            messages.success(
                request, _("Kiitos palautteesta! Se auttaa meitä tekemään Yhdessä ajasta paremman.")
            )
            return _back(request, meeting)
    return _page(request, link, feedback_forms={meeting.pk: form})


@require_POST
@with_link
def poll_answer(request: HttpRequest, link, poll_pk: str) -> HttpResponse:
    """The family answers a poll of candidate times on its own page."""
    pk = object_id(poll_pk)
    poll = family_polls(link.family).filter(pk=pk).first() if pk else None
    if poll is None:
        messages.error(request, _("Aikakysely on jo päättynyt."))
        return _page(request, link)
    try:
        vote(poll=poll, answers=answers_from(request.POST, poll))
    except (ValidationError, Conflict) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
        return _page(request, link)
    messages.success(request, _("Kiitos! Työntekijä valitsee ajan ja lähettää kutsun."))
    token = request.resolver_match.kwargs["token"]
    return redirect(reverse("family_page:home", args=[token]) + f"#poll-{poll.pk}")


@require_http_methods(["GET", "HEAD"])
@with_link
def plan_download(request: HttpRequest, link, meeting) -> HttpResponse:
    plan = getattr(meeting, "plan", None) if meeting.status == Meeting.Status.HELD else None
    if plan is None:
        return render(request, "family_page/invalid.html", status=404)
    _log(link, AccessLogEntry.What.PLAN_PDF)
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        document = plan_pdf(plan_document_context(meeting, plan))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="yhteinen-suunnitelma-{meeting.pk}.pdf"'
    )
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (saavutettavuusseloste) and its feedback
    channel."""
    form = AccessibilityFeedbackForm(
        request.POST if request.method == "POST" else None, initial={"once": new_form_token()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            if not data["homepage"]:
                try:
                    send_accessibility_feedback(
                        message=data["message"], email=data["email"], key=new_form_token()
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                    return None
            messages.success(request, _("Kiitos palautteesta! Vastaamme 14 päivän kuluessa."))
            return reverse("accessibility")

        if location := submit_once(request, "accessibility", work):
            return redirect(location)
    return render(
        request,
        "family_page/accessibility.html",
        {"form": form, "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL},
    )
