"""What the import commands share: who they act for.

A command names its actor (`--actor USERNAME`, acting in that user's scope)
or acts as the system for one named municipality (`--system --municipality
NAME`); nothing runs as an unnamed, unlimited actor."""

from django.core.management.base import CommandError

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import Municipality
from yhdessa.network.services import create_municipality


def add_actor_arguments(parser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--actor", help="Act as this user, within their scope (a coordinator).")
    who.add_argument(
        "--system", action="store_true", help="Act as the system within --municipality."
    )
    parser.add_argument("--municipality", help="With --system: the municipality to act in.")
    parser.add_argument(
        "--create-municipality",
        action="store_true",
        help="With --system: add --municipality if it does not exist yet.",
    )


def actor_from(options, source: str):
    """The actor the command names, or a CommandError saying what is missing."""
    if options.get("actor"):
        user = User.objects.filter(username=options["actor"]).first()
        if user is None or not access.may_keep_directory(user):
            raise CommandError(
                f"{options['actor']} is no active coordinator or administrator; nothing written."
            )
        return user
    name = (options.get("municipality") or "").strip()
    if not name:
        raise CommandError("--system needs --municipality NAME; nothing written.")
    town = Municipality.objects.filter(name__iexact=name).first()
    if town is None:
        if not options.get("create_municipality"):
            raise CommandError(
                f"No municipality {name!r}: check the name, or add --create-municipality."
            )
        town = create_municipality(
            actor=access.SystemActor(municipality_id=None, label=source), name=name, source=source
        )
    return access.SystemActor(municipality_id=town.pk, label=source)
