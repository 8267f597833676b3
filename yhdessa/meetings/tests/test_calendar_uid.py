"""A meeting's calendar UID is globally unique and kept for the meeting's life."""

import uuid
from importlib import import_module

from django.apps import apps
from icalendar import Calendar

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.meetings.messages import queue_meeting_messages
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import cancel_meeting, reschedule_meeting
from yhdessa.notify.models import OutboxMessage


def events(kind: str) -> list:
    return [
        (Calendar.from_ical(m.attachment).walk("VEVENT")[0], m)
        for m in OutboxMessage.objects.filter(kind=kind)
    ]


def test_the_uid_is_the_meetings_own_uuid_at_the_sites_domain(network, settings):
    settings.SITE_URL = "https://yhdessa.hyvinvointialue.example"
    first = meeting_for(network)
    second = meeting_for(network, concern=concern_for(network.convener, alias="Perhe L"))
    assert first.ics_uid != second.ics_uid
    for meeting in (first, second):
        local, domain = meeting.ics_uid.split("@")
        assert uuid.UUID(local) == meeting.uid
        assert domain == "yhdessa.hyvinvointialue.example"
    assert {str(e["UID"]) for e, _ in events("invitation")} == {first.ics_uid, second.ics_uid}


def test_moves_and_the_cancel_keep_the_uid_and_raise_the_sequence(network):
    meeting = meeting_for(network)
    uid = meeting.ics_uid
    reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=next_thursday_at(9, weeks=4),
        duration_minutes=60,
        place="Perheen koti",
    )
    cancel_meeting(actor=network.convener, meeting=Meeting.objects.get(pk=meeting.pk))
    seen = {
        kind: {(str(e["UID"]), int(e["SEQUENCE"]), m.attachment_type) for e, m in events(kind)}
        for kind in ("invitation", "update", "cancellation")
    }
    assert seen == {
        "invitation": {(uid, 0, "text/calendar; method=REQUEST")},
        "update": {(uid, 1, "text/calendar; method=REQUEST")},
        "cancellation": {(uid, 2, "text/calendar; method=CANCEL")},
    }
    assert Meeting.objects.get(pk=meeting.pk).ics_uid == uid


def test_queueing_a_change_twice_sends_it_once(network):
    meeting = meeting_for(network)
    before = OutboxMessage.objects.count()
    queue_meeting_messages(meeting)  # the same invitation again
    assert OutboxMessage.objects.count() == before == 3


def test_the_migration_gives_existing_meetings_distinct_uids(network):
    meetings = [
        meeting_for(network, concern=concern_for(network.convener, alias=f"Perhe {n}"))
        for n in range(3)
    ]
    old = {m.pk: m.uid for m in meetings}
    migration = import_module("yhdessa.meetings.migrations.0002_meeting_uid")
    migration.give_each_meeting_a_uid(apps, None)
    new = dict(Meeting.objects.values_list("pk", "uid"))
    assert len(set(new.values())) == len(meetings)
    assert all(new[pk] != old[pk] for pk in old)
