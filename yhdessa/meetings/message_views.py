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
