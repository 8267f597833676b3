"""Writing the access log. Every read of a family's data goes through here."""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry

# The reads of the request being answered, for an answer that is kept and
# given again (an API write's Idempotency-Key): the repeat is a read too.
_noted: ContextVar[list | None] = ContextVar("access_reads", default=None)


@contextmanager
def noting_reads():
    """Collect (family_id, what, why) of every read logged inside."""
    reads: list[tuple[int, str, str]] = []
    token = _noted.set(reads)
    try:
        yield reads
    finally:
        _noted.reset(token)


def _note(rows: Iterable[AccessLogEntry]) -> None:
    reads = _noted.get()
    if reads is not None:
        reads.extend((r.family_id, r.what, r.why) for r in rows)


def record_access(
    *, user: User, family_id: int, what: str, why: str, via_api: bool = False
) -> None:
    entry = AccessLogEntry.objects.create(
        user=user, family_id=family_id, what=what, why=why, via_api=via_api
    )
    _note([entry])


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
        _note(rows.values())


def record_reads_again(*, user: User, reads: Iterable[tuple[int, str, str]]) -> None:
    """A kept answer given again reads the same families again: log them."""
    rows = [
        AccessLogEntry(user=user, family_id=f, what=what, why=why, via_api=True)
        for f, what, why in reads
    ]
    if rows:
        AccessLogEntry.objects.bulk_create(rows)
