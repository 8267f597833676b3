from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.errors import Conflict
from yhdessa.feedback.forms import WorkerFeedbackForm
from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import QUESTIONS, give_worker_feedback
from yhdessa.web import add_service_errors


@login_required
def worker_feedback(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """A worker who took part says how the meeting went (once)."""
    meeting = access.read_meeting(request.user, meeting_pk)
    given = Feedback.objects.filter(
        meeting=meeting,
        source=Feedback.Source.WORKER,
        professional=access.acting_professional(request.user),
    ).exists()
    form = WorkerFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            give_worker_feedback(
                actor=request.user,
                meeting=meeting,
                answers={q: form.cleaned_data[q] for q in QUESTIONS},
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            messages.info(request, error.message)
            return redirect("meetings:detail", pk=meeting.pk)
        else:
            messages.success(request, _("Kiitos palautteesta!"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "feedback/worker.html",
        {
            "meeting": meeting,
            "form": form,
            "given": given,
            "took_part": access.took_part(request.user, meeting),
        },
    )
