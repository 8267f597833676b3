"""Periodic jobs run once per period however many workers run, and every
worker leaves a heartbeat."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conftest import together
from yhdessa.notify import schedule
from yhdessa.notify.models import ScheduledRun, WorkerHeartbeat

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def counting_job(monkeypatch):
    """Only one job, every 60 s, that counts its runs per period."""
    runs: Counter = Counter()
    current: dict = {}
    monkeypatch.setattr(schedule, "JOBS", {})
    schedule.periodic("count", every=lambda: 60)(lambda: runs.update([current["period"]]))
    return runs, current


@pytest.mark.django_db(transaction=True)
def test_three_workers_over_five_periods_run_each_period_once(counting_job):
    """Three workers tick four times per period (at once on PostgreSQL, in
    turn on SQLite): each period's job runs exactly once."""
    runs, current = counting_job
    for tick in range(20):
        now = START + timedelta(seconds=15 * tick)
        current["period"] = schedule.period_start(now, 60)
        ran = together(
            *[lambda w=w, now=now: schedule.run_due(now=now, worker=f"w{w}") for w in range(3)]
        )
        assert sum(len(names) for names in ran) <= 1
    assert runs == {START + timedelta(minutes=m): 1 for m in range(5)}
    assert ScheduledRun.objects.filter(name="count").count() == 5


def test_a_period_claimed_by_another_worker_is_not_run(db, counting_job):
    runs, current = counting_job
    current["period"] = START
    assert schedule.claim("count", START, worker="other", now=START)
    assert schedule.run_due(now=START + timedelta(seconds=30), worker="me") == []
    assert runs == {}
    assert schedule.run_due(now=START + timedelta(seconds=60), worker="me") == ["count"]


def test_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", {})
    schedule.periodic("broken", every=lambda: 60)(lambda: 1 / 0)
    schedule.periodic("fine", every=lambda: 60)(lambda: None)
    assert schedule.run_due(now=START, worker="me") == ["fine"]
    # The broken one had its period: not again until the next.
    assert schedule.run_due(now=START + timedelta(seconds=1), worker="me") == []


def test_the_outbox_sweep_and_the_cleanup_are_registered():
    assert {"outbox_sweep", "schedule_cleanup"} <= set(schedule.JOBS)


def test_period_start_cuts_time_into_equal_periods():
    assert schedule.period_start(START + timedelta(seconds=59.9), 60) == START
    assert schedule.period_start(START + timedelta(seconds=60), 60) == START + timedelta(minutes=1)
    half = START + timedelta(seconds=0.75)
    assert schedule.period_start(half, 0.5) == START + timedelta(seconds=0.5)


def test_a_heartbeat_is_one_row_per_worker_moved_forward(db):
    schedule.beat(worker="host:1", now=START)
    schedule.beat(worker="host:2", now=START)
    schedule.beat(worker="host:1", now=START + timedelta(seconds=30))
    beats = {b.name: b for b in WorkerHeartbeat.objects.all()}
    assert set(beats) == {"host:1", "host:2"}
    assert beats["host:1"].seen_at == START + timedelta(seconds=30)
    assert beats["host:1"].started_at == START


def test_the_cleanup_removes_old_claims_and_gone_workers(db):
    now = timezone.now()
    schedule.claim(
        "outbox_sweep", now - timedelta(days=8), worker="old", now=now - timedelta(days=8)
    )
    schedule.claim(
        "outbox_sweep", now - timedelta(days=1), worker="new", now=now - timedelta(days=1)
    )
    schedule.beat(worker="gone", now=now - timedelta(days=2))
    schedule.beat(worker="alive", now=now)
    schedule.JOBS["schedule_cleanup"].run()
    assert list(ScheduledRun.objects.values_list("worker", flat=True)) == ["new"]
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["alive"]
