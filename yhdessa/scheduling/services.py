"""A professional's absences, and the rooms a coordinator keeps."""

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import FamilyCentreTeam
from yhdessa.privacy import check_no_identity_codes, identity_code_errors
from yhdessa.scheduling.models import Absence, Room

# How far ahead an absence may reach: the slot finder looks 120 days ahead,
# a year's part-time pattern is the longest a person would enter.
MAX_ABSENCE_DAYS = 400
MAX_ABSENCES = 200


@transaction.atomic
def add_absence(
    *,
    actor: User,
    kind: str,
    starts_on: date,
    ends_on: date,
    from_time: time | None = None,
    to_time: time | None = None,
    weekdays: list[int] | None = None,
    today: date | None = None,
) -> Absence:
    """Record an absence of the actor's own. Only times are kept: the reason
    is one of four kinds, never a free text."""
    professional = access.require_own_availability(actor)
    today = today or timezone.localdate()
    weekdays = sorted(set(weekdays or []))
    errors = {}
    if kind not in Absence.Kind.values:
        errors["kind"] = _("Valitse poissaolon syy.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Päättymispäivä on ennen alkamispäivää.")
    elif (ends_on - starts_on).days > MAX_ABSENCE_DAYS:
        errors["ends_on"] = _("Poissaolo voi olla enintään %(n)d päivää.") % {"n": MAX_ABSENCE_DAYS}
    elif ends_on < today:
        errors["ends_on"] = _("Poissaolo on jo mennyt.")
    elif starts_on > today + timedelta(days=2 * 366):
        errors["starts_on"] = _("Poissaolo voi alkaa enintään kahden vuoden päästä.")
    if (from_time is None) != (to_time is None):
        errors["to_time"] = _("Anna sekä alkamis- että päättymiskellonaika, tai ei kumpaakaan.")
    elif from_time is not None and from_time >= to_time:
        errors["to_time"] = _("Päättymiskellonaika on ennen alkamista.")
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
        errors["weekdays"] = _("Tuntematon viikonpäivä.")
    elif (
        weekdays
        and "ends_on" not in errors
        and not any(
            (starts_on + timedelta(days=i)).weekday() in weekdays
            for i in range(min((ends_on - starts_on).days + 1, 7))
        )
    ):
        # A weekly day off with no day of its own in the range blocks nothing.
        errors["ends_on"] = _(
            "Välillä ei ole yhtään valittua viikonpäivää. Anna toistuvalle poissaololle "
            "päättymispäivä."
        )
    # Locked: two tabs adding at once cannot pass the limit together.
    type(professional).objects.select_for_update().filter(pk=professional.pk).first()
    if (
        Absence.objects.filter(professional=professional, ends_on__gte=today).count()
        >= MAX_ABSENCES
    ):
        errors["kind"] = _("Poissaoloja on jo enintään %(n)d.") % {"n": MAX_ABSENCES}
    if errors:
        raise ValidationError(errors)
    return Absence.objects.create(
        professional=professional,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        from_time=from_time,
        to_time=to_time,
        weekdays=weekdays,
    )


@transaction.atomic
def remove_absence(*, actor: User, absence_id: int) -> bool:
    """Remove an absence of one's own; someone else's is not found."""
    professional = access.require_own_availability(actor)
    deleted, _rows = Absence.objects.filter(pk=absence_id, professional=professional).delete()
    return bool(deleted)


def meetings_during(absence: Absence, now=None) -> list:
    """The coming meetings the absent person is at the table of, during the absence."""
    from yhdessa.meetings.queries import busy_meetings
    from yhdessa.scheduling.availability import absence_intervals

    now = now or timezone.now()
    found = {}
    for start, end in absence_intervals(absence, absence.starts_on, absence.ends_on)[:400]:
        if end <= now:
            continue
        for _person, meeting in busy_meetings(
            [absence.professional_id], starts_at=start, ends_at=end
        ):
            found[meeting.pk] = meeting
    return sorted(found.values(), key=lambda m: m.starts_at)


def upcoming_absences(professional, today: date | None = None):
    today = today or timezone.localdate()
    return Absence.objects.filter(professional=professional, ends_on__gte=today)


def absence_text(absence: Absence) -> str:
    """The absence in words: its days, weekdays and hours."""
    from django.utils import formats
    from django.utils.dates import WEEKDAYS

    first = formats.date_format(absence.starts_on, "SHORT_DATE_FORMAT")
    last = formats.date_format(absence.ends_on, "SHORT_DATE_FORMAT")
    days = first if absence.starts_on == absence.ends_on else f"{first}–{last}"
    parts = [str(absence.get_kind_display()), days]
    if absence.weekdays:
        parts.append(", ".join(str(WEEKDAYS[d]) for d in absence.weekdays))
    if absence.from_time:
        from yhdessa.formats import time_of_day

        parts.append(time_of_day(absence.from_time, absence.to_time))
    else:
        parts.append(_("koko päivä"))
    return " · ".join(parts)


# ---- rooms --------------------------------------------------------------------


@transaction.atomic
def save_room(
    *,
    actor: User,
    room: Room | None = None,
    name: str,
    address: str,
    capacity: int,
    accessibility: str = "",
    is_active: bool = True,
    team_ids: list[int] | None = None,
) -> Room:
    """Add or change a room of the coordinator's own municipality."""
    town = access.require_rooms_manager(actor)
    if room is not None:
        room = access.rooms_managed_by(actor).select_for_update().filter(pk=room.pk).first()
        if room is None:
            raise ValidationError({"name": _("Tilaa ei löydy.")})
    name, address, accessibility = (
        (name or "").strip(),
        (address or "").strip(),
        (accessibility or "").strip(),
    )
    errors = {}
    if not name:
        errors["name"] = _("Anna tilalle nimi.")
    if not address:
        errors["address"] = _("Anna tilan osoite.")
    for field, text in (("name", name), ("address", address), ("accessibility", accessibility)):
        limit = Room._meta.get_field(field).max_length
        if len(text) > limit:
            errors[field] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {"n": limit}
    if not 1 <= (capacity or 0) <= 500:
        errors["capacity"] = _("Henkilömäärän pitää olla 1–500.")
    errors.update(identity_code_errors(name=name, address=address, accessibility=accessibility))
    teams = list(FamilyCentreTeam.objects.filter(municipality_id=town, pk__in=team_ids or []))
    if len(teams) != len(set(team_ids or [])):
        errors["teams"] = _("Tiimien pitää olla oman kuntasi tiimejä.")
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(name=name, address=address, accessibility=accessibility)
    room = room or Room(municipality_id=town)
    room.name, room.address, room.capacity = name, address, capacity
    room.accessibility, room.is_active = accessibility, is_active
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError as error:
        raise ValidationError({"name": _("Kunnassa on jo tämän niminen tila.")}) from error
    room.teams.set(teams)
    return room


def future_bookings(room: Room, now=None):
    now = now or timezone.now()
    return room.bookings.filter(ends_at__gt=now).select_related("meeting").order_by("starts_at")
