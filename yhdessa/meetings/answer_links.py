"""The signed answer links of invitations: one per invitation, unguessable
(signed with the site's secret key), expiring after ANSWER_LINK_DAYS. Kept
apart so that the messages can put the link in without importing the
answers' services."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from yhdessa.meetings.models import Invitation

SALT = "yhdessa.meetings.answer"


def answer_token(invitation: Invitation) -> str:
    """The signed, expiring key of one invitation's answer link."""
    return signing.dumps({"i": invitation.pk}, salt=SALT, compress=True)


def answer_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "answer:invitation", args=[answer_token(invitation)]
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, or None when the link is not ours,
    altered or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.ANSWER_LINK_DAYS))
        pk = int(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    # Someone who has left the network answers nothing, by link either.
    return (
        Invitation.objects.select_related("meeting__convener", "meeting__team", "professional")
        .filter(pk=pk, professional__is_active=True)
        .first()
    )
