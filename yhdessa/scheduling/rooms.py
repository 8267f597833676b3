"""Rooms: who may book which, and a meeting's booking kept in step with it.

Booking runs inside the meeting's own transaction. The room's row is locked
first so that a second convener waits and then reads the first booking; the
database constraint (exclusion on PostgreSQL, trigger on SQLite) stands
behind it, so that no path, not even a raw insert, double-books a room."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yhdessa.errors import Conflict
from yhdessa.formats import day_and_time
from yhdessa.network.models import Professional
from yhdessa.scheduling.models import Room, RoomBooking

ROOM_TAKEN = "room_never_double_booked"


def rooms_bookable_by(
    professional: Professional, municipality_id: int, team=None
) -> QuerySet[Room]:
    """The municipality's rooms in use that this professional may book: open
    to all, kept for a team they belong to, or kept for the team they are
    convening (a local worker convening the family centre team books its room)."""
    rule = Q(teams__isnull=True) | Q(teams__members=professional)
    if team is not None:
        rule |= Q(teams=team)
    return (
        Room.objects.filter(municipality_id=municipality_id, is_active=True)
        .filter(rule)
        .distinct()
        .order_by("name")
    )


def bookable_room(professional: Professional, municipality_id: int, room_id, team=None) -> Room:
    room = rooms_bookable_by(professional, municipality_id, team).filter(pk=room_id).first()
    if room is None:
        raise ValidationError(
            {"room": _("Tilaa ei löydy tai sinulla ei ole oikeutta varata sitä.")}
        )
    return room


def _taken_message(room: Room, starts_at) -> str:
    return _("%(room)s on jo varattu ajalle %(when)s. Valitse toinen aika tai tila.") % {
        "room": room.name,
        "when": day_and_time(starts_at),
    }


def book_room(meeting, room: Room) -> RoomBooking:
    """Book the room for the meeting's time; call inside the meeting's transaction."""
    Room.objects.select_for_update().filter(pk=room.pk).first()
    ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    clash = (
        RoomBooking.objects.filter(room=room, starts_at__lt=ends_at, ends_at__gt=meeting.starts_at)
        .exclude(meeting=meeting)
        .first()
    )
    if clash is not None:
        raise Conflict(_taken_message(room, clash.starts_at))
    try:
        with transaction.atomic():
            booking, _created = RoomBooking.objects.update_or_create(
                meeting=meeting,
                defaults={"room": room, "starts_at": meeting.starts_at, "ends_at": ends_at},
            )
    except IntegrityError as error:
        # The constraint's own refusal (a booking committed after our read).
        if ROOM_TAKEN in str(error):
            raise Conflict(_taken_message(room, meeting.starts_at)) from error
        raise
    return booking


def move_booking(meeting) -> RoomBooking | None:
    """The meeting moved: its room moves with it, if the room is free then."""
    booking = RoomBooking.objects.filter(meeting=meeting).select_related("room").first()
    if booking is None:
        return None
    return book_room(meeting, booking.room)


def release_room(meeting) -> None:
    RoomBooking.objects.filter(meeting=meeting).delete()
