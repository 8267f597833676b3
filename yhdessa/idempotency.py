"""Idempotent submits: a form's one-time token and the API's Idempotency-Key.

The key's row is inserted first, in the same transaction as the write it
guards. A twin request sent at the same moment waits on the key's unique
index (PostgreSQL) or on the write lock (SQLite) until the first commits,
then finds the key taken and answers as the first did: no second family, no
second meeting, no second set of messages.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa.accounts.models import IdempotencyKey
from yhdessa.api.auth import bearer_key, token_owner
from yhdessa.audit.services import noting_reads, record_reads_again

MAX_KEY = 100
KEPT_FOR = timedelta(hours=24)
FORM_FIELD = "once"


def new_form_token() -> str:
    return secrets.token_urlsafe(16)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _claim(client: str, key: str, request_hash: str) -> IdempotencyKey | None:
    """Insert the key (None), or return the row of the earlier use of it.
    Keys are kept for a day: the answers they keep hold family data."""
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(client=client, key=key, request_hash=request_hash)
    except IntegrityError:
        return IdempotencyKey.objects.get(client=client, key=key)
    return None


def submitted_before(request: HttpRequest, scope: str) -> str | None:
    """Where a form whose token was already used went, if it succeeded: for
    a form whose success changes who may send it (a lead who handed the
    family over), checked before the access check turns the twin away."""
    token = (request.POST.get(FORM_FIELD) or "")[:MAX_KEY]
    if not token or not getattr(request.user, "pk", None):
        return None
    earlier = IdempotencyKey.objects.filter(
        client=f"user:{request.user.pk}",
        key=f"{scope}:{token}",
        created_at__gte=timezone.now() - KEPT_FOR,
    ).first()
    if earlier is None or not earlier.location:
        return None
    messages.info(request, _("Lomake oli jo lähetetty, joten sitä ei tallennettu toista kertaa."))
    return earlier.location


def submit_once(request: HttpRequest, scope: str, work: Callable[[], str | None]) -> str | None:
    """Run a form's ``work`` once for its one-time token.

    ``work`` returns the address to go to after success (or None on a refusal,
    which keeps the token usable). A repeated token returns the address of the
    first success without running ``work`` again.
    """
    token = (request.POST.get(FORM_FIELD) or "")[:MAX_KEY]
    if not token:
        return work()
    client = f"user:{request.user.pk}"
    with transaction.atomic():
        earlier = _claim(client, f"{scope}:{token}", request_hash="")
        if earlier is not None:
            messages.info(
                request, _("Lomake oli jo lähetetty, joten sitä ei tallennettu toista kertaa.")
            )
            return earlier.location or None
        location = work()
        if location is None:
            # A refusal: let the same form be corrected and sent again.
            transaction.set_rollback(True)
            return None
        IdempotencyKey.objects.filter(client=client, key=f"{scope}:{token}").update(
            location=location[:300]
        )
        return location


class ApiIdempotencyMiddleware:
    """An API write with an ``Idempotency-Key`` header runs once per key and
    token; the same key and body again gets the first answer, the same key
    with another body a 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if (
            key is None
            or request.method not in ("POST", "PUT", "PATCH", "DELETE")
            or not request.path.startswith("/api/")
        ):
            return self.get_response(request)
        # Only a valid token of someone who has not left has kept answers:
        # anyone else is answered by the API itself (401), never from here.
        owner = token_owner(bearer_key(request))
        if owner is None:
            return self.get_response(request)
        if not 1 <= len(key) <= MAX_KEY:
            return JsonResponse(
                {"detail": _("Idempotency-Key on 1–100 merkkiä pitkä.")}, status=400
            )
        client = _digest(bearer_key(request).encode())[:80]
        request_hash = _digest(request.method.encode() + request.path.encode() + request.body)
        with transaction.atomic():
            earlier = _claim(client, key, request_hash)
            if earlier is not None:
                response = self._repeat(earlier, request_hash)
                if response.status_code < 400:
                    # The kept answer shows the family again: a read, logged.
                    record_reads_again(user=owner[1], reads=earlier.reads)
                return response
            with noting_reads() as reads:
                response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            IdempotencyKey.objects.filter(client=client, key=key).update(
                status_code=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=response.content,
                reads=reads,
            )
        return response

    @staticmethod
    def _repeat(earlier: IdempotencyKey, request_hash: str) -> HttpResponse:
        if earlier.request_hash != request_hash:
            return JsonResponse(
                {
                    "detail": _(
                        "Tämä Idempotency-Key on jo käytetty toisenlaiseen pyyntöön. "
                        "Käytä uutta avainta uudelle pyynnölle."
                    )
                },
                status=409,
            )
        response = HttpResponse(
            bytes(earlier.body), status=earlier.status_code, content_type=earlier.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
