"""Roles, kept in the app: who may give which role is decided in
``yhdessa.access.may_grant``; every grant and removal is in the directory's
change log (who, when, old → new)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import DirectoryChange, Municipality, Region
from yhdessa.network.services import record_change

Role = User.Role


def _state(user: User) -> dict:
    # Names, not ids: the log reads the same after a municipality is renamed
    # or removed.
    return {
        "role": user.role,
        "municipality": user.municipality.name if user.municipality_id else None,
        "county": user.county.name if user.county_id else None,
        "is_superuser": user.is_superuser,
    }


def _others(user: User):
    return User.objects.filter(is_active=True).exclude(pk=user.pk)


def _guard_own_last_role(actor, target: User, role: str, municipality, admin: bool) -> None:
    """Nobody takes away their own last coordinator or administrator role
    by accident: someone else must hold it first."""
    if target.pk != getattr(actor, "pk", None):
        return
    if target.is_superuser and not admin and not _others(target).filter(is_superuser=True).exists():
        raise ValidationError(
            {
                "is_admin": _(
                    "Olet järjestelmän ainoa pääkäyttäjä: et voi poistaa omaa "
                    "pääkäyttäjän rooliasi. Anna rooli ensin jollekulle toiselle."
                )
            }
        )
    leaves_coordination = target.role == Role.COORDINATOR and (
        role != Role.COORDINATOR or getattr(municipality, "pk", None) != target.municipality_id
    )
    if (
        leaves_coordination
        and not _others(target)
        .filter(role=Role.COORDINATOR, municipality_id=target.municipality_id)
        .exists()
    ):
        raise ValidationError(
            {
                "role": _(
                    "Olet kuntasi ainoa koordinaattori: et voi poistaa omaa "
                    "koordinaattorin rooliasi. Anna rooli ensin jollekulle toiselle."
                )
            }
        )


def change_role(
    *,
    actor,
    user_id: int,
    role: str,
    municipality: Municipality | None = None,
    county: Region | None = None,
    admin: bool | None = None,
) -> DirectoryChange | None:
    """Give the user this role (in this municipality or county) and, if
    ``admin`` is given, make them a system administrator or not. Returns the
    change log row, or None when nothing changed."""
    if role not in Role.values:
        raise ValidationError({"role": _("Valitse rooli luettelosta.")})
    if role == Role.COUNTY:
        municipality = None
    elif municipality is None and role != Role.PROFESSIONAL:
        # A coordinator's grants are always in their own municipality.
        town = access.coordinated_municipality_id(actor)
        if town is None or access.is_system_admin(actor):
            raise ValidationError({"municipality": _("Valitse kunta, jossa rooli on.")})
        municipality = Municipality.objects.get(pk=town)
    if role != Role.COUNTY:
        county = None
    elif county is None:
        raise ValidationError({"county": _("Valitse hyvinvointialue, jonka käyttäjä hän on.")})
    with transaction.atomic():
        # Lock the user row first: two changes at once see each other.
        target = (
            User.objects.select_for_update(of=("self",))
            .select_related("municipality", "county")
            .get(pk=user_id)
        )
        if not access.users_managed_by(actor).filter(pk=target.pk).exists():
            raise PermissionDenied(_("Voit muuttaa vain oman kuntasi käyttäjien rooleja."))
        before = _state(target)
        if role == Role.PROFESSIONAL and municipality is None:
            # A professional's municipality stays (it scopes who keeps them).
            municipality = target.municipality
        if admin is None:
            admin = target.is_superuser
        # Taking a role away needs the same right as giving it.
        if not access.may_grant(actor, target.role, target.municipality_id) or (
            target.is_superuser and not access.is_system_admin(actor)
        ):
            raise PermissionDenied(_("Sinulla ei ole oikeutta muuttaa tämän käyttäjän roolia."))
        if not access.may_grant(actor, role, municipality) or (
            admin != target.is_superuser and not access.may_grant(actor, access.ADMIN_ROLE)
        ):
            raise PermissionDenied(_("Sinulla ei ole oikeutta antaa tätä roolia."))
        granting = (role != Role.PROFESSIONAL and role != target.role) or (
            admin and not target.is_superuser
        )
        if granting and access.has_left(target):
            raise ValidationError(
                _("%(name)s on lähtenyt verkostosta: hänelle ei voi antaa rooleja.")
                % {"name": target.get_full_name() or target.username}
            )
        _guard_own_last_role(actor, target, role, municipality, admin)
        target.role = role
        target.municipality = municipality
        target.county = county
        target.is_superuser = admin
        if admin != before["is_superuser"]:
            # The admin pages need staff status: it comes and goes with the role.
            target.is_staff = admin
        after = _state(target)
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        if not changes:
            return None
        target.save(update_fields=["role", "municipality", "county", "is_superuser", "is_staff"])
        return record_change(
            actor=actor, instance=target, action=DirectoryChange.Action.UPDATED, changes=changes
        )
