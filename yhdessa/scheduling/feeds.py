"""A professional's own calendar as busy times: an iCalendar file they upload,
or a private calendar link (Outlook's "publish calendar", Google's secret
address) that the worker reads every CALENDAR_READ_SECONDS.

Only times are kept. Titles, places, descriptions and attendees of the
events never leave ``busy_from_ics``: they are other people's matters (a
client's name in a title, a doctor's appointment), and the product's privacy
rule is that a colleague's calendar shows here as busy or free, nothing more.

The link is a secret (whoever has it reads the calendar) and the worker reads
whatever it names, so ``check_url`` refuses addresses inside our own network
(SSRF): the name is checked when it is saved and before every request and
redirect, and the connection itself refuses a private peer, so a name that
resolves differently the second time (DNS rebinding) gains nothing.
"""

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import requests
import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from requests.adapters import HTTPAdapter

from yhdessa.network.models import Professional
from yhdessa.notify.schedule import periodic
from yhdessa.scheduling.availability import HORIZON_DAYS
from yhdessa.scheduling.models import CalendarSource, ExternalBusy

logger = logging.getLogger(__name__)

Interval = tuple[datetime, datetime]

# Busy times kept per source: months of a full calendar are a few hundred;
# more is a file built to flood the table.
MAX_BUSY = 5_000
# The work of expanding a file's repeating events, in candidate times (see
# _rule_cost; about 3 µs each). The library steps through a rule from its
# first time: a rule repeating every second since 2000 would keep the worker
# for minutes, a weekly meeting since 2010 takes 800 steps.
MAX_STEPS = 1_000_000
# Occurrences of repeating events made per file (about 250 µs each).
MAX_OCCURRENCES = 20_000
# A rule's period in seconds and the days a rule naming days (BYDAY...) may
# expand to in one period.
FREQUENCIES = {
    "SECONDLY": (1, 1),
    "MINUTELY": (60, 1),
    "HOURLY": (3600, 1),
    "DAILY": (86400, 1),
    "WEEKLY": (7 * 86400, 7),
    "MONTHLY": (28 * 86400, 31),
    "YEARLY": (365 * 86400, 366),
}
DAY_PARTS = {"BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH"}
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
MAX_URL_LENGTH = CalendarSource._meta.get_field("url").max_length
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
# Properties whose damage makes an event's time unknown: such an event is skipped.
TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}

ERROR_TEXTS = {
    "unreadable": gettext_lazy(
        "Kalenteria ei voitu lukea: tiedosto ei ole iCalendar-muotoa (.ics)."
    ),
    "too_large": gettext_lazy(
        "Kalenteri on liian suuri luettavaksi. Julkaise tai vie lyhyempi ajanjakso."
    ),
    "not_public": gettext_lazy(
        "Tätä osoitetta ei voi käyttää: kalenterin pitää olla luettavissa internetistä, "
        "ei sisäverkosta."
    ),
    "bad_url": gettext_lazy(
        "Osoite ei kelpaa. Anna kalenterin jakolinkki, joka alkaa https://, http:// tai webcal://."
    ),
    "timeout": gettext_lazy(
        "Kalenterin palvelin ei vastannut ajoissa. Luemme kalenterin uudelleen myöhemmin."
    ),
    "http_error": gettext_lazy(
        "Kalenterin palvelin ei antanut kalenteria. Tarkista, että linkki on yhä voimassa."
    ),
    "unreachable": gettext_lazy("Kalenterin palvelimeen ei saatu yhteyttä. Tarkista osoite."),
}


class CalendarError(Exception):
    """A calendar that could not be read; ``code`` is a key of ERROR_TEXTS."""

    def __init__(self, code: str) -> None:
        if code not in ERROR_TEXTS:
            raise ValueError(f"Unknown calendar error code {code!r}")
        super().__init__(code)
        self.code = code


# ---- the file ----------------------------------------------------------------


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _utc(value: date | datetime) -> datetime:
    """An iCalendar time as an aware UTC datetime: a date is its midnight in
    Helsinki (TIME_ZONE), a time without a zone (floating) Helsinki time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=_local_zone())
    return value.astimezone(UTC)


def _is_busy(component: icalendar.cal.Component) -> bool:
    if str(component.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return False
    # Outlook marks "free" time this way as well as with TRANSP.
    return str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _interval(event: icalendar.Event) -> Interval | None:
    """The event's time, or None when it has none that makes sense."""
    try:
        start, end = event.start, event.end
    except (ValueError, TypeError, KeyError):  # icalendar's IncompleteComponent, InvalidCalendar
        return None
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    if isinstance(start, datetime) != isinstance(end, datetime):
        return None
    begins, ends = _utc(start), _utc(end)
    return (begins, ends) if begins < ends else None


def _series(calendars: list[icalendar.Calendar]) -> list[list[icalendar.Event]]:
    """The events grouped by UID (a repeating event and its changed
    instances), without those whose time properties are broken."""
    groups: dict[str, list[icalendar.Event]] = {}
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            if "DTSTART" not in event or any(name in TIME_PROPERTIES for name, _ in event.errors):
                continue
            uid = str(event.get("UID", "")) or f"no-uid-{id(event)}"
            groups.setdefault(uid, []).append(event)
    return list(groups.values())


def _rule_cost(event: icalendar.Event, *, start: datetime, end: datetime) -> tuple[float, float]:
    """Upper bounds of the work of expanding the event's rules: the candidate
    times from its DTSTART on (the library steps through a rule from its
    first time) and the occurrences within [start, end). Zero for rules that
    ended before ``start``."""
    first = _utc(event["DTSTART"].dt)
    rules = event.get("RRULE", [])
    steps = inside = 0.0
    for rule in rules if isinstance(rules, list) else [rules]:
        seconds, days = FREQUENCIES[str(rule["FREQ"][0]).upper()]
        seconds *= int(rule.get("INTERVAL", [1])[0])
        until = min([end, *(_utc(u) for u in rule.get("UNTIL", []))])
        if until < start - timedelta(days=1) or first > until:
            continue  # ended before the window, or begins after it
        # A rule naming days may expand to every day of its period, one naming
        # hours, minutes or seconds to each of them.
        per_period = days if DAY_PARTS & set(rule) else 1
        for part in TIME_PARTS:
            per_period *= max(1, len(rule.get(part, [])))
        periods = (until - first).total_seconds() / seconds + 1
        if "COUNT" in rule:
            periods = min(periods, int(rule["COUNT"][0]))
        steps += periods * per_period
        inside += ((until - max(first, start)).total_seconds() / seconds + 1) * per_period
    return steps, inside


@dataclass
class _Budget:
    """What is left of a file's work (see _rule_cost)."""

    steps: float = MAX_STEPS
    occurrences: float = MAX_OCCURRENCES

    def take(self, steps: float, occurrences: float) -> bool:
        if steps > self.steps or occurrences > min(self.occurrences, MAX_BUSY):
            return False
        self.steps -= steps
        self.occurrences -= occurrences
        return True


def _expand(
    group: list[icalendar.Event], *, start: datetime, end: datetime, budget: _Budget
) -> list[Interval]:
    """One series' busy times overlapping [start, end). A series whose
    rules would take more than is left of the budget, or give more than
    MAX_BUSY times, is skipped."""
    costs = [_rule_cost(e, start=start, end=end) for e in group]
    steps = sum(c[0] for c in costs)
    if not steps and not any("RDATE" in e for e in group):
        # Nothing repeats into the window: the events (a changed instance
        # too) are busy at their own times.
        occurrences = group
    elif not budget.take(steps + len(group), sum(c[1] for c in costs) + len(group)):
        logger.info("Skipped a calendar event series that repeats too often")
        return []
    else:
        calendar = icalendar.Calendar()
        calendar.subcomponents = group
        # A day's margin each way: the library compares floating times and
        # dates in the zone of the query, we in Helsinki; the exact cut is below.
        local = _local_zone()
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(
            (start - timedelta(days=1)).astimezone(local),
            (end + timedelta(days=1)).astimezone(local),
        )
    found: list[Interval] = []
    for occurrence in occurrences:
        interval = _interval(occurrence)
        if interval and _is_busy(occurrence) and interval[0] < end and start < interval[1]:
            found.append(interval)
    return found


def _free_busy(
    calendars: list[icalendar.Calendar], *, start: datetime, end: datetime
) -> list[Interval]:
    """The busy periods of VFREEBUSY components (all but FBTYPE=FREE)."""
    found: list[Interval] = []
    for calendar in calendars:
        for component in calendar.walk("VFREEBUSY"):
            values = component.get("FREEBUSY", [])
            for value in values if isinstance(values, list) else [values]:
                params = getattr(value, "params", {})
                if str(params.get("FBTYPE", "BUSY")).upper() == "FREE":
                    continue
                period = getattr(value, "dt", None)
                if not isinstance(period, tuple) or len(period) != 2:
                    continue  # a broken value
                begins, finish = period
                if isinstance(finish, timedelta):
                    finish = begins + finish
                if not isinstance(begins, datetime) or not isinstance(finish, datetime):
                    continue
                interval = (_utc(begins), _utc(finish))
                if interval[0] < interval[1] and interval[0] < end and start < interval[1]:
                    found.append(interval)
    return found


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for begins, ends in sorted(intervals):
        if merged and begins <= merged[-1][1]:
            if ends > merged[-1][1]:
                merged[-1] = (merged[-1][0], ends)
        else:
            merged.append((begins, ends))
    return merged


def busy_from_ics(data: bytes, *, start: datetime, end: datetime) -> list[Interval]:
    """The busy times of an iCalendar file that overlap [start, end), as
    aware UTC intervals, merged and sorted, at most MAX_BUSY (the earliest).

    Events repeat as their rules say (RRULE, RDATE, EXDATE, changed
    instances); free (TRANSP:TRANSPARENT) and cancelled events are not
    busy; an all-day event is busy for its whole local days; a time without a
    zone is Helsinki time; VFREEBUSY periods count too. An event whose times
    are broken is skipped; a file that is not iCalendar raises
    CalendarError("unreadable").

    Only the times are read: never titles, places or attendees (the
    product's privacy rule).
    """
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as error:  # the parser raises anything from ValueError to IndexError
        raise CalendarError("unreadable") from error
    if not calendars or any(c.name != "VCALENDAR" for c in calendars):
        raise CalendarError("unreadable")

    found = _free_busy(calendars, start=start, end=end)
    budget = _Budget()
    for group in _series(calendars):
        try:
            found += _expand(group, start=start, end=end, budget=budget)
        except Exception:  # one series the library cannot expand: skip it, keep the rest
            # No details: the error's text may quote the event's title.
            logger.info("Skipped a calendar event series that could not be expanded")
    return merge(found)[:MAX_BUSY]


# ---- the link ----------------------------------------------------------------


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, private, link-local, reserved,
    # shared (100.64/10) and unspecified addresses; multicast is "global".
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """The calendar link to store and read: http(s) (webcal:// is https),
    with a host that is on the public internet. Raises CalendarError
    "bad_url", "not_public" or, when the name does not resolve, "unreachable"."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise CalendarError("bad_url")
    for prefix in ("webcal://", "webcals://"):
        if url.lower().startswith(prefix):
            url = "https://" + url[len(prefix) :]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise CalendarError("bad_url") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CalendarError("bad_url")
    if settings.CALENDAR_ALLOW_PRIVATE_HOSTS:
        return url
    try:
        addresses = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise CalendarError("unreachable") from error
    if not addresses or not all(_is_public(str(a[4][0])) for a in addresses):
        raise CalendarError("not_public")
    return url


class _PublicPeer:
    """Refuses a connection whose peer is not public, whatever the name
    resolved to when it was checked (DNS rebinding)."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        if not settings.CALENDAR_ALLOW_PRIVATE_HOSTS and not _is_public(sock.getpeername()[0]):
            sock.close()
            raise CalendarError("not_public")
        return sock


class _HTTPConnection(_PublicPeer, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_PublicPeer, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _PublicAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    # No proxies, .netrc or CA overrides from the environment: the worker's
    # own credentials must never go to a host a user named.
    session.trust_env = False
    session.mount("http://", _PublicAdapter())
    session.mount("https://", _PublicAdapter())
    session.headers["User-Agent"] = "Yhdessa-calendar-reader/1"
    session.headers["Accept"] = "text/calendar, */*;q=0.5"
    return session


def _body(response: requests.Response, deadline: float) -> bytes:
    """The body, at most CALENDAR_MAX_BYTES (decompressed), before the deadline."""
    limit = settings.CALENDAR_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise CalendarError("too_large")
    chunks: list[bytes] = []
    size = 0
    try:
        # read1 returns what has arrived, so a server trickling a byte at a
        # time meets the deadline instead of keeping the worker.
        while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise CalendarError("too_large")
            if time.monotonic() > deadline:
                raise CalendarError("timeout")
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError as error:
        raise CalendarError("timeout") from error
    except urllib3.exceptions.DecodeError as error:
        raise CalendarError("unreadable") from error
    except urllib3.exceptions.HTTPError as error:
        raise CalendarError("unreachable") from error
    return b"".join(chunks)


def fetch_ics(url: str) -> bytes:
    """GET the calendar link: at most CALENDAR_MAX_BYTES, within
    CALENDAR_READ_TIMEOUT seconds in all, following up to MAX_REDIRECTS
    redirects that each pass ``check_url``. Raises CalendarError."""
    url = check_url(url)
    timeout = settings.CALENDAR_READ_TIMEOUT
    deadline = time.monotonic() + timeout
    with _session() as session:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = session.get(url, timeout=timeout, stream=True, allow_redirects=False)
            except requests.Timeout as error:
                raise CalendarError("timeout") from error
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as error:
                raise CalendarError("bad_url") from error
            except requests.RequestException as error:
                raise CalendarError("unreachable") from error
            with response:
                if response.is_redirect:
                    url = check_url(urljoin(url, response.headers["Location"]))
                    continue
                if not 200 <= response.status_code < 300:
                    raise CalendarError("http_error")
                return _body(response, deadline)
    raise CalendarError("http_error")  # too many redirects


def mask_url(url: str) -> str:
    """What the page shows of a calendar link: the scheme, the host and the
    file's name ("https://outlook.office365.com/…/calendar.ics"), never the
    secret part. A last segment longer than a file name may be the token
    itself and is not shown."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "…"
    host = parts.hostname or ""
    if not host:
        return "…"
    if ":" in host:
        host = f"[{host}]"
    if port:
        host = f"{host}:{port}"
    last = parts.path.rsplit("/", 1)[-1]
    if last and len(last) <= 24:
        return f"{parts.scheme}://{host}/…/{last}"
    return f"{parts.scheme}://{host}/…"


# ---- storing -----------------------------------------------------------------


def _replace(
    calendar: CalendarSource, source: str, intervals: list[Interval], now: datetime
) -> None:
    """Replace one source's rows of a locked CalendarSource."""
    rows = ExternalBusy.objects.filter(professional_id=calendar.professional_id)
    rows.filter(source=source).delete()
    ExternalBusy.objects.bulk_create(
        [
            ExternalBusy(
                professional_id=calendar.professional_id,
                source=source,
                starts_at=begins,
                ends_at=ends,
            )
            for begins, ends in intervals[:MAX_BUSY]
        ],
        batch_size=1000,
    )
    calendar.busy_count = rows.count()
    fields = ["busy_count"]
    if source == ExternalBusy.Source.URL:
        calendar.read_at, calendar.error = now, ""
        fields += ["read_at", "error"]
    else:
        calendar.uploaded_at = now
        fields.append("uploaded_at")
    calendar.save(update_fields=fields)


def store_busy(
    professional: Professional,
    source: str,
    intervals: list[Interval],
    *,
    now: datetime | None = None,
) -> CalendarSource:
    """Replace the professional's busy times from one source ("url" or
    "upload") with these, in one transaction under the CalendarSource's row
    lock: a second reader waits, a crash half-way leaves the old rows."""
    now = now or timezone.now()
    with transaction.atomic():
        calendar, _ = CalendarSource.objects.select_for_update().get_or_create(
            professional=professional
        )
        _replace(calendar, source, intervals, now)
    return calendar


def _horizon(now: datetime) -> dict[str, datetime]:
    return {"start": now, "end": now + timedelta(days=HORIZON_DAYS)}


def upload_calendar(professional: Professional, data: bytes, *, now: datetime | None = None) -> int:
    """Read an uploaded .ics file in place of the previous upload (the
    link's times stay); returns how many busy times it gave. A file that
    cannot be read raises CalendarError and changes nothing."""
    now = now or timezone.now()
    if len(data) > settings.CALENDAR_MAX_BYTES:
        raise CalendarError("too_large")
    intervals = busy_from_ics(data, **_horizon(now))
    store_busy(professional, ExternalBusy.Source.UPLOAD, intervals, now=now)
    return len(intervals)


def set_calendar_url(professional: Professional, url: str) -> CalendarSource:
    """Save the professional's calendar link (checked; webcal:// becomes
    https://) for the worker to read; an empty link removes it and its busy
    times. A changed link keeps the old link's times until the new one has
    been read: a stale busy time offers one slot less, a missing one offers
    a time the person cannot come."""
    url = check_url(url) if url.strip() else ""
    with transaction.atomic():
        calendar, _ = CalendarSource.objects.select_for_update().get_or_create(
            professional=professional
        )
        if calendar.url == url:
            return calendar
        calendar.url, calendar.read_at, calendar.error = url, None, ""
        fields = ["url", "read_at", "error"]
        if not url:
            rows = ExternalBusy.objects.filter(professional=professional)
            rows.filter(source=ExternalBusy.Source.URL).delete()
            calendar.busy_count = rows.count()
            fields.append("busy_count")
        calendar.save(update_fields=fields)
    return calendar


def forget_upload(professional: Professional) -> int:
    """Remove the busy times of the uploaded file (the link's stay); returns
    how many were removed."""
    with transaction.atomic():
        calendar = (
            CalendarSource.objects.select_for_update().filter(professional=professional).first()
        )
        if calendar is None:
            return 0
        rows = ExternalBusy.objects.filter(professional=professional)
        removed, _kinds = rows.filter(source=ExternalBusy.Source.UPLOAD).delete()
        calendar.uploaded_at = None
        calendar.busy_count = rows.count()
        calendar.save(update_fields=["uploaded_at", "busy_count"])
    return removed


def read_calendar_url(source: CalendarSource, *, now: datetime | None = None) -> bool:
    """Read the source's link and store its busy times; True when it worked.
    On failure the error code is recorded and the previous times stay."""
    now = now or timezone.now()
    url = source.url
    try:
        intervals = busy_from_ics(fetch_ics(url), **_horizon(now))
    except CalendarError as error:
        logger.info(
            "Calendar link of professional %s not read: %s", source.professional_id, error.code
        )
        # Only if the link is still the one read: a new link starts without an error.
        CalendarSource.objects.filter(pk=source.pk, url=url).update(error=error.code)
        source.error = error.code
        return False
    # The network is behind us: only the write holds the row lock.
    with transaction.atomic():
        calendar = CalendarSource.objects.select_for_update().filter(pk=source.pk).first()
        if calendar is None or calendar.url != url:
            return False  # removed or changed while we read; the next run reads the new one
        _replace(calendar, ExternalBusy.Source.URL, intervals, now)
    source.read_at, source.error, source.busy_count = now, "", calendar.busy_count
    return True


def read_due_calendars(*, now: datetime | None = None) -> int:
    """Read every link of an active professional not read for a period;
    returns how many were read. One failing feed never stops the others."""
    now = now or timezone.now()
    # Half a period, not a whole one: the job runs once per period, and a link
    # read a few seconds into one period is not a whole period old when the
    # next begins; it would be read only every other period.
    stale = now - timedelta(seconds=settings.CALENDAR_READ_SECONDS / 2)
    due = (
        CalendarSource.objects.filter(professional__is_active=True)
        .exclude(url="")
        .filter(Q(read_at__isnull=True) | Q(read_at__lte=stale))
        .order_by(F("read_at").asc(nulls_first=True), "pk")
    )
    read = 0
    for source in list(due):
        try:
            read += read_calendar_url(source, now=now)
        except Exception:  # a bug in one feed's data must not stop the others
            logger.exception("Calendar link of professional %s failed", source.professional_id)
    return read


@periodic("calendar_reads", every=lambda: settings.CALENDAR_READ_SECONDS)
def _calendar_reads() -> None:
    read_due_calendars()
