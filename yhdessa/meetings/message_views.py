from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.errors import Conflict
from yhdessa.meetings.messages import resend_message
from yhdessa.notify.models import OutboxMessage


def _show_replacements(shown) -> None:
    """Each replaced message gets ``replaced_by``: the message that took its
    place for the same recipient (the new time, or the cancellation), in one
    query for the whole page."""
    replaced = [m for m in shown if m.status == OutboxMessage.Status.REPLACED]
    if not replaced:
        return
    current = {}
    for newer in (
        OutboxMessage.objects.filter(meeting_id__in={m.meeting_id for m in replaced})
        .exclude(status=OutboxMessage.Status.REPLACED)
        .only("pk", "meeting_id", "professional_id", "to_family", "subject")
        .order_by("pk")
    ):
        current[(newer.meeting_id, newer.professional_id, newer.to_family)] = newer
    for message in replaced:
        message.replaced_by = current.get(
            (message.meeting_id, message.professional_id, message.to_family)
        )


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """The sent mail of the meetings the user may see, newest first, with delivery state."""
    visible = (
        access.messages_visible_to(request.user)
        .select_related("meeting__concern__family", "professional")
        .prefetch_related("meeting__invitations")
        .order_by("-created_at", "-id")
    )
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    _show_replacements(page.object_list)
    access.log_list(
        request.user,
        [
            (m.meeting.concern.family_id, access.list_reason(request.user, m.meeting))
            for m in page.object_list
        ],
    )
    return render(request, "notify/message_list.html", {"page": page})


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = access.read_message(request.user, pk)
    _show_replacements([message])
    return render(request, "notify/message_detail.html", {"message": message})


@require_POST
@login_required
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = access.read_message(request.user, pk, action=access.Action.MANAGE)
    try:
        resend_message(actor=request.user, message=message)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Viesti lähetetään uudelleen."))
    return redirect("notify:detail", pk=message.pk)
