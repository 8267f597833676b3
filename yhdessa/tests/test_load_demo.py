"""The demo data tells a story that holds together: what happened before a
meeting is dated before it, nobody shares a phone number, and `make run`
names every user one can log in as."""

import io
import re
from pathlib import Path

import phonenumbers
import pytest
from django.core.management import call_command
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.families.models import Family
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import Professional
from yhdessa.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_last_weeks_invitations_were_sent_before_the_meeting(demo):
    held = Meeting.objects.get(status=Meeting.Status.HELD, concern__family__alias="Perhe K")
    assert held.starts_at < timezone.now()
    concern = held.concern
    assert concern.family.created_at <= concern.created_at < held.created_at < held.starts_at
    messages = list(OutboxMessage.objects.filter(meeting=held))
    assert len(messages) == 4  # Mikko, Leena, Antti and the family
    for message in messages:
        assert message.created_at < held.starts_at, message.recipient
        assert message.status == OutboxMessage.Status.SENT
        assert held.created_at <= message.sent_at < held.starts_at
    assert held.plan.updated_at > held.starts_at  # the plan was written at the meeting


def test_no_message_is_dated_after_its_meeting_began(demo):
    """The meeting that began an hour ago was convened days ago too, and the
    worker does not send any of it again."""
    late = [
        (m.meeting.concern.family.alias, m.recipient)
        for m in OutboxMessage.objects.filter(meeting__isnull=False).select_related(
            "meeting__concern__family"
        )
        if m.created_at >= m.meeting.starts_at
    ]
    assert late == []
    assert not OutboxMessage.objects.filter(
        meeting__starts_at__lt=timezone.now(), status=OutboxMessage.Status.PENDING
    ).exists()


def test_every_phone_number_is_a_different_finnish_mobile_number(demo):
    phones = list(Professional.objects.values_list("phone", flat=True)) + [
        phone for phone in Family.objects.values_list("phone", flat=True) if phone
    ]
    numbers = [phonenumbers.parse(phone, "FI") for phone in phones]
    assert all(phonenumbers.is_valid_number(n) for n in numbers), phones
    assert {phonenumbers.number_type(n) for n in numbers} == {phonenumbers.PhoneNumberType.MOBILE}
    assert {n.country_code for n in numbers} == {358}
    e164 = [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) for n in numbers]
    assert len(set(e164)) == len(e164) == len(phones)


def test_it_and_make_run_name_every_demo_user(demo):
    users = set(User.objects.values_list("username", flat=True))
    assert users == {"convener", "lead", "convener2", "coordinator", "guidance"}
    said = re.search(r"Users: ([\w, ]+);", demo).group(1).split(", ")
    assert set(said) == users
    makefile = (ROOT / "Makefile").read_text()
    banner = re.search(r"demo users: ([\w, ]+);", makefile).group(1).split(", ")
    assert set(banner) == users


def test_loading_it_again_changes_nothing(demo):
    counts = (Professional.objects.count(), Meeting.objects.count(), OutboxMessage.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        Professional.objects.count(),
        Meeting.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_follow_up_has_just_begun_for_the_meeting_room(demo):
    """Perhe T: Mikko convened the follow-up of a meeting six weeks ago; it
    has begun, so that he can run it from the room page and review the plan."""
    follow = Meeting.objects.get(concern__family__alias="Perhe T", follows__isnull=False)
    assert follow.convener.name == "Mikko Harju"
    assert follow.status == Meeting.Status.SCHEDULED and follow.starts_at <= timezone.now()
    first = follow.follows
    assert first.plan.actions.filter(responsible="professional").exists()
    assert first.star_placements.count() == 3
    assert first.plan.lead_professionals.get().name == "Mikko Harju"
