from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.families.forms import ConcernForm
from yhdessa.families.services import raise_concern
from yhdessa.idempotency import new_form_token, submit_once
from yhdessa.web import add_service_errors


@login_required
def concern_create(request: HttpRequest) -> HttpResponse:
    if access.acting_professional(request.user) is None:
        messages.error(request, _("Vain verkoston ammattilainen voi kirjata huolen."))
        return redirect("home")
    form = ConcernForm(
        request.POST if request.method == "POST" else None, initial={"once": new_form_token()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work() -> str | None:
            try:
                concern = raise_concern(
                    actor=request.user,
                    alias=data["alias"],
                    children_birth_years=data["children_birth_years"],
                    email=data["email"],
                    phone=data["phone"],
                    language=data["language"],
                    channel=data["channel"],
                    topic_codes=[t.code for t in data["topics"]],
                    summary=data["summary"],
                    consent=data["consent"],
                    existing_support=data["existing_support"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return None
            messages.success(request, _("Huoli on kirjattu."))
            return reverse("families:detail", args=[concern.pk])

        if location := submit_once(request, "concern", work):
            return redirect(location)
    return render(request, "families/concern_form.html", {"form": form})


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.read_concern(request.user, pk)
    return render(
        request,
        "families/concern_detail.html",
        {
            "concern": concern,
            "family": concern.family,
            "meetings": concern.meetings.all(),
            "is_convener": access.may_convene(request.user, concern),
        },
    )
