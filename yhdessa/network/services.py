"""Writes to the directory. Every change leaves a DirectoryChange row: who,
when, what, and the fields' old and new values.

Every write acts for an actor within the actor's scope (``yhdessa.access``):
a coordinator keeps their own municipality's organisations, people and
teams, whether through a page, an import or a command."""

import copy
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from stdnum.fi import ytunnus

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.accounts.services import end_access
from yhdessa.network.models import (
    LANGUAGE_CODES,
    DirectoryChange,
    FamilyCentreArea,
    FamilyCentreTeam,
    ImportedService,
    InvitationPractice,
    Municipality,
    Organisation,
    Professional,
    Region,
    ServiceOffer,
    SlotWindow,
    TaskArea,
    TeamRole,
)

Actor = User | access.SystemActor


def _require_organisation_in_scope(actor: Actor, organisation: Organisation) -> None:
    if not access.organisations_managed_by(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("Organisaatio %(name)s ei palvele kuntaasi: sen tietoja ylläpitää sen oma kunta.")
            % {"name": organisation.name}
        )


def _require_professional_in_scope(actor: Actor, professional: Professional) -> None:
    if not access.professionals_managed_by(actor).filter(pk=professional.pk).exists():
        raise PermissionDenied(
            _("%(name)s kuuluu toisen kunnan verkostoon: hänen tietojaan ylläpitää se kunta.")
            % {"name": professional.name}
        )


def clean_business_id(value: str) -> str:
    """A y-tunnus in its standard form (1234567-8), or a clear refusal."""
    value = (value or "").strip()
    if not value:
        return ""
    if not ytunnus.is_valid(value):
        raise ValidationError(
            {
                "business_id": _(
                    "Y-tunnus %(value)s ei ole kelvollinen (muoto 1234567-8, tarkistusnumero täsmättävä)."
                )
                % {"value": value}
            }
        )
    return ytunnus.format(value)


def clean_languages(codes: Iterable[str]) -> list[str]:
    codes = [c.strip() for c in codes if c and c.strip()]
    unknown = sorted(set(codes) - LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            {"languages": _("Tuntematon kieli: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return sorted(set(codes))


def _value(instance: models.Model, field: str):
    value = getattr(instance, field)
    if isinstance(value, models.Model):
        return _canonical_str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _canonical_str(instance: models.Model) -> str:
    """A record's name as the log keeps it: in the default language, whoever
    acted (the history page names it in each reader's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(instance)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    return {f: _value(instance, f) for f in fields}


def record_change(
    *,
    actor: Actor,
    instance: models.Model,
    action: str,
    changes: dict | None = None,
    source: str = "",
) -> DirectoryChange:
    if isinstance(actor, access.SystemActor):
        source = f"{actor.label}: {source}" if source else actor.label
    return DirectoryChange.objects.create(
        actor=access.change_actor(actor),
        municipality_id=access.change_municipality_id(actor, instance),
        action=action,
        object_type=instance._meta.model_name,
        object_id=instance.pk,
        object_repr=_canonical_str(instance)[:200],
        changes=changes or {},
        source=source,
    )


def _outcome(creating: bool, changes: dict) -> str:
    return "created" if creating else ("updated" if changes else "unchanged")


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _diff(before: dict, after: dict) -> dict:
    """Field -> [old, new] for what changed; nothing to nothing is no change."""
    return {
        k: [before.get(k), v]
        for k, v in after.items()
        if before.get(k) != v and not (_blank(before.get(k)) and _blank(v))
    }


def _check_email(value: str) -> None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"email": _("Sähköpostiosoite ei ole kelvollinen.")}) from None


class _Problems:
    """Every problem found in a record, by field, so that a form can show
    them all at once next to their fields instead of one per attempt."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.by_field.setdefault(field, []).extend(messages)

    def run(self, check, *args):
        try:
            return check(*args)
        except ValidationError as error:
            self.add(error)
            return None

    def model_check(self, instance: models.Model, exclude: list[str]) -> None:
        """The model's own rules (lengths, choices, constraints) for the
        fields that have no problem yet."""
        try:
            instance.full_clean(exclude=[*exclude, *self.by_field])
        except ValidationError as error:
            self.add(error)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _set_related(manager, ids: list[int], label: str, changes: dict, key: str) -> None:
    """Set a many-to-many relation and note the change by a readable label."""
    old = sorted(manager.values_list(label, flat=True))
    manager.set(ids)
    new = sorted(manager.values_list(label, flat=True))
    if old != new:
        changes[key] = [old, new]


ORGANISATION_FIELDS = [
    "name",
    "name_sv",
    "name_en",
    "sector",
    "business_id",
    "email",
    "phone",
    "address",
    "website",
    "languages",
    "ptv_id",
]
PROFESSIONAL_FIELDS = [
    "name",
    "title",
    "organisation",
    "municipality",
    "email",
    "phone",
    "languages",
    "is_active",
]


def _apply(instance: models.Model, data: dict, fields: list[str]) -> None:
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def check_organisation(*, organisation: Organisation | None, data: dict) -> dict:
    """An organisation's data in its standard form, or a ValidationError
    naming every problem at once. The form runs it too, so the coordinator
    sees all problems on the first try."""
    problems = _Problems()
    data = dict(data)
    data["business_id"] = problems.run(clean_business_id, data.get("business_id", "")) or ""
    if "languages" in data:
        data["languages"] = problems.run(clean_languages, data["languages"]) or []
    if not (data.get("name") or getattr(organisation, "name", "") or "").strip():
        problems.add(ValidationError({"name": _("Anna organisaation nimi.")}))
    if "sector" in data and data["sector"] not in Organisation.Sector.values:
        problems.add(ValidationError({"sector": _("Valitse sektori.")}))
    problems.run(_check_email, data.get("email", ""))
    clash = Organisation.objects.filter(business_id=data["business_id"]).exclude(
        pk=getattr(organisation, "pk", None)
    )
    if data["business_id"] and clash.exists():
        problems.add(
            ValidationError({"business_id": _("Y-tunnus on jo toisella organisaatiolla.")})
        )
    candidate = copy.copy(organisation) if organisation is not None else Organisation()
    _apply(candidate, data, ORGANISATION_FIELDS)
    problems.model_check(candidate, exclude=["municipalities", "areas"])
    problems.raise_any()
    return data


@transaction.atomic
def save_organisation(
    *,
    actor: Actor,
    organisation: Organisation | None,
    data: dict,
    municipality_ids: list[int] | None = None,
    area_ids: list[int] | None = None,
    source: str = "",
) -> tuple[Organisation, str]:
    """Create or update an organisation; says whether it was created,
    updated or left unchanged (what an import counts). A coordinator ties
    an organisation to their own municipality or unties it; the other
    municipalities it serves stay as they are."""
    scope = access.directory_scope(actor)
    if organisation is not None:
        _require_organisation_in_scope(actor, organisation)
    if scope is not None and municipality_ids is not None:
        old = (
            set(organisation.municipalities.values_list("pk", flat=True)) if organisation else set()
        )
        if (set(municipality_ids) ^ old) - {scope}:
            raise PermissionDenied(
                _(
                    "Voit liittää organisaation vain omaan kuntaasi tai poistaa sen siitä; "
                    "muiden kuntien tietoja ylläpitävät kunnat itse."
                )
            )
    if scope is not None and area_ids is not None:
        old = set(organisation.areas.values_list("pk", flat=True)) if organisation else set()
        changed = set(area_ids) ^ old
        if FamilyCentreArea.objects.filter(pk__in=changed).exclude(municipality_id=scope).exists():
            raise PermissionDenied(_("Voit valita vain oman kuntasi perhekeskusalueita."))
    data = check_organisation(organisation=organisation, data=data)
    creating = organisation is None
    organisation = organisation or Organisation()
    before = {} if creating else snapshot(organisation, ORGANISATION_FIELDS)
    _apply(organisation, data, ORGANISATION_FIELDS)
    organisation.save()
    changes = _diff(before, snapshot(organisation, ORGANISATION_FIELDS))
    if area_ids is not None:
        _set_related(organisation.areas, area_ids, "name", changes, "areas")
    if municipality_ids is not None:
        _set_related(
            organisation.municipalities, municipality_ids, "name", changes, "municipalities"
        )
    if creating or changes:
        record_change(
            actor=actor,
            instance=organisation,
            changes=changes,
            source=source,
            action=DirectoryChange.Action.CREATED if creating else DirectoryChange.Action.UPDATED,
        )
    return organisation, _outcome(creating, changes)


def check_professional(*, professional: Professional | None, data: dict) -> dict:
    """A professional's data cleaned, or a ValidationError naming every
    problem at once."""
    problems = _Problems()
    data = dict(data)
    if "languages" in data:
        data["languages"] = problems.run(clean_languages, data["languages"]) or []
    if not (data.get("name") or getattr(professional, "name", "") or "").strip():
        problems.add(ValidationError({"name": _("Anna ammattilaisen nimi.")}))
    problems.run(_check_email, data.get("email", ""))
    if data.get("email") and "email" not in problems.by_field:
        clash = Professional.objects.filter(email__iexact=data["email"]).exclude(
            pk=getattr(professional, "pk", None)
        )
        if clash.exists():
            problems.add(
                ValidationError({"email": _("Sähköpostiosoite on jo toisella ammattilaisella.")})
            )
    candidate = copy.copy(professional) if professional is not None else Professional()
    _apply(candidate, data, PROFESSIONAL_FIELDS)
    problems.model_check(candidate, exclude=["user", "expertise"])
    problems.raise_any()
    return data


@transaction.atomic
def save_professional(
    *,
    actor: Actor,
    professional: Professional | None,
    data: dict,
    expertise_ids: list[int] | None = None,
    source: str = "",
) -> tuple[Professional, str]:
    """Create or update a professional; says created, updated or unchanged.
    A coordinator keeps the professionals of their own municipality; someone
    who leaves (deactivated) loses all access at once."""
    scope = access.directory_scope(actor)
    if professional is not None:
        _require_professional_in_scope(actor, professional)
    town = data.get("municipality", getattr(professional, "municipality", None))
    if scope is not None and getattr(town, "pk", town) != scope:
        raise PermissionDenied(_("Voit lisätä ja muuttaa vain oman kuntasi ammattilaisia."))
    data = check_professional(professional=professional, data=data)
    creating = professional is None
    professional = professional or Professional()
    before = {} if creating else snapshot(professional, PROFESSIONAL_FIELDS)
    _apply(professional, data, PROFESSIONAL_FIELDS)
    professional.save()
    changes = _diff(before, snapshot(professional, PROFESSIONAL_FIELDS))
    if expertise_ids is not None:
        _set_related(professional.expertise, expertise_ids, "code", changes, "expertise")
    if creating or changes:
        action = (
            DirectoryChange.Action.CREATED
            if creating
            else (
                DirectoryChange.Action.DEACTIVATED
                if changes.get("is_active") == [True, False]
                else DirectoryChange.Action.UPDATED
            )
        )
        record_change(
            actor=actor, instance=professional, changes=changes, action=action, source=source
        )
    if changes.get("is_active") == [True, False]:
        end_access(user_id=professional.user_id)
    return professional, _outcome(creating, changes)


@transaction.atomic
def set_team_members(
    *, actor: Actor, team: FamilyCentreTeam, member_ids: list[int], source: str = ""
) -> None:
    access.require_coordinator_of(actor, team.municipality_id)
    current = set(team.members.values_list("pk", flat=True))
    allowed = current | set(
        access.professionals_managed_by(actor).filter(is_active=True).values_list("pk", flat=True)
    )
    if set(member_ids) - allowed:
        raise PermissionDenied(_("Tiimiin voi lisätä vain oman kuntasi aktiivisia ammattilaisia."))
    old = sorted(team.members.values_list("name", flat=True))
    team.members.set(member_ids)
    new = sorted(team.members.values_list("name", flat=True))
    if old != new:
        record_change(
            actor=actor,
            instance=team,
            action=DirectoryChange.Action.UPDATED,
            changes={"members": [old, new]},
            source=source,
        )


# The field each deadline rule reads; under another rule it does not apply.
DEADLINE_FIELDS = {
    InvitationPractice.DeadlineRule.WEEKDAY_OF_PREVIOUS_WEEK.value: "deadline_weekday",
    InvitationPractice.DeadlineRule.WORKING_DAYS_BEFORE.value: "deadline_working_days",
}
PRACTICE_FIELDS = [
    "by_email",
    "by_sms",
    "by_phone",
    "deadline_rule",
    "deadline_weekday",
    "deadline_working_days",
    "default_duration_minutes",
    "default_place",
    "instructions",
]


@transaction.atomic
def save_practice(
    *,
    actor: Actor,
    team: FamilyCentreTeam,
    data: dict,
    slots: list[tuple[int, object, object]],
) -> InvitationPractice:
    """The team's invitation practice and its weekly slot windows."""
    access.require_coordinator_of(actor, team.municipality_id)
    for weekday, starts, ends in slots:
        if not 0 <= weekday <= 6 or not starts or not ends or ends <= starts:
            raise ValidationError(
                {"slots": _("Aikaikkunan loppu pitää olla sen alun jälkeen samana päivänä.")}
            )
    practice = InvitationPractice.objects.filter(team=team).first()
    creating = practice is None
    practice = practice or InvitationPractice(team=team)
    before = {} if creating else snapshot(practice, PRACTICE_FIELDS)
    before_slots = [] if creating else [str(s) for s in practice.slots.all()]
    rule = data.get("deadline_rule", practice.deadline_rule)
    # The field of a rule not chosen is ignored: its saved value stays.
    data = {
        k: v
        for k, v in data.items()
        if k not in DEADLINE_FIELDS.values() or DEADLINE_FIELDS.get(rule) == k
    }
    _apply(practice, data, PRACTICE_FIELDS)
    practice.full_clean(exclude=["team"])
    practice.save()
    practice.slots.all().delete()
    SlotWindow.objects.bulk_create(
        SlotWindow(practice=practice, weekday=w, starts=s, ends=e) for w, s, e in slots
    )
    changes = _diff(before, snapshot(practice, PRACTICE_FIELDS))
    after_slots = [str(s) for s in practice.slots.all()]
    if before_slots != after_slots:
        changes["slots"] = [before_slots, after_slots]
    if creating or changes:
        record_change(
            actor=actor,
            instance=team,
            changes=changes,
            action=DirectoryChange.Action.UPDATED
            if not creating
            else DirectoryChange.Action.CREATED,
            source="practice",
        )
    return practice


def _create_named(
    *, actor: Actor, model, name: str, municipality_id: int, missing: str, taken: str
):
    """A team or an area: a name unique within the municipality."""
    access.require_coordinator_of(actor, municipality_id)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": missing})
    if model.objects.filter(name__iexact=name, municipality_id=municipality_id).exists():
        raise ValidationError({"name": taken})
    item = model.objects.create(name=name, municipality_id=municipality_id)
    record_change(actor=actor, instance=item, action=DirectoryChange.Action.CREATED)
    return item


@transaction.atomic
def create_team(*, actor: Actor, name: str, municipality_id: int) -> FamilyCentreTeam:
    return _create_named(
        actor=actor,
        model=FamilyCentreTeam,
        name=name,
        municipality_id=municipality_id,
        missing=_("Anna tiimille nimi (enintään 200 merkkiä)."),
        taken=_("Kunnassa on jo tämän niminen tiimi."),
    )


@transaction.atomic
def set_offers(
    *, actor: Actor, organisation: Organisation, task_area_ids: list[int], source: str = ""
) -> None:
    """The task areas an organisation offers, in every municipality it serves
    (a coordinator: in their own municipality)."""
    scope = access.directory_scope(actor)
    _require_organisation_in_scope(actor, organisation)
    towns = list(organisation.municipalities.values_list("pk", flat=True))
    offers = organisation.offers.all()
    if scope is not None:
        towns = [t for t in towns if t == scope]
        offers = offers.filter(municipality_id=scope)
    old = sorted(set(offers.values_list("task_area__code", flat=True)))
    offers.exclude(task_area_id__in=task_area_ids).delete()
    offers.exclude(municipality_id__in=towns).delete()
    existing = set(offers.values_list("task_area_id", "municipality_id"))
    ServiceOffer.objects.bulk_create(
        ServiceOffer(organisation=organisation, task_area_id=t, municipality_id=m)
        for t in task_area_ids
        for m in towns
        if (t, m) not in existing
    )
    new = sorted(set(offers.values_list("task_area__code", flat=True)))
    if old != new:
        record_change(
            actor=actor,
            instance=organisation,
            action=DirectoryChange.Action.UPDATED,
            changes={"task_areas": [old, new]},
            source=source,
        )


@transaction.atomic
def save_team(
    *,
    actor: Actor,
    team: FamilyCentreTeam,
    member_ids: list[int],
    practice: dict,
    slots: list[tuple],
    model: dict | None = None,
    roles: dict[str, list[int]] | None = None,
) -> None:
    """Members, model, roles and practice together: a refusal changes nothing."""
    set_team_members(actor=actor, team=team, member_ids=member_ids)
    if model is not None:
        before = snapshot(team, ["kind", "target_max_child_age", "area"])
        age = model.get("target_max_child_age")
        if age is not None and not 1 <= age <= 29:
            raise ValidationError({"target_max_child_age": _("Ikärajan pitää olla 1–29 vuotta.")})
        area = model.get("area")
        if area is not None and area.municipality_id != team.municipality_id:
            raise ValidationError({"area": _("Alueen pitää olla tiimin kunnassa.")})
        team.kind, team.target_max_child_age, team.area = model["kind"], age, area
        team.save(update_fields=["kind", "target_max_child_age", "area"])
        changes = _diff(before, snapshot(team, ["kind", "target_max_child_age", "area"]))
        if changes:
            record_change(
                actor=actor, instance=team, action=DirectoryChange.Action.UPDATED, changes=changes
            )
    if roles is not None:
        chosen = [(kind, e) for kind, ids in roles.items() for e in ids]
        if len({e for _kind, e in chosen}) != len(chosen):
            raise ValidationError({"roles": _("Sama osaaminen voi olla vain yhdessä roolissa.")})
        old = sorted(f"{r.kind}:{r.expertise_id}" for r in team.roles.all())
        team.roles.all().delete()
        TeamRole.objects.bulk_create(TeamRole(team=team, kind=k, expertise_id=e) for k, e in chosen)
        new = sorted(f"{k}:{e}" for k, e in chosen)
        if old != new:
            record_change(
                actor=actor,
                instance=team,
                action=DirectoryChange.Action.UPDATED,
                changes={"roles": [old, new]},
            )
    save_practice(actor=actor, team=team, data=practice, slots=slots)


@transaction.atomic
def create_area(*, actor: Actor, name: str, municipality_id: int) -> FamilyCentreArea:
    return _create_named(
        actor=actor,
        model=FamilyCentreArea,
        name=name,
        municipality_id=municipality_id,
        missing=_("Anna alueelle nimi (enintään 200 merkkiä)."),
        taken=_("Kunnassa on jo tämän niminen alue."),
    )


REFERENCE_FIELDS = ["code", "name_fi", "name_sv", "name_en", "position"]


def check_reference(*, model, instance, data: dict) -> None:
    """A reference list entry's problems, all at once: a Finnish name, and a
    new, unique code for a new entry."""
    problems = _Problems()
    if not (data.get("name_fi") or "").strip():
        problems.add(ValidationError({"name_fi": _("Anna nimi suomeksi.")}))
    if instance is None:
        code = (data.get("code") or "").strip()
        if not code or model.objects.filter(code=code).exists():
            problems.add(
                ValidationError(
                    {
                        "code": _(
                            "Anna uusi, yksilöllinen koodi (pienet kirjaimet, numerot ja alaviivat)."
                        )
                    }
                )
            )
    problems.raise_any()


@transaction.atomic
def save_reference(*, actor: Actor, model, instance, data: dict):
    """Add or rename an entry of an editable reference list (expertise, task
    areas, concern topics). Codes stay once given: rows elsewhere point at them.
    The lists are shared by every municipality."""
    access.directory_scope(actor)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    check_reference(model=model, instance=instance, data=data)
    creating = instance is None
    if creating:
        instance = model(code=data["code"])
    before = {} if creating else snapshot(instance, REFERENCE_FIELDS)
    for field in ("name_fi", "name_sv", "name_en", "position"):
        if field in data and data[field] is not None:
            setattr(instance, field, data[field])
    instance.full_clean()
    instance.save()
    changes = _diff(before, snapshot(instance, REFERENCE_FIELDS))
    if creating or changes:
        record_change(
            actor=actor,
            instance=instance,
            changes=changes,
            action=DirectoryChange.Action.CREATED if creating else DirectoryChange.Action.UPDATED,
        )
    return instance


@transaction.atomic
def add_team_member(
    *, actor: Actor, team: FamilyCentreTeam, professional: Professional, source: str = ""
) -> bool:
    """Add one member (imports add row by row); False when already a member."""
    access.require_coordinator_of(actor, team.municipality_id)
    _require_professional_in_scope(actor, professional)
    if team.members.filter(pk=professional.pk).exists():
        return False
    team.members.add(professional)
    record_change(
        actor=actor,
        instance=team,
        action=DirectoryChange.Action.UPDATED,
        changes={"members": [None, f"+ {professional.name}"]},
        source=source,
    )
    return True


@transaction.atomic
def set_region(*, actor: Actor, municipality: Municipality, region_name: str) -> Region:
    """Place a municipality in its wellbeing services county (by name; a new
    name creates the county), so that the service map and reports follow it."""
    access.require_coordinator_of(actor, municipality.pk)
    name = (region_name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"region": _("Anna hyvinvointialueen nimi.")})
    region = Region.objects.filter(name__iexact=name).first() or Region.objects.create(name=name)
    if municipality.region_id != region.pk:
        old = str(municipality.region) if municipality.region_id else None
        municipality.region = region
        municipality.save(update_fields=["region"])
        record_change(
            actor=actor,
            instance=municipality,
            action=DirectoryChange.Action.UPDATED,
            changes={"region": [old, region.name]},
        )
    return region


@transaction.atomic
def add_offer(
    *,
    actor: Actor,
    organisation: Organisation,
    task_area,
    municipality: Municipality,
    description: str = "",
    source: str = "",
) -> bool:
    """One service map entry (an import adds them one by one); False when it
    was there already."""
    access.require_coordinator_of(actor, municipality.pk)
    _require_organisation_in_scope(actor, organisation)
    _offer, created = ServiceOffer.objects.get_or_create(
        organisation=organisation,
        task_area=task_area,
        municipality=municipality,
        defaults={"description": description[:300]},
    )
    if created:
        record_change(
            actor=actor,
            instance=organisation,
            action=DirectoryChange.Action.IMPORTED,
            changes={"task_areas": [None, f"{task_area.code} / {municipality.name}"]},
            source=source,
        )
    return created


@transaction.atomic
def create_municipality(*, actor: Actor, name: str, source: str = "") -> Municipality:
    """A new municipality: only the system administrator adds one."""
    name = (name or "").strip()
    access.require_may_create_municipality(actor, name)
    if not name or len(name) > 200:
        raise ValidationError({"name": _("Anna kunnan nimi (enintään 200 merkkiä).")})
    town = Municipality.objects.filter(name__iexact=name).first()
    if town is not None:
        return town
    town = Municipality.objects.create(name=name)
    record_change(actor=actor, instance=town, action=DirectoryChange.Action.CREATED, source=source)
    return town


@transaction.atomic
def keep_imported_service(
    *,
    actor: Actor,
    organisation: Organisation,
    municipality: Municipality,
    name: str,
    ptv_id: str = "",
    source: str = "",
) -> tuple[ImportedService, bool]:
    """Keep a service whose task area an import could not tell, for the
    coordinator to classify; True when it is new."""
    access.require_coordinator_of(actor, municipality.pk)
    _require_organisation_in_scope(actor, organisation)
    service, created = ImportedService.objects.get_or_create(
        organisation=organisation,
        municipality=municipality,
        name=name.strip()[:300],
        defaults={"ptv_id": ptv_id[:36]},
    )
    if created:
        record_change(
            actor=actor,
            instance=organisation,
            action=DirectoryChange.Action.IMPORTED,
            changes={"unclassified_services": [None, f"{service.name} / {municipality.name}"]},
            source=source,
        )
    return service, created


@transaction.atomic
def classify_service(
    *, actor: Actor, service_id: int, task_area: TaskArea | None
) -> ImportedService:
    """The coordinator's choice for an imported service: a task area (it goes
    on the service map) or none (it is no family centre service)."""
    service = (
        access.imported_services_managed_by(actor)
        .select_for_update()
        .select_related("organisation", "municipality")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise PermissionDenied(_("Palvelu ei ole kuntasi palvelu, tai se on poistettu."))
    if service.is_classified:
        raise ValidationError({"task_area": _("Palvelu on jo luokiteltu.")})
    if task_area is None:
        service.not_family_service = True
        changes = {"not_family_service": [None, service.name]}
    else:
        service.task_area = task_area
        ServiceOffer.objects.get_or_create(
            organisation=service.organisation,
            task_area=task_area,
            municipality=service.municipality,
            defaults={"description": service.name},
        )
        changes = {"task_areas": [None, f"{task_area.code} / {service.municipality.name}"]}
    service.save(update_fields=["task_area", "not_family_service"])
    record_change(
        actor=actor,
        instance=service.organisation,
        action=DirectoryChange.Action.UPDATED,
        changes=changes,
        source=service.name,
    )
    return service
