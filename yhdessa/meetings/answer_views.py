"""The invitee's answer page, opened from the signed link in the message:
no login. It shows only what the invitation itself said (time, place,
convener), never the family, so a forwarded link leaks nothing about them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yhdessa.accounts.services import language_of
from yhdessa.errors import Conflict
from yhdessa.meetings.answer_links import invitation_for_token
from yhdessa.meetings.answers import answer_invitation, open_for_answers
from yhdessa.meetings.forms import AnswerForm
from yhdessa.web import add_service_errors, private_page


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = invitation_for_token(token)
    if found is None:
        return private_page(render(request, "meetings/answer_invalid.html", status=404))
    if "django_language" not in request.COOKIES:
        translation.activate(language_of(found.professional.user))
    meeting = found.meeting
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": found.answer or None, "sequence": meeting.sequence},
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer_invitation(
                invitation=found,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                proposed_starts_at=form.proposed_starts_at(),
                seen_sequence=form.cleaned_data["sequence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Kiitos, vastauksesi on välitetty koollekutsujalle."))
            return private_page(redirect(request.path))
        found.refresh_from_db()
    return private_page(
        render(
            request,
            "meetings/answer.html",
            {
                "invitation": found,
                "meeting": meeting,
                "form": form,
                "open": open_for_answers(meeting) and found.status != "withdrawn",
                "now": timezone.now(),
            },
        )
    )
