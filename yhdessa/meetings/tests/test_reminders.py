"""Reminders the working day before: every invitee and the family by its own
channel, once per version of the meeting, never on a day off."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from conftest import concern_for, meeting_for
from yhdessa.meetings.reminders import send_due_reminders
from yhdessa.meetings.services import convene_meeting, reschedule_meeting
from yhdessa.network.working_days import add_working_days
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.schedule import run_due


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def reminders():
    return OutboxMessage.objects.filter(kind="reminder")


def test_the_working_day_before_everyone_is_reminded(network):
    meeting = meeting_for(network)
    day = timezone.localtime(meeting.starts_at).date()  # a Thursday
    assert send_due_reminders(now=at(day - timedelta(days=2))) == 0
    assert send_due_reminders(now=at(day - timedelta(days=1), hour=8)) == 0  # before 9
    assert send_due_reminders(now=at(day - timedelta(days=1))) == 1
    send_due_reminders(now=at(day - timedelta(days=1), hour=11))  # again: nothing more
    assert sorted(reminders().values_list("recipient", flat=True)) == [
        "leena@test.example",
        "mikko@test.example",
        "perhe@koti.example",
    ]
    family = reminders().get(to_family=True)
    assert "Muistutus" in family.subject and not family.attachment
    assert "/f/" in family.body


def test_days_off_are_skipped_christmas_and_a_weekend(network):
    # Monday 27.12.2027: Christmas Eve (Friday), Christmas Day and Boxing Day
    # are days off, so the working day before is Thursday 23.12.2027.
    monday = date(2027, 12, 27)
    convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener),
        starts_at=at(monday, 12),
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk],
        now=at(date(2027, 12, 1)),
    )
    assert send_due_reminders(now=at(date(2027, 12, 22))) == 0
    assert send_due_reminders(now=at(date(2027, 12, 23))) == 1


def test_the_family_with_only_a_phone_is_reminded_by_sms(network):
    concern = concern_for(network.convener, email="", phone="040 123 4567")
    meeting = meeting_for(network, concern=concern)
    day = timezone.localtime(meeting.starts_at).date()
    send_due_reminders(now=at(day - timedelta(days=1)))
    sms = reminders().get(to_family=True)
    assert (sms.channel, sms.recipient) == ("sms", "+358401234567")
    assert sms.body.startswith("Muistutus")


def test_a_moved_meeting_is_reminded_of_again(network):
    meeting = meeting_for(network)
    day = timezone.localtime(meeting.starts_at).date()
    send_due_reminders(now=at(day - timedelta(days=1)))
    reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(days=7),
        duration_minutes=90,
        place="Perhekeskus",
        confirm_practice_exceptions=True,
        confirm_double_booking=True,
    )
    send_due_reminders(now=at(day + timedelta(days=6)))
    assert reminders().filter(to_family=True).count() == 2


def test_the_worker_schedule_runs_the_reminders(network, settings):
    settings.REMINDER_HOUR = 0
    # A meeting on the next working day: its reminder day is today (or, on a
    # day off, already past).
    meeting = meeting_for(network, starts_at=at(add_working_days(timezone.localdate(), 1), 12))
    assert "meeting_reminders" in run_due(worker="w1")
    assert reminders().filter(meeting=meeting).count() == 3
