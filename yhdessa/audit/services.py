"""Writing the access log. Every read of a family's data goes through here."""

from collections.abc import Iterable

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry


def record_access(
    *, user: User, family_id: int, what: str, why: str, via_api: bool = False
) -> None:
    AccessLogEntry.objects.create(
        user=user, family_id=family_id, what=what, why=why, via_api=via_api
    )


def record_list_access(
    *, user: User, reads: Iterable[tuple[int, str]], via_api: bool = False
) -> None:
    """One row per family shown in a list, written in a single query."""
    rows = {
        family_id: AccessLogEntry(
            user=user, family_id=family_id, what=AccessLogEntry.What.LIST, why=why, via_api=via_api
        )
        for family_id, why in reads
    }
    if rows:
        AccessLogEntry.objects.bulk_create(rows.values())
