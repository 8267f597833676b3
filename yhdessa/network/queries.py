import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import (
    LANGUAGES_OF_SERVICE,
    DirectoryChange,
    Expertise,
    FamilyCentreTeam,
    InvitationPractice,
    Organisation,
    Professional,
    TaskArea,
    TeamRole,
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
    "unclassified_services": gettext_lazy("luokittelemattomat palvelut"),
    "not_family_service": gettext_lazy("ei perhekeskuksen palvelu"),
}
# Sources that are codes, not words.
SOURCE_LABELS = {"practice": gettext_lazy("kutsukäytäntö")}
ISO_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})"
    r"(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
SLOT = re.compile(r"^(\d) (\d{2}:\d{2})-(\d{2}:\d{2})$")
# Reference lists and organisations are named in the reader's language.
NAMED_OBJECTS = {
    "expertise": Expertise,
    "taskarea": TaskArea,
    "concerntopic": ("families", "ConcernTopic"),
    "organisation": Organisation,
}


@dataclass
class ChangeEntry:
    change: DirectoryChange
    kind: str  # what was changed, in the reader's language
    name: str  # which one, in the reader's language where it has one
    source: str
    rows: list[tuple[str, str, str]]  # field, old value, new value


def _dates(text: str) -> str:
    """ISO dates (and times) in a text as the reader writes them."""

    def local(match: re.Match) -> str:
        day = parse_date(match.group(1))
        if day is None:
            return match.group(0)
        if match.group(2):
            moment = parse_datetime(match.group(0)) or parse_datetime(
                f"{match.group(1)}T{match.group(2)}"
            )
            if moment is not None:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        return formats.date_format(day, "SHORT_DATE_FORMAT")

    return ISO_DATE.sub(local, text)


class _Names:
    """Codes and ids of the change log as names in the reader's language,
    each list read once for the whole page."""

    def __init__(self, changes: list[DirectoryChange]) -> None:
        expertise = list(Expertise.objects.all())
        task_areas = list(TaskArea.objects.all())
        self.task_areas = {a.code: a.name for a in task_areas}
        self.expertise_by_code = {e.code: e.name for e in expertise}
        self.expertise_by_id = {str(e.pk): e.name for e in expertise}
        self.languages = {code: str(label) for code, label in LANGUAGES_OF_SERVICE}
        self.objects: dict[tuple[str, int], str] = {
            **{("expertise", e.pk): e.name for e in expertise},
            **{("taskarea", a.pk): a.name for a in task_areas},
        }
        for object_type, model in NAMED_OBJECTS.items():
            ids = {c.object_id for c in changes if c.object_type == object_type}
            if not ids or object_type in ("expertise", "taskarea"):
                continue
            if isinstance(model, tuple):
                model = apps.get_model(*model)
            for item in model.objects.filter(pk__in=ids):
                self.objects[(object_type, item.pk)] = str(item)

    def task_area(self, value: str) -> str:
        code, _sep, town = str(value).partition(" / ")
        name = self.task_areas.get(code, code)
        return f"{name} / {town}" if town else name

    def role(self, value: str) -> str:
        kind, _sep, expertise = str(value).partition(":")
        return f"{TeamRole.Kind(kind).label if kind in TeamRole.Kind.values else kind}: " + (
            self.expertise_by_id.get(expertise, expertise)
        )

    @staticmethod
    def slot(value: str) -> str:
        match = SLOT.match(str(value))
        if match is None:
            return str(value)
        weekday, starts, ends = match.groups()
        start = formats.time_format(parse_time(starts), "TIME_FORMAT")
        end = formats.time_format(parse_time(ends), "TIME_FORMAT")
        return f"{WEEKDAYS[int(weekday)]} {start}–{end}"

    def value(self, key: str, value, choices: dict) -> str:
        """One side of a change as the reader reads it."""
        by_key = {
            "expertise": lambda v: self.expertise_by_code.get(v, v),
            "task_areas": self.task_area,
            "roles": self.role,
            "slots": self.slot,
            "languages": lambda v: self.languages.get(v, v),
            "deadline_weekday": lambda v: WEEKDAYS.get(v, v),
        }
        one = by_key.get(key) or (lambda v: choices.get(v, v) if isinstance(v, str) else v)
        if value is None or value == "" or value == []:
            return "–"
        if isinstance(value, bool):
            return str(gettext_lazy("kyllä") if value else gettext_lazy("ei"))
        if isinstance(value, list):
            return ", ".join(_dates(str(one(v))) for v in value)
        return _dates(str(one(value)))


def _models_of(object_type: str) -> list:
    """The model a change is about, and for a team its invitation practice,
    whose fields are logged on the team."""
    for app in ("network", "families", "accounts"):
        try:
            model = apps.get_model(app, object_type)
        except LookupError:
            continue
        return [model, InvitationPractice] if model is FamilyCentreTeam else [model]
    return []


def _field_of(models: list, key: str):
    for model in models:
        try:
            return model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
    return None


def change_entries(changes) -> list[ChangeEntry]:
    """Logged changes as the reader reads them: what was changed, the fields'
    own names, names for codes and ids, and dates as dates, all in the
    reader's language."""
    changes = list(changes)
    if not changes:
        return []
    names = _Names(changes)
    entries = []
    for change in changes:
        models = _models_of(change.object_type)
        rows = []
        for key, (old, new) in change.changes.items():
            field = _field_of(models, key)
            label = CHANGE_LABELS.get(key) or (field.verbose_name if field else key)
            choices = dict(getattr(field, "choices", None) or [])
            rows.append(
                (str(label), names.value(key, old, choices), names.value(key, new, choices))
            )
        entries.append(
            ChangeEntry(
                change=change,
                kind=str(models[0]._meta.verbose_name) if models else change.object_type,
                name=names.objects.get((change.object_type, change.object_id), change.object_repr),
                source=_dates(str(SOURCE_LABELS.get(change.source, change.source))),
                rows=rows,
            )
        )
    return entries
