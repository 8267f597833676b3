"""The second factor: recovery codes for a lost phone, and a coordinator's
reset when a professional cannot log in at all."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yhdessa.accounts.invitations import _require_manages
from yhdessa.accounts.models import User
from yhdessa.network.models import DirectoryChange, Professional
from yhdessa.network.services import record_change

RECOVERY_CODES = 10


def has_app(user) -> bool:
    """The user has set up an authenticator app. One query: recovery codes
    (a static device) exist only beside the app, and a reset removes both,
    so asking django-otp about every kind of device would only add a query
    to every page."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Ten single-use codes, shown once: any earlier codes stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def reset_second_factor(*, actor: User, professional: Professional) -> None:
    """The professional's authenticator app and recovery codes are removed:
    they set the app up again at their next login. Written to the change log."""
    _require_manages(actor, professional)
    if professional.user_id is None:
        return
    TOTPDevice.objects.filter(user_id=professional.user_id).delete()
    StaticDevice.objects.filter(user_id=professional.user_id).delete()
    record_change(
        actor=actor,
        instance=professional,
        action=DirectoryChange.Action.UPDATED,
        changes={"second_factor": ["set", "reset"]},
        source="two-factor reset",
    )
