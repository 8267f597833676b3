import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from yhdessa import access
from yhdessa.families.models import ConcernTopic
from yhdessa.interop.network_csv import export_network, import_network
from yhdessa.interop.ptv import import_ptv
from yhdessa.network.forms import (
    ClassifyServiceForm,
    ImportForm,
    NewAreaForm,
    NewTeamForm,
    OrganisationForm,
    PracticeForm,
    ProfessionalForm,
    ReferenceForm,
    RegionForm,
    SearchForm,
    ServiceMapForm,
    TeamModelForm,
)
from yhdessa.network.models import (
    Expertise,
    FamilyCentreArea,
    InvitationPractice,
    Municipality,
    Region,
    TaskArea,
)
from yhdessa.network.practice import describe_practice, describe_team
from yhdessa.network.queries import change_entries, search_professionals
from yhdessa.network.service_map import OVERLAP_AT, service_map
from yhdessa.network.services import (
    classify_service,
    create_area,
    create_team,
    save_organisation,
    save_professional,
    save_reference,
    save_team,
    set_offers,
    set_region,
)
from yhdessa.web import add_service_errors, object_id


def coordinator_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.may_keep_directory(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Who offers what here: every professional guides families across
    organisation lines."""
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = search_professionals(
        q=filters.get("q", ""),
        expertise=getattr(filters.get("expertise"), "code", ""),
        municipality_id=getattr(filters.get("municipality"), "pk", None),
        area_id=getattr(filters.get("area"), "pk", None),
        language=filters.get("language", ""),
        sector=filters.get("sector", ""),
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/directory.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


def _manage_page(
    request: HttpRequest, classify_form: ClassifyServiceForm | None = None, **forms
) -> HttpResponse:
    """The upkeep page; a form posted from it and refused comes back bound,
    with its problems next to its fields."""
    user = request.user
    region = getattr(user.municipality, "region", None)
    unclassified = list(
        access.imported_services_managed_by(user)
        .filter(task_area=None, not_family_service=False)
        .select_related("organisation", "municipality")
        .order_by("organisation__name", "name")
    )
    task_areas = list(TaskArea.objects.all()) if unclassified else []
    forms.setdefault("area_form", NewAreaForm(auto_id="area_%s"))
    forms.setdefault("team_form", NewTeamForm(auto_id="team_%s"))
    forms.setdefault("region_form", RegionForm(initial={"region": region.name if region else ""}))
    return render(
        request,
        "network/manage.html",
        {
            "organisations": access.organisations_managed_by(user).order_by("name"),
            "professionals": access.professionals_managed_by(user)
            .select_related("organisation")
            .order_by("-is_active", "name"),
            "teams": access.teams_managed_by(user)
            .select_related("municipality", "area")
            .order_by("name"),
            "areas": FamilyCentreArea.objects.filter(municipality_id=user.municipality_id),
            "regions": Region.objects.all(),
            "unclassified": [
                (
                    service,
                    classify_form
                    if classify_form is not None and classify_form.prefix == f"s{service.pk}"
                    else ClassifyServiceForm(prefix=f"s{service.pk}", areas=task_areas),
                )
                for service in unclassified
            ],
            **forms,
        },
    )


@coordinator_required
def manage(request: HttpRequest) -> HttpResponse:
    return _manage_page(request)


@coordinator_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = (
        get_object_or_404(access.organisations_managed_by(request.user), pk=pk) if pk else None
    )
    initial = (
        {
            "languages": organisation.languages,
            "municipalities": list(organisation.municipalities.all()),
            "task_areas": list({o.task_area for o in organisation.offers.all()}),
            "areas": list(organisation.areas.all()),
        }
        if organisation
        else {"municipalities": [request.user.municipality] if request.user.municipality else []}
    )
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "municipalities"}
        data.pop("task_areas", None)
        data.pop("areas", None)
        try:
            saved, _outcome = save_organisation(
                actor=request.user,
                organisation=organisation,
                data=data,
                municipality_ids=[m.pk for m in form.cleaned_data["municipalities"]],
                area_ids=[a.pk for a in form.cleaned_data["areas"]],
            )
            set_offers(
                actor=request.user,
                organisation=saved,
                task_area_ids=[t.pk for t in form.cleaned_data["task_areas"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Organisaation tiedot on tallennettu."))
            return redirect("network:manage")
    return render(
        request,
        "network/form.html",
        {"form": form, "title": organisation.name if organisation else _("Uusi organisaatio")},
    )


@coordinator_required
def professional_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    professional = (
        get_object_or_404(access.professionals_managed_by(request.user), pk=pk) if pk else None
    )
    initial = (
        {"languages": professional.languages, "expertise": list(professional.expertise.all())}
        if professional
        else {"municipality": request.user.municipality, "is_active": True}
    )
    form = ProfessionalForm(
        request.POST if request.method == "POST" else None, instance=professional, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expertise"}
        try:
            saved, _outcome = save_professional(
                actor=request.user,
                professional=professional,
                data=data,
                expertise_ids=[e.pk for e in form.cleaned_data["expertise"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Ammattilaisen tiedot on tallennettu."))
            orphaned = access.plans_without_lead(request.user).filter(lead_professionals=saved)
            if not saved.is_active and (count := orphaned.count()):
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d perhe odottaa uutta vastuutyöntekijää: nimeä perheelle uusi.",
                        "%(count)d perhettä odottaa uutta vastuutyöntekijää: nimeä heille uusi.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("plans:leads_needed")
            return redirect("network:manage")
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": professional.name if professional else _("Uusi ammattilainen"),
            "note": _("Työstä lähtevä poistetaan käytöstä: hänen aiemmat tapaamisensa säilyvät."),
        },
    )


def _own_municipality_id(request: HttpRequest) -> int | None:
    """The municipality a coordinator adds areas and teams to. The system
    administrator keeps every municipality and so names none here."""
    town = access.directory_scope(request.user)
    if town is None:
        messages.error(
            request,
            _("Alueet, tiimit ja hyvinvointialueen lisää kunnan perhekeskuskoordinaattori."),
        )
    return town


@require_POST
@coordinator_required
def area_new(request: HttpRequest) -> HttpResponse:
    form = NewAreaForm(request.POST, auto_id="area_%s")
    if (town := _own_municipality_id(request)) is None:
        return redirect("network:manage")
    if form.is_valid():
        try:
            create_area(actor=request.user, name=form.cleaned_data["name"], municipality_id=town)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alue on lisätty."))
            return redirect("network:manage")
    return _manage_page(request, area_form=form)


@require_POST
@coordinator_required
def region_set(request: HttpRequest) -> HttpResponse:
    form = RegionForm(request.POST)
    if (town := _own_municipality_id(request)) is None:
        return redirect("network:manage")
    if form.is_valid():
        try:
            set_region(
                actor=request.user,
                municipality=Municipality.objects.get(pk=town),
                region_name=form.cleaned_data["region"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Hyvinvointialue on tallennettu."))
            return redirect("network:manage")
    return _manage_page(request, region_form=form)


@require_POST
@coordinator_required
def team_new(request: HttpRequest) -> HttpResponse:
    form = NewTeamForm(request.POST, auto_id="team_%s")
    if (town := _own_municipality_id(request)) is None:
        return redirect("network:manage")
    if form.is_valid():
        try:
            team = create_team(
                actor=request.user, name=form.cleaned_data["name"], municipality_id=town
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("network:team", pk=team.pk)
    return _manage_page(request, team_form=form)


@require_POST
@coordinator_required
def service_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator names the task area of a service an import could not
    classify (or says it is no family centre service)."""
    form = ClassifyServiceForm(request.POST, prefix=f"s{pk}", areas=list(TaskArea.objects.all()))
    if form.is_valid():
        try:
            service = classify_service(
                actor=request.user, service_id=pk, task_area=form.task_area()
            )
        except ValidationError as error:
            # Classified already (a second tab, a double submit): nothing to do.
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Palvelu %(name)s on luokiteltu.") % {"name": service.name})
        return redirect("network:manage")
    return _manage_page(request, classify_form=form)


@coordinator_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(
        access.teams_managed_by(request.user).select_related("municipality"), pk=pk
    )
    practice = InvitationPractice.objects.filter(team=team).prefetch_related("slots").first()
    candidates = (
        access.professionals_managed_by(request.user)
        .filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("expertise")
        .order_by("name")
    )
    members = set(team.members.values_list("pk", flat=True))
    initial = PracticeForm.initial_slots(practice) if practice else {}
    form = PracticeForm(
        request.POST if request.method == "POST" else None, instance=practice, initial=initial
    )
    model_form = TeamModelForm(request.POST if request.method == "POST" else None, team=team)
    # Both forms are checked, so every problem on the page shows at once.
    if request.method == "POST" and all([form.is_valid(), model_form.is_valid()]):
        allowed = {p.pk for p in candidates} | members
        try:
            save_team(
                actor=request.user,
                team=team,
                member_ids=[
                    pk for i in request.POST.getlist("members") if (pk := object_id(i)) in allowed
                ],
                practice=form.practice(),
                slots=form.slots(),
                model=model_form.model(),
                roles=model_form.roles(),
            )
        except ValidationError as error:
            add_service_errors(model_form if _names_any(error, model_form) else form, error)
        else:
            messages.success(request, _("Tiimin tiedot ja kutsukäytäntö on tallennettu."))
            return redirect("network:team", pk=team.pk)
    return render(
        request,
        "network/team.html",
        {
            "team": team,
            "form": form,
            "model_form": model_form,
            "candidates": candidates,
            "members": members,
            "practice_lines": (describe_practice(practice) if practice else [])
            + describe_team(team),
        },
    )


def _names_any(error: ValidationError, form) -> bool:
    """Whether a service's refusal is about a field of this form."""
    return hasattr(error, "error_dict") and any(f in form.fields for f in error.error_dict)


def _may_add_municipalities(user) -> bool:
    try:
        access.require_may_create_municipality(user, "")
    except PermissionDenied:
        return False
    return True


def _run_import(pending: dict, *, actor, apply: bool):
    data = pending.get("data", "").encode()
    source = pending.get("source", "")
    if pending.get("kind") == "ptv":
        return import_ptv(
            data,
            actor=actor,
            apply=apply,
            source=source,
            add_municipalities=pending.get("add_municipalities", False),
        )
    return import_network(data, actor=actor, apply=apply, source=source)


@coordinator_required
def import_csv(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file (or PTV JSON), preview every row, then import all or nothing."""
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES or None)
    result = None
    if posted and ("confirm" in request.POST or "add_municipalities" in request.POST):
        pending = request.session.pop("network_import", None)
        if not pending:
            form = ImportForm()
            form.add_file_problem(
                _("Esikatselu on vanhentunut tai tiedosto jo tuotu: valitse tiedosto uudelleen.")
            )
            return render(request, "network/import.html", {"form": form, "result": None})
        if "add_municipalities" in request.POST:
            # The administrator adds the municipalities the file names and
            # sees the preview again before anything is written.
            pending["add_municipalities"] = True
        apply = "confirm" in request.POST
        result = _run_import(pending, actor=request.user, apply=apply)
        if result.applied:
            messages.success(request, _("Tiedosto on tuotu."))
            return redirect("network:changes")
        if result.ok:
            request.session["network_import"] = pending
        form = ImportForm()
    elif posted and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = "ptv" if upload.name.lower().endswith(".json") else "csv"
        data = upload.read()
        pending = {
            "kind": kind,
            "data": data.decode("utf-8-sig", errors="replace"),
            # Language-free: the change history shows the file, the date is its own.
            "source": f"{kind.upper()} {upload.name}"[:100],
        }
        result = (import_ptv if kind == "ptv" else import_network)(
            data, actor=request.user, apply=False, source=pending["source"]
        )
        if result.ok:
            request.session["network_import"] = pending
    if result is not None:
        # A fault of the whole file is told next to the file field.
        for line, message in result.errors:
            if line is None:
                form.add_file_problem(message)
    return render(
        request,
        "network/import.html",
        {
            "form": form,
            "result": result,
            "row_errors": [(line, m) for line, m in result.errors if line is not None]
            if result
            else [],
            "may_add_municipalities": _may_add_municipalities(request.user),
        },
    )


@coordinator_required
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        export_network(request.user),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="yhdessa-verkosto.csv"'
    return response


@coordinator_required
def changes(request: HttpRequest) -> HttpResponse:
    entries = access.changes_visible_to(request.user).select_related("actor")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request, "network/changes.html", {"page": page, "rows": change_entries(page.object_list)}
    )


@login_required
def service_map_view(request: HttpRequest) -> HttpResponse:
    """Who offers what in which municipality of the region: gaps and overlaps."""
    form = ServiceMapForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    towns = form.fields["municipality"].queryset
    if filters.get("municipality"):
        towns = towns.filter(pk=filters["municipality"].pk)
    areas, columns, cells = service_map(towns=towns, sector=filters.get("sector", ""))
    rows = [(area, [cells[(area.pk, town.pk)] for town in columns]) for area in areas]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="palvelukartta.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [_("Tehtäväalue"), _("Kunta"), _("Tilanne"), _("Tarjoajia"), _("Tarjoajat")]
        )
        labels = {"gap": _("aukko"), "overlap": _("päällekkäisyys"), "ok": _("katettu")}
        for area, row in rows:
            for town, cell in zip(columns, row, strict=True):
                writer.writerow(
                    [
                        area.name,
                        town.name,
                        labels[cell.status],
                        len(cell.providers),
                        " | ".join(o.name for o in cell.providers),
                    ]
                )
        return response
    return render(
        request,
        "network/service_map.html",
        {
            "form": form,
            "columns": columns,
            "rows": rows,
            "overlap_at": OVERLAP_AT,
            "gaps": sum(c.status == "gap" for c in cells.values()),
            "overlaps": sum(c.status == "overlap" for c in cells.values()),
            "query": request.GET.urlencode(),
        },
    )


REFERENCE_LISTS = {
    "expertise": (Expertise, gettext_lazy("Osaamiset")),
    "task-areas": (TaskArea, gettext_lazy("Perhekeskuksen tehtäväalueet")),
    "concern-topics": (ConcernTopic, gettext_lazy("Huolen aiheet")),
}


@coordinator_required
def reference(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """The editable reference lists: add an entry or rename one in three languages."""
    if kind not in REFERENCE_LISTS:
        raise Http404
    model, title = REFERENCE_LISTS[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    initial = (
        {f: getattr(instance, f) for f in ("code", "name_fi", "name_sv", "name_en", "position")}
        if instance
        else {}
    )
    form = ReferenceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        model=model,
        instance=instance,
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_reference(
                actor=request.user, model=model, instance=instance, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Tallennettu."))
            return redirect("network:reference", kind=kind)
    return render(
        request,
        "network/reference.html",
        {
            "kind": kind,
            "title": title,
            "entries": model.objects.all(),
            "form": form,
            "instance": instance,
            "lists": [(k, t) for k, (_m, t) in REFERENCE_LISTS.items()],
        },
    )
