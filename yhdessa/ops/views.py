from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yhdessa import access


@login_required
def failed_messages(request: HttpRequest) -> HttpResponse:
    """Messages that could not be delivered (given up, or waiting for a
    retry) with the mail server's reason, for the system administrator and
    the coordinators. It names no family: only whom and why."""
    failures = (
        access.delivery_failures_visible_to(request.user)
        .select_related("professional")
        .defer("body", "attachment")
        .order_by("-created_at", "-id")
    )
    page = Paginator(failures, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ops/failed_messages.html",
        {"page": page, "may_open": not access.is_system_admin(request.user)},
    )
