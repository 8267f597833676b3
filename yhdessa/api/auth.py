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


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user__professional", "user__municipality")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None or access.has_left(found.user):
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user
