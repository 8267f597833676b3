"""Invitations to log in: a coordinator sends a professional of their
municipality a one-time link; the professional opens it, sets a password and
has a login.

The link carries a random token; only its SHA-256 hash is stored, so a copy
of the database lets nobody in. The message goes through the outbox in the
same transaction as the invitation. A new invitation to the same person
revokes the older ones: only the latest link works.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import LoginInvitation, User
from yhdessa.accounts.services import language_of
from yhdessa.network.models import Municipality, Professional
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message

SUBJECT = gettext_lazy("Kutsu kirjautumaan Yhdessä-palveluun")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _language(professional: Professional, chosen: str | None = None) -> str:
    """The invitee's own choice if they have made one, else the coordinator's
    choice on the invitation form, else the first of the professional's
    languages that the service speaks, else Finnish."""
    codes = {code for code, _name in settings.LANGUAGES}
    spoken = next((c for c in professional.languages if c in codes), None)
    return language_of(professional.user, chosen if chosen in codes else spoken)


def _require_manages(actor, professional: Professional) -> None:
    """Only the coordinator of the professional's own municipality (or the
    system administrator) invites them; someone who has left, nobody."""
    if not access.is_active_user(actor) or access.has_left(actor):
        raise PermissionDenied(_("Vain perhekeskuskoordinaattori voi tehdä tämän."))
    access.require_keeps_login_of(actor, professional)


def pending(professional: Professional):
    return LoginInvitation.objects.filter(
        professional=professional,
        used_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    )


@transaction.atomic
def invite_to_log_in(
    *, actor: User, professional: Professional, language: str | None = None
) -> LoginInvitation:
    """Send (or send again) the professional a link to set their password.
    Any older link stops working."""
    _require_manages(actor, professional)
    professional = Professional.objects.select_for_update().get(pk=professional.pk)
    if not professional.is_active:
        raise ValidationError(_("%(name)s on poistettu verkostosta.") % {"name": professional.name})
    if not professional.email:
        raise ValidationError(
            _("Lisää ensin ammattilaiselle sähköpostiosoite: kutsu lähetetään sähköpostilla.")
        )
    if professional.user_id and professional.user.has_usable_password():
        raise ValidationError(
            _("%(name)s voi jo kirjautua. Unohtuneen salasanan saa vaihdettua kirjautumissivulta.")
            % {"name": professional.name}
        )
    now = timezone.now()
    LoginInvitation.objects.filter(professional=professional, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = LoginInvitation.objects.create(
        professional=professional,
        email=professional.email,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.LOGIN_INVITATION_DAYS),
    )
    language = _language(professional, language)
    with translation.override(language):
        context = {
            "name": professional.name,
            "inviter": str(access.acting_professional(actor) or actor.get_full_name() or actor),
            "link": settings.SITE_URL.rstrip("/")
            + reverse("accounts:accept_invitation", args=[token]),
            "until": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "site_url": settings.SITE_URL,
        }
        subject = str(SUBJECT)
        body = render_to_string("accounts/invitation_email.txt", context)
    queue_message(
        kind=OutboxMessage.Kind.INVITATION,
        recipient=professional.email,
        language=language,
        subject=subject,
        body=body,
        idempotency_key=f"login-invitation:{invitation.pk}",
        professional_id=professional.pk,
    )
    return invitation


@transaction.atomic
def invite_new_professional(*, actor: User, data: dict) -> LoginInvitation:
    """Add a professional to the coordinator's own municipality and invite
    them to log in, together (the addition is in the change log)."""
    from yhdessa.network.services import save_professional

    town = access.require_coordinator(actor)
    fields = {k: v for k, v in data.items() if k != "language"}
    professional, _outcome = save_professional(
        actor=actor,
        professional=None,
        data={**fields, "municipality": Municipality.objects.get(pk=town), "is_active": True},
        source="login invitation",
    )
    return invite_to_log_in(actor=actor, professional=professional, language=data.get("language"))


@transaction.atomic
def revoke_invitations(*, actor: User, professional: Professional) -> int:
    """The professional's pending links stop working."""
    _require_manages(actor, professional)
    return LoginInvitation.objects.filter(
        professional=professional, used_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())


def find_invitation(token: str) -> LoginInvitation | None:
    """The invitation a link names, or None."""
    return (
        LoginInvitation.objects.select_related("professional", "professional__user", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def refusal(invitation: LoginInvitation | None) -> str | None:
    """Why a link cannot be used, in the reader's language; None if it can."""
    if invitation is None:
        return _("Linkki ei ole kelvollinen. Tarkista, että kopioit sen kokonaan.")
    if invitation.used_at:
        return _("Linkki on jo käytetty. Kirjaudu sisään salasanallasi.")
    if invitation.revoked_at:
        return _("Linkki on peruttu. Pyydä koordinaattoriltasi uusi kutsu.")
    if invitation.expires_at <= timezone.now():
        return _("Linkki on vanhentunut. Pyydä koordinaattoriltasi uusi kutsu.")
    user = invitation.professional.user
    # A closed login is not reopened by an old link.
    if not invitation.professional.is_active or (user is not None and not user.is_active):
        return _("Linkki ei ole enää voimassa.")
    try:
        # The link sets the user's password: the inviter must still keep this
        # login (the user may since have become the administrator).
        access.require_keeps_login_of(invitation.invited_by, invitation.professional)
    except PermissionDenied:
        return _("Linkki ei ole enää voimassa.")
    return None


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> User:
    """Create (or complete) the professional's login with this password.
    The invitation row is locked, so two clicks at once make one user."""
    invitation = (
        LoginInvitation.objects.select_for_update()
        .filter(token_hash=token_hash(token))
        .select_related("professional")
        .first()
    )
    if (why := refusal(invitation)) is not None:
        raise ValidationError(why)
    professional = Professional.objects.select_for_update().get(pk=invitation.professional_id)
    user = professional.user
    if user is None:
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise ValidationError(
                _("Tällä sähköpostiosoitteella on jo käyttäjätunnus. Ota yhteys koordinaattoriisi.")
            )
        first, _sep, last = professional.name.partition(" ")
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=first[:150],
            last_name=last[:150],
            role=User.Role.PROFESSIONAL,
        )
    user.set_password(password)
    if user.pk:
        user.save(update_fields=["password"])
    else:
        user.save()
    if professional.user_id != user.pk:
        professional.user = user
        professional.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user
