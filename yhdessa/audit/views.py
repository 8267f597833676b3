from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yhdessa import access
from yhdessa.families.queries import family_search

# The same limit as the search box's maxlength; an alias is at most 60.
SEARCH_MAX = 100


@login_required
def family_list(request: HttpRequest) -> HttpResponse:
    """A coordinator finds a family (by alias or reference) to answer
    "who has read our data?"."""
    access.require_coordinator(request.user)
    query = request.GET.get("q", "")[:SEARCH_MAX].strip()
    families = access.families_in_municipality_of(request.user).order_by("-created_at")
    if query:
        families = families.filter(family_search(query))
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    access.log_list(request.user, [(f.pk, access.Why.COORDINATOR) for f in page.object_list])
    return render(
        request, "audit/family_list.html", {"page": page, "q": query, "search_max": SEARCH_MAX}
    )


@login_required
def family_log(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = access.read_family_log(request.user, family_pk)
    entries = family.access_log.select_related("user", "user__professional")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "audit/family_log.html", {"family": family, "page": page})
