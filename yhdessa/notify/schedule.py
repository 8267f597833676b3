"""Periodic work that runs once per period however many workers run.

Every worker process (`manage.py worker`) ticks through the registered jobs.
A job's time is cut into periods of ``every`` seconds counted from the epoch,
so all workers agree on them. To run a job for a period a worker inserts a
``ScheduledRun(name, period_start)`` row; the unique constraint lets exactly
one insert succeed (an IntegrityError means another worker has it). The row
also records who ran it and when.

A job that fails is not run again in the same period: the next period tries
again, as the sweep and the clean-up are written to catch up.

Register more jobs (reminders, calendar reads, retention) with ``periodic``
in a module that `yhdessa.notify.schedule` imports, or from an app's
``ready()``.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yhdessa.notify.models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

# Claims and heartbeats older than this are removed by the clean-up job.
KEEP_RUNS = timedelta(days=7)
KEEP_HEARTBEATS = timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    # Seconds between runs; a callable so that settings are read when used.
    every: Callable[[], float]
    run: Callable[[], object]


JOBS: dict[str, Job] = {}


def periodic(name: str, *, every: Callable[[], float]) -> Callable:
    """Register the decorated function as a job run once per ``every()`` seconds."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        JOBS[name] = Job(name=name, every=every, run=function)
        return function

    return register


def worker_name() -> str:
    """This process, as the heartbeat and the claims name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def period_start(now: datetime, every: float) -> datetime:
    """The start of the period of ``every`` seconds that ``now`` falls in."""
    seconds = now.timestamp()
    return datetime.fromtimestamp(seconds - seconds % every, tz=UTC)


def claim(name: str, start: datetime, *, worker: str, now: datetime) -> bool:
    """Take the period for this worker: True for exactly one caller."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(
                name=name, period_start=start, worker=worker, started_at=now
            )
    except IntegrityError:
        return False
    return True


def run_due(*, now: datetime | None = None, worker: str | None = None) -> list[str]:
    """Run every job whose current period nobody has claimed yet; return
    the names of those this call ran."""
    now = now or timezone.now()
    worker = worker or worker_name()
    ran = []
    for job in list(JOBS.values()):
        start = period_start(now, job.every())
        if not claim(job.name, start, worker=worker, now=now):
            continue
        began = time.monotonic()
        try:
            job.run()
        except Exception:  # one failing job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
            continue
        ran.append(job.name)
        logger.info(
            "Scheduled job %s ran for the period from %s on %s in %d ms",
            job.name,
            start.isoformat(),
            worker,
            round((time.monotonic() - began) * 1000),
        )
    return ran


def beat(*, worker: str | None = None, now: datetime | None = None) -> None:
    """Record that this worker is alive (one UPDATE; an INSERT the first time)."""
    now = now or timezone.now()
    worker = worker or worker_name()
    if not WorkerHeartbeat.objects.filter(name=worker).update(seen_at=now):
        WorkerHeartbeat.objects.update_or_create(
            name=worker,
            defaults={"seen_at": now},
            create_defaults={"seen_at": now, "started_at": now},
        )


def tick_seconds() -> float:
    """How often a worker looks for due jobs: twice per the shortest period,
    so that no period passes unseen, and at least once per heartbeat."""
    shortest = min((job.every() for job in JOBS.values()), default=60.0)
    return min(shortest, settings.WORKER_HEARTBEAT_SECONDS) / 2


# ---- the jobs ----------------------------------------------------------------


@periodic("outbox_sweep", every=lambda: settings.OUTBOX_SWEEP_SECONDS)
def _outbox_sweep() -> None:
    from yhdessa.notify.services import sweep

    sweep()


@periodic("schedule_cleanup", every=lambda: 3600)
def _cleanup() -> None:
    """Old claims and the heartbeats of workers long gone."""
    now = timezone.now()
    ScheduledRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - KEEP_HEARTBEATS).delete()
