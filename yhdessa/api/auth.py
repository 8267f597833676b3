import hashlib
import secrets

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from yhdessa import access
from yhdessa.accounts.models import ApiToken, User


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new bearer token for the user; only its hash is kept."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(key))
    return key


def token_owner(key: str) -> tuple[ApiToken, User] | None:
    """The token and its user, unless the token is unknown or its user has left."""
    found = (
        ApiToken.objects.select_related("user__professional", "user__municipality")
        .filter(key_hash=hash_token(key), user__is_active=True)
        .first()
    )
    if found is None or access.has_left(found.user):
        return None
    return found, found.user


def bearer_key(request: HttpRequest) -> str:
    """The token of an ``Authorization: Bearer ...`` header, or ''."""
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        owner = token_owner(token)
        if owner is None:
            return None
        found, user = owner
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = user
        return user
