"""Accounts: what happens to a login when its person leaves."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from yhdessa.accounts.models import ApiToken, User


@transaction.atomic
def end_access(*, user_id: int | None) -> None:
    """Someone has left: their login, their sessions and their API tokens end
    at once. (Sessions store the user only in their encoded data, so each
    live session is read; leaving is rare.)"""
    if user_id is None:
        return
    User.objects.filter(pk=user_id).update(is_active=False)
    ApiToken.objects.filter(user_id=user_id).delete()
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    Session.objects.filter(pk__in=theirs).delete()


def language_of(user: User | None, fallback: str | None = None) -> str:
    """The language of messages to a person: their own choice, else the
    fallback, else the service's default (Finnish)."""
    codes = {code for code, _name in settings.LANGUAGES}
    for language in (getattr(user, "language", ""), fallback):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE
