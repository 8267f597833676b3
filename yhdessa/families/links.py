"""The family's personal link to its own page (no account).

A link carries 32 random bytes; only their SHA-256 hash is stored, so the
database alone opens no family's page, and a guess has no chance. Each
message to the family carries a link of its own (the raw token lives only in
that message); every link of the family works until it is revoked, or until
``FAMILY_LINK_DAYS`` after the family's last meeting (or after the link was
made, if later). A link opens only its own family's matter, and each open is
in the access log as the family's own read.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.families.models import Family, FamilyLink
from yhdessa.notify.models import SECRET_MARK, OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.notify.sms import fit_sms

# secrets.token_urlsafe(32): 43 characters of [A-Za-z0-9_-].
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("family_page:home", args=[token])


def message_link(token: str) -> str:
    """The link as a message's body holds it: the token left out (the outbox
    puts it in at sending, from the message's secret, and then wipes it)."""
    return link_url(token).replace(token, SECRET_MARK)


def family_address(family: Family) -> tuple[str, str] | None:
    """By which channel, and to where, a message reaches the family: its
    chosen channel when it gave that address, else whichever it gave (a
    family with only a phone number gets SMS); None when it gave neither."""
    sms, email = Family.MessageChannel.SMS, Family.MessageChannel.EMAIL
    if family.message_channel == sms and family.phone:
        return sms, family.phone
    if family.email:
        return email, family.email
    if family.phone:
        return sms, family.phone
    return None


def issue_link(*, family: Family, actor: User | None = None) -> str:
    """A new link to the family's page; returns the raw token, which only
    the message that carries it keeps. Call in the message's transaction."""
    token = secrets.token_urlsafe(32)
    FamilyLink.objects.create(family=family, token_hash=token_hash(token), created_by=actor)
    return token


def _last_meeting_start(family_id: int) -> datetime | None:
    return Family.objects.filter(pk=family_id).aggregate(last=Max("concerns__meetings__starts_at"))[
        "last"
    ]


def expires_at(link: FamilyLink, *, last_meeting: datetime | None = None) -> datetime:
    """When the link stops working: FAMILY_LINK_DAYS after the family's last
    meeting, or after the link was made if that is later."""
    start = max(filter(None, [last_meeting, link.created_at]))
    return start + timedelta(days=settings.FAMILY_LINK_DAYS)


def open_link(token: str, *, now: datetime | None = None) -> FamilyLink | None:
    """The working link with this token, or None (unknown, revoked, expired,
    or not even the shape of a token). The caller logs the read."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    link = (
        FamilyLink.objects.select_related("family__municipality")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    now = now or timezone.now()
    if link is None or now >= expires_at(link, last_meeting=_last_meeting_start(link.family_id)):
        return None
    FamilyLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return link


def working_links(family: Family, *, now: datetime | None = None):
    """The family's links that still open its page."""
    now = now or timezone.now()
    last = _last_meeting_start(family.pk)
    links = list(family.links.filter(revoked_at__isnull=True))
    return [link for link in links if now < expires_at(link, last_meeting=last)]


@transaction.atomic
def revoke_links(*, actor: User, family: Family) -> int:
    """Every link of the family stops working at once (a link that went to
    the wrong address, or a family that no longer wants the page). Returns
    how many were revoked; a repeat revokes nothing more."""
    access.require_may_manage_family_links(actor, family)
    return revoke_all(family=family, actor=actor)


def revoke_all(*, family: Family, actor: User) -> int:
    """The rule without the check, for a service that has already checked
    (the family withdrawing its consent)."""
    return FamilyLink.objects.filter(family=family, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


@transaction.atomic
def resend_link(*, actor: User, family: Family) -> str:
    """A lost link: the family's worker sends a new one by the family's own
    channel, in its language. Earlier links keep working (revoke them to
    stop them). Returns the channel used."""
    access.require_may_manage_family_links(actor, family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.concerns.filter(consent_withdrawn_at__isnull=False).exists():
        raise Conflict(_("Perhe on perunut suostumuksensa: perheelle ei lähetetä viestejä."))
    address = family_address(family)
    if address is None:
        raise ValidationError(
            _("Perheellä ei ole sähköpostia eikä puhelinnumeroa: linkkiä ei voi lähettää.")
        )
    channel, recipient = address
    token = issue_link(family=family, actor=actor)
    url = message_link(token)
    with translation.override(family.language):
        subject = _("Perheenne oma sivu Yhdessä-palvelussa")
        text = _(
            "Tässä on perheenne oman sivun linkki. Siellä näette Yhdessä ajan kutsun ja "
            "yhteisen suunnitelman ja voitte antaa palautetta:"
        )
    body = (
        fit_sms(str(text), link_url(token)).replace(token, SECRET_MARK)
        if channel == Family.MessageChannel.SMS
        else f"{text}\n\n{url}\n"
    )
    # Shown under the family's latest meeting in the message lists.
    last_meeting = (
        family.concerns.filter(meetings__isnull=False)
        .order_by("-meetings__starts_at")
        .values_list("meetings", flat=True)
        .first()
    )
    queue_message(
        channel=channel,
        kind=OutboxMessage.Kind.FAMILY_LINK,
        recipient=recipient,
        language=family.language,
        subject=subject,
        body=body,
        idempotency_key=f"family-link:{token_hash(token)}",
        meeting_id=last_meeting,
        to_family=True,
        family_id=family.pk,
        secret=token,
    )
    return channel
