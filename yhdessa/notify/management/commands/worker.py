"""The background worker: django-tasks-db's `db_worker`, which also runs the
periodic jobs (the outbox sweep, ...) and writes its heartbeat.

django-tasks-db never recovers a task left RUNNING by a killed worker
(upstream django-tasks issue #46). The outbox does not depend on it: every
OUTBOX_SWEEP_SECONDS one of the workers gives back the messages whose lease
ran out (see yhdessa/notify/services.py), so recovery needs no cron and no
other process. However many workers run, each periodic job runs once per
period (see yhdessa/notify/schedule.py). Run it as you would `db_worker`,
with the same options.
"""

import logging
import os
import threading
import time

from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from yhdessa.notify import schedule

logger = logging.getLogger(__name__)


def tick() -> None:
    """One heartbeat and the due periodic jobs."""
    close_old_connections()
    try:
        schedule.beat()
        schedule.run_due()
    except Exception:  # the database away: tried again at the next tick
        logger.exception("Scheduler tick failed")
    finally:
        close_old_connections()


def tick_forever() -> None:
    """The scheduler thread (a daemon thread: it ends with the worker)."""
    while True:
        tick()
        time.sleep(schedule.tick_seconds())


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker; same options), its "
        "heartbeat and the periodic jobs (the outbox sweep every OUTBOX_SWEEP_SECONDS), "
        "each once per period however many workers run."
    )

    def handle(self, *args, **options) -> None:
        # With --reload the first process only watches files and restarts
        # the one that works; only that one ticks.
        watcher = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options["batch"]:
            tick()  # recover what a killed worker left, then run the queue once
        elif not watcher:
            threading.Thread(target=tick_forever, name="scheduler", daemon=True).start()
        super().handle(*args, **options)
