from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import (
    DirectoryChange,
    Expertise,
    FamilyCentreTeam,
    Professional,
)


def teams_of(municipality_id: int) -> QuerySet[FamilyCentreTeam]:
    """The family centre teams a convener in a municipality can choose from."""
    return (
        FamilyCentreTeam.objects.filter(municipality_id=municipality_id)
        .select_related("practice", "area")
        .prefetch_related("roles__expertise", "practice__slots")
        .order_by("pk")
    )


def team_for(municipality_id: int, team_id: int | None = None) -> FamilyCentreTeam | None:
    """The chosen team of the municipality, or its first one."""
    teams = teams_of(municipality_id)
    return teams.filter(pk=team_id).first() if team_id else teams.first()


def professionals_with_expertise() -> QuerySet[Professional]:
    return Professional.objects.select_related("organisation").prefetch_related(
        Prefetch("expertise", queryset=Expertise.objects.order_by("position"))
    )


def teams_invitable_by(user: User) -> QuerySet[FamilyCentreTeam]:
    professional = access.acting_professional(user)
    municipality_id = (
        professional.municipality_id if professional else access.coordinated_municipality_id(user)
    )
    if municipality_id is None:
        return FamilyCentreTeam.objects.none()
    return (
        FamilyCentreTeam.objects.filter(municipality_id=municipality_id)
        .select_related("municipality", "practice")
        .prefetch_related(
            Prefetch("members", queryset=professionals_with_expertise().filter(is_active=True)),
            "practice__slots",
            "roles__expertise",
        )
    )


def search_professionals(
    *,
    q: str = "",
    expertise: str = "",
    municipality_id: int | None = None,
    area_id: int | None = None,
    language: str = "",
    sector: str = "",
) -> QuerySet[Professional]:
    """ "Who offers what here": active professionals by expertise, place, language
    and sector, across organisation lines."""
    people = professionals_with_expertise().filter(is_active=True).select_related("municipality")
    if q:
        people = people.filter(
            Q(name__icontains=q) | Q(title__icontains=q) | Q(organisation__name__icontains=q)
        )
    if expertise:
        people = people.filter(expertise__code=expertise)
    if municipality_id:
        people = people.filter(municipality_id=municipality_id)
    if area_id:
        # Someone serves an area through their team there or their organisation's work.
        people = people.filter(Q(teams__area_id=area_id) | Q(organisation__areas=area_id))
    if language:
        # JSON containment is not portable to SQLite; the code is a short token.
        people = people.filter(languages__icontains=f'"{language}"')
    if sector:
        people = people.filter(organisation__sector=sector)
    return people.order_by("name").distinct()


# Change-log keys that are not fields of the changed model.
CHANGE_LABELS = {
    "task_areas": gettext_lazy("perhekeskuksen tehtäväalueet"),
    "roles": gettext_lazy("tiimin roolit"),
    "slots": gettext_lazy("aikaikkunat"),
}


def _plain(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(gettext_lazy("kyllä") if value else gettext_lazy("ei"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _choice(choices: dict, value):
    """A choice's label for a plain value (lists and numbers stay as they are)."""
    return choices.get(value, value) if isinstance(value, str) else value


def change_rows(change: DirectoryChange) -> list[tuple[str, str, str]]:
    """A logged change as the coordinator reads it: the field's own name in
    the user's language, and plain values."""
    model = None
    for app in ("network", "families"):
        try:
            model = apps.get_model(app, change.object_type)
            break
        except LookupError:
            continue
    rows = []
    for key, (old, new) in change.changes.items():
        label, choices = CHANGE_LABELS.get(key), {}
        if label is None and model is not None:
            try:
                field = model._meta.get_field(key)
                label, choices = field.verbose_name, dict(field.choices or [])
            except FieldDoesNotExist:
                label = key
        rows.append(
            (str(label or key), _plain(_choice(choices, old)), _plain(_choice(choices, new)))
        )
    return rows
