"""The background worker: django-tasks-db's `db_worker`, which also sweeps
the outbox.

django-tasks-db never recovers a task left RUNNING by a killed worker
(upstream django-tasks issue #46). The outbox does not depend on it: every
OUTBOX_SWEEP_SECONDS this process gives back the messages whose lease ran
out (see yhdessa/notify/services.py), so recovery needs no cron and no
other process. Run it as you would `db_worker`, with the same options.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from yhdessa.notify.services import sweep

logger = logging.getLogger(__name__)


def sweep_once() -> None:
    close_old_connections()
    try:
        sweep()
    except Exception:  # a failed sweep (e.g. the database away) is tried again next time
        logger.exception("Outbox sweep failed")
    finally:
        close_old_connections()


def sweep_forever(interval: float) -> None:
    """The sweeper thread: one sweep now, then one every ``interval`` seconds
    (a daemon thread: it ends with the worker)."""
    while True:
        sweep_once()
        time.sleep(interval)


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker; same options) and sweep "
        "the outbox every OUTBOX_SWEEP_SECONDS for messages a killed worker left behind."
    )

    def handle(self, *args, **options) -> None:
        # With --reload the first process only watches files and restarts
        # the one that works; only that one sweeps.
        watcher = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options["batch"]:
            sweep_once()  # recover what a killed worker left, then run the queue once
        elif not watcher:
            threading.Thread(
                target=sweep_forever,
                args=(settings.OUTBOX_SWEEP_SECONDS,),
                name="outbox-sweep",
                daemon=True,
            ).start()
        super().handle(*args, **options)
