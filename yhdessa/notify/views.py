from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.services import record_access, record_list_access
from yhdessa.errors import Conflict
from yhdessa.meetings.queries import list_reason, reason_for_meeting
from yhdessa.notify.queries import get_message_for, messages_visible_to
from yhdessa.notify.services import retry_message


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """The sent mail of the meetings the user may see, newest first, with delivery state."""
    page = Paginator(messages_visible_to(request.user), 50).get_page(request.GET.get("page"))
    record_list_access(
        user=request.user,
        reads=[
            (m.meeting.concern.family_id, list_reason(request.user, m.meeting))
            for m in page.object_list
        ],
    )
    return render(request, "notify/message_list.html", {"page": page})


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for(request.user, pk)
    record_access(
        user=request.user,
        family_id=message.meeting.concern.family_id,
        what=AccessLogEntry.What.MESSAGES,
        why=reason_for_meeting(request.user, message.meeting),
    )
    return render(request, "notify/message_detail.html", {"message": message})


@require_POST
@login_required
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for(request.user, pk)
    try:
        retry_message(actor=request.user, message=message)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Viesti lähetetään uudelleen."))
    return redirect("notify:detail", pk=message.pk)
