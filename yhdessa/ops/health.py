"""/healthz: is this web process able to serve, and is a worker alive?

For a load balancer and monitoring: no login, no session, no family data,
and a fixed three queries however big the database is.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from yhdessa.notify.models import OutboxMessage, WorkerHeartbeat


def _age(now, moment) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker's heartbeat is fresher than
    HEALTHZ_HEARTBEAT_MAX_AGE; else 503 naming the failed check in ``failed``."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        heartbeat = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
        waiting = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
        ).aggregate(oldest=Min("created_at"))["oldest"]
    except DatabaseError:
        body = {"database": False, "failed": ["database"]}
        return JsonResponse(body, status=503)
    heartbeat_age = _age(now, heartbeat)
    failed = []
    if heartbeat_age is None or heartbeat_age > settings.HEALTHZ_HEARTBEAT_MAX_AGE:
        failed.append("worker_heartbeat")
    body = {
        "database": True,
        "worker_heartbeat_age_seconds": heartbeat_age,
        "oldest_pending_message_age_seconds": _age(now, waiting),
        "failed": failed,
    }
    return JsonResponse(body, status=503 if failed else 200)
