"""/healthz for a load balancer: no login, three queries, 503 naming the failed check."""

from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone

from yhdessa.notify import schedule
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message

URL = "/healthz"


def _queue(n: int) -> OutboxMessage:
    return queue_message(
        kind=OutboxMessage.Kind.INVITATION,
        recipient=f"p{n}@test.example",
        language="fi",
        subject="Aihe",
        body="Hei",
        idempotency_key=f"healthz-{n}",
    )


def test_it_is_healthy_with_a_fresh_heartbeat(client, db, django_assert_num_queries):
    schedule.beat(worker="host:1", now=timezone.now() - timedelta(seconds=20))
    schedule.beat(worker="host:2", now=timezone.now() - timedelta(hours=2))
    message = _queue(1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    _queue(2)
    # SELECT 1, the newest heartbeat, the oldest waiting message.
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["database"] is True and body["failed"] == []
    assert 19 <= body["worker_heartbeat_age_seconds"] < 60
    assert 299 <= body["oldest_pending_message_age_seconds"] < 360
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_stale_or_missing_heartbeat_is_503(client, db, settings):
    assert client.get(URL).json() == {
        "database": True,
        "worker_heartbeat_age_seconds": None,
        "oldest_pending_message_age_seconds": None,
        "failed": ["worker_heartbeat"],
    }
    settings.HEALTHZ_HEARTBEAT_MAX_AGE = 60
    schedule.beat(worker="host:1", now=timezone.now() - timedelta(seconds=90))
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker_heartbeat"]


def test_an_unreachable_database_is_503(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"database": False, "failed": ["database"]}


def test_it_needs_no_login_and_is_not_redirected_for_a_second_factor(client, network, settings):
    """A signed-in user without a second factor is sent to set one up on every
    page, but /healthz answers as is (and so it does anonymously)."""
    settings.OTP_REQUIRED = True
    schedule.beat(worker="host:1")
    assert client.get(URL).status_code == 200
    client.force_login(network.convener)
    assert client.get(URL).status_code == 200
    assert client.get("/").status_code == 302


def test_a_probe_over_plain_http_is_answered_not_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    schedule.beat(worker="host:1")
    assert client.get(URL).status_code == 200
    assert client.get("/accounts/login/").status_code == 301
