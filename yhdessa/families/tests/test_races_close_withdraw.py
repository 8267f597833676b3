"""Closing and withdrawing at the same moment as another change.

On PostgreSQL the pairs really run at once (threads released by a barrier,
each with its own connection; the first holder of the concern's row lock
sleeps inside its transaction so that the other one has to wait). SQLite's
test database takes one writer at a time, so there the pair runs in turn;
the rule checked is the same.
"""

import time

import pytest
from django.test import Client
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at, together
from yhdessa.api.auth import issue_token
from yhdessa.families import services
from yhdessa.families.models import Concern
from yhdessa.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the concern's lock a moment longer, so that a race would show."""
    original = services._lock

    def slow(*args, **kwargs):
        locked = original(*args, **kwargs)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(services, "_lock", slow)


def post(user, url, body=None):
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    return lambda: Client().post(
        f"/api/v1{url}", body or {}, content_type="application/json", headers=headers
    )


def test_two_closes_at_once_close_once(network, slow_lock):
    concern = concern_for(network.convener)
    url = f"/concerns/{concern.pk}/close"
    first, second = together(
        post(network.convener, url, {"reason": "declined"}),
        post(network.coordinator, url, {"reason": "need_passed"}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409], (first, second)
    winner = first if first.status_code == 200 else second
    assert Concern.objects.get().close_reason == winner.json()["close_reason"]


def test_a_move_sent_with_the_withdrawal_reaches_nobody(network, slow_lock):
    meeting = meeting_for(network)
    starts = timezone.localtime(next_thursday_at(8, weeks=5)).isoformat()
    withdrawn, moved = together(
        post(network.coordinator, f"/concerns/{meeting.concern_id}/withdraw-consent"),
        post(
            network.convener,
            f"/meetings/{meeting.pk}/reschedule",
            {"starts_at": starts, "duration_minutes": 60, "place": "Koti"},
        ),
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert moved.status_code in (200, 409), moved.content
    # Whichever went first, nothing of the family's meeting waits to be sent.
    assert not OutboxMessage.objects.filter(status__in=["pending", "failed"]).exists()
