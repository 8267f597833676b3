"""A room is never double-booked: the service refuses in the reader's words,
and the database itself refuses (exclusion constraint on PostgreSQL, trigger
on SQLite), so that two conveners confirming at once cannot both win."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from conftest import concern_for, meeting_for, next_thursday_at, together
from yhdessa.errors import Conflict
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import cancel_meeting, convene_meeting, reschedule_meeting
from yhdessa.scheduling.models import Room, RoomBooking


@pytest.fixture
def room(network):
    return Room.objects.create(
        municipality=network.town,
        name="Perhekeskuksen neuvotteluhuone",
        address="Koulukatu 1",
        capacity=8,
        accessibility="Esteetön sisäänkäynti pihan puolelta",
    )


def _convene(network, room, starts, **kw):
    return convene_meeting(
        actor=network.convener,
        concern=kw.pop("concern", None) or concern_for(network.convener),
        starts_at=starts,
        duration_minutes=90,
        place="",
        invitee_ids=[network.people["mikko"].pk],
        room_id=room.pk,
        confirm_double_booking=True,
        **kw,
    )


@pytest.mark.django_db
def test_a_booked_room_is_the_place_and_a_clash_is_refused(network, room):
    starts = next_thursday_at(8)
    meeting = _convene(network, room, starts)
    assert meeting.place == "Perhekeskuksen neuvotteluhuone, Koulukatu 1"
    assert meeting.room_booking.room == room
    with pytest.raises(Conflict, match="on jo varattu"):
        _convene(network, room, starts + timedelta(minutes=60))
    assert Meeting.objects.count() == 1
    # Back to back is fine: the ranges are half-open.
    _convene(network, room, starts + timedelta(minutes=90))
    assert RoomBooking.objects.count() == 2


@pytest.mark.django_db
def test_moving_into_a_clash_is_refused_and_cancelling_frees_the_room(network, room):
    first = _convene(network, room, next_thursday_at(8))
    second = _convene(network, room, next_thursday_at(8, weeks=4))
    with pytest.raises(Conflict):
        reschedule_meeting(
            actor=network.convener,
            meeting=second,
            starts_at=first.starts_at + timedelta(minutes=30),
            duration_minutes=90,
            place=second.place,
            confirm_double_booking=True,
        )
    second.refresh_from_db()
    assert second.starts_at == next_thursday_at(8, weeks=4) and second.sequence == 0
    cancel_meeting(actor=network.convener, meeting=first)
    moved = reschedule_meeting(
        actor=network.convener,
        meeting=second,
        starts_at=first.starts_at,
        duration_minutes=90,
        place=second.place,
        confirm_double_booking=True,
    )
    assert moved.room_booking.starts_at == first.starts_at


@pytest.mark.django_db
def test_a_room_of_another_team_or_town_cannot_be_booked(network, room):
    room.teams.set([network.team2])
    with pytest.raises(Exception, match="Tilaa ei löydy"):
        _convene(network, room, next_thursday_at(8))
    other = Room.objects.create(
        municipality=network.town2, name="Koivurannan sali", address="Tie 2", capacity=20
    )
    with pytest.raises(Exception, match="Tilaa ei löydy"):
        _convene(network, other, next_thursday_at(8))
    assert Meeting.objects.count() == 0


@pytest.mark.django_db
def test_the_database_itself_refuses_an_overlapping_booking(network, room):
    meeting = meeting_for(network)
    other = meeting_for(network, starts_at=meeting.starts_at)
    RoomBooking.objects.create(
        room=room, meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        # Past the service: a raw insert of the same hour.
        RoomBooking.objects.create(
            room=room,
            meeting=other,
            starts_at=meeting.starts_at + timedelta(minutes=30),
            ends_at=meeting.ends_at + timedelta(minutes=30),
        )
    booking = RoomBooking.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomBooking.objects.create(
            room=room,
            meeting=other,
            starts_at=meeting.ends_at,
            ends_at=meeting.ends_at + timedelta(hours=1),
        )
        # Moving the first one onto the second by an update is refused too.
        RoomBooking.objects.filter(pk=booking.pk).update(
            ends_at=meeting.ends_at + timedelta(minutes=1)
        )


@pytest.mark.django_db(transaction=True)
def test_two_conveners_confirming_the_same_room_at_once_one_wins(network, room):
    starts = next_thursday_at(8)
    concerns = [concern_for(network.convener, alias=f"Perhe {i}") for i in range(2)]

    def book(concern):
        def run():
            try:
                return _convene(network, room, starts, concern=concern).pk
            except Conflict as error:
                return error.message

        return run

    results = together(book(concerns[0]), book(concerns[1]))
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, str)]
    assert len(won) == 1 and len(lost) == 1 and "on jo varattu" in lost[0], results
    assert RoomBooking.objects.count() == 1 == Meeting.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conname = 'room_never_double_booked'"
            )
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_a_teams_room_is_booked_by_whoever_convenes_that_team(network, room):
    # Sanna is a local worker, not a member: convening the team, she books its room.
    room.teams.set([network.team])
    meeting = _convene(network, room, next_thursday_at(8))
    assert meeting.room_booking.room == room


@pytest.mark.django_db
def test_the_coordinator_keeps_only_their_own_towns_rooms(client, network, room):
    from django.urls import reverse

    client.force_login(network.coordinator)
    page = client.get(reverse("scheduling:rooms"))
    assert room.name in page.content.decode()
    response = client.post(
        reverse("scheduling:room_new"),
        {
            "name": "Neuvolan ryhmähuone",
            "address": "Koulutie 5",
            "capacity": "12",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    added = Room.objects.get(name="Neuvolan ryhmähuone")
    assert added.municipality == network.town
    bad = client.post(reverse("scheduling:room_new"), {"name": "", "address": "x", "capacity": "0"})
    assert bad.status_code == 200 and Room.objects.count() == 2
    # Another town's coordinator cannot open or change it; a professional has no rooms page.
    client.force_login(network.coordinator2)
    assert client.get(reverse("scheduling:room_edit", args=[room.pk])).status_code == 404
    client.post(
        reverse("scheduling:room_edit", args=[room.pk]),
        {"name": "Kaapattu", "address": "x", "capacity": "3"},
    )
    assert client.get(reverse("scheduling:rooms")).context["rooms"].count() == 0
    client.force_login(network.convener)
    assert client.get(reverse("scheduling:rooms")).status_code == 403
    room.refresh_from_db()
    assert room.name == "Perhekeskuksen neuvotteluhuone"


@pytest.mark.django_db
def test_a_rooms_texts_keep_their_limits(network):
    from django.core.exceptions import ValidationError

    from yhdessa.scheduling.services import save_room

    with pytest.raises(ValidationError, match="liian pitkä"):
        save_room(actor=network.coordinator, name="x" * 201, address="Tie 1", capacity=4)
    assert Room.objects.count() == 0
