from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yhdessa.audit.models import AccessLogEntry
from yhdessa.audit.queries import (
    access_log_of,
    families_for_coordinator,
    get_family_for_coordinator,
)
from yhdessa.audit.services import record_access, record_list_access


@login_required
def family_list(request: HttpRequest) -> HttpResponse:
    """A coordinator finds a family (by alias or reference) to answer
    "who has read our data?"."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    families = families_for_coordinator(request.user).order_by("-created_at")
    if query:
        number = query.upper().removeprefix("P-").lstrip("0")
        families = families.filter(
            Q(alias__icontains=query) | Q(pk=int(number) if number.isdigit() else -1)
        )
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    record_list_access(
        user=request.user, reads=[(f.pk, AccessLogEntry.Why.COORDINATOR) for f in page.object_list]
    )
    return render(request, "audit/family_list.html", {"page": page, "q": query})


@login_required
def family_log(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = get_family_for_coordinator(request.user, family_pk)
    # Logged first, so that this read is on the page it produces.
    record_access(
        user=request.user,
        family_id=family.pk,
        what=AccessLogEntry.What.ACCESS_LOG,
        why=AccessLogEntry.Why.COORDINATOR,
    )
    page = Paginator(access_log_of(family), 100).get_page(request.GET.get("page"))
    return render(request, "audit/family_log.html", {"family": family, "page": page})
