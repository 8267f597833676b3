"""Own calendars as busy times (yhdessa.scheduling.feeds): the .ics reader
with exact intervals, the stored rows, and the link reader against a real
HTTP server on 127.0.0.1 (nothing is fetched from the internet)."""

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest

from yhdessa.network.models import Professional
from yhdessa.notify.schedule import JOBS
from yhdessa.scheduling import feeds
from yhdessa.scheduling.feeds import (
    ERROR_TEXTS,
    CalendarError,
    busy_from_ics,
    check_url,
    fetch_ics,
    mask_url,
    read_calendar_url,
    read_due_calendars,
    set_calendar_url,
    store_busy,
    upload_calendar,
)
from yhdessa.scheduling.models import CalendarSource, ExternalBusy


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


START, END = utc(2025, 3, 1), utc(2025, 6, 1)
# A Monday morning; the link reader looks 120 days ahead from it.
NOW = utc(2025, 3, 3, 6)


def event(*lines: str, uid: str = "e1") -> str:
    return "\n".join(["BEGIN:VEVENT", f"UID:{uid}", *lines, "END:VEVENT"])


def ics(*components: str) -> bytes:
    text = "\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Yhdessa tests//FI", *components]
        + ["END:VCALENDAR", ""]
    )
    return text.replace("\n", "\r\n").encode()


def busy(data: bytes, start: datetime = START, end: datetime = END):
    return busy_from_ics(data, start=start, end=end)


PLAIN = ics(event("SUMMARY:Tiimi", "DTSTART:20250310T080000Z", "DTEND:20250310T090000Z"))


# ---- the file ----------------------------------------------------------------


def test_a_plain_event_is_its_own_time_in_utc():
    assert busy(PLAIN) == [(utc(2025, 3, 10, 8), utc(2025, 3, 10, 9))]
    zoned = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20250310T100000",
            "DTEND;TZID=Europe/Helsinki:20250310T113000",
        )
    )
    [(starts, ends)] = busy(zoned)
    assert (starts, ends) == (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9, 30))
    assert starts.tzinfo is UTC and ends.tzinfo is UTC


def test_an_event_built_with_the_icalendar_library():
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Yhdessa tests//FI")
    calendar.add("version", "2.0")
    meeting = icalendar.Event()
    meeting.add("uid", "lib-1")
    meeting.add("summary", "Perheen asia")
    meeting.add("dtstart", utc(2025, 4, 2, 11))
    meeting.add("duration", timedelta(minutes=45))
    calendar.add_component(meeting)
    assert busy(calendar.to_ical()) == [(utc(2025, 4, 2, 11), utc(2025, 4, 2, 11, 45))]


def test_a_weekly_rule_with_an_exdate():
    data = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20250303T090000",
            "DTEND;TZID=Europe/Helsinki:20250303T100000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Helsinki:20250310T090000",
        )
    )
    assert busy(data) == [
        (utc(2025, 3, 3, 7), utc(2025, 3, 3, 8)),
        (utc(2025, 3, 17, 7), utc(2025, 3, 17, 8)),
        (utc(2025, 3, 24, 7), utc(2025, 3, 24, 8)),
    ]


def test_changed_cancelled_and_added_instances_of_a_series():
    data = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20250303T090000",
            "DTEND;TZID=Europe/Helsinki:20250303T100000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "RDATE;TZID=Europe/Helsinki:20250326T140000",
            uid="series",
        ),
        # 17 March moved to the afternoon, 24 March cancelled.
        event(
            "RECURRENCE-ID;TZID=Europe/Helsinki:20250317T090000",
            "DTSTART;TZID=Europe/Helsinki:20250317T130000",
            "DTEND;TZID=Europe/Helsinki:20250317T140000",
            uid="series",
        ),
        event(
            "RECURRENCE-ID;TZID=Europe/Helsinki:20250324T090000",
            "DTSTART;TZID=Europe/Helsinki:20250324T090000",
            "DTEND;TZID=Europe/Helsinki:20250324T100000",
            "STATUS:CANCELLED",
            uid="series",
        ),
    )
    assert busy(data) == [
        (utc(2025, 3, 3, 7), utc(2025, 3, 3, 8)),
        (utc(2025, 3, 10, 7), utc(2025, 3, 10, 8)),
        (utc(2025, 3, 17, 11), utc(2025, 3, 17, 12)),
        (utc(2025, 3, 26, 12), utc(2025, 3, 26, 13)),
    ]


def test_a_recurrence_across_the_daylight_saving_changes_keeps_the_local_hour():
    spring = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20250324T100000",
            "DTEND;TZID=Europe/Helsinki:20250324T110000",
            "RRULE:FREQ=WEEKLY;COUNT=2",
        )
    )
    # Summer time began on Sunday 30 March: 10:00 is 08:00Z, then 07:00Z.
    assert busy(spring) == [
        (utc(2025, 3, 24, 8), utc(2025, 3, 24, 9)),
        (utc(2025, 3, 31, 7), utc(2025, 3, 31, 8)),
    ]
    autumn = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20251020T100000",
            "DTEND;TZID=Europe/Helsinki:20251020T110000",
            "RRULE:FREQ=WEEKLY;COUNT=2",
        )
    )
    assert busy(autumn, utc(2025, 10, 1), utc(2025, 11, 1)) == [
        (utc(2025, 10, 20, 7), utc(2025, 10, 20, 8)),
        (utc(2025, 10, 27, 8), utc(2025, 10, 27, 9)),
    ]


def test_all_day_events_are_busy_for_their_whole_local_days():
    one_day = ics(event("DTSTART;VALUE=DATE:20250311"))
    assert busy(one_day) == [(utc(2025, 3, 10, 22), utc(2025, 3, 11, 22))]
    two_days = ics(event("DTSTART;VALUE=DATE:20250312", "DTEND;VALUE=DATE:20250314"))
    assert busy(two_days) == [(utc(2025, 3, 11, 22), utc(2025, 3, 13, 22))]
    # The day summer time begins has 23 hours.
    short_day = ics(event("DTSTART;VALUE=DATE:20250330", "DTEND;VALUE=DATE:20250331"))
    assert busy(short_day) == [(utc(2025, 3, 29, 22), utc(2025, 3, 30, 21))]


def test_floating_times_are_helsinki_time():
    data = ics(
        event("DTSTART:20250310T100000", "DTEND:20250310T110000", uid="winter"),
        event("DTSTART:20250512T100000", "DTEND:20250512T110000", uid="summer"),
    )
    assert busy(data) == [
        (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9)),
        (utc(2025, 5, 12, 7), utc(2025, 5, 12, 8)),
    ]


def test_free_and_cancelled_events_are_not_busy():
    data = ics(
        event("DTSTART:20250310T080000Z", "DTEND:20250310T090000Z", "TRANSP:TRANSPARENT", uid="a"),
        event("DTSTART:20250311T080000Z", "DTEND:20250311T090000Z", "STATUS:CANCELLED", uid="b"),
        event(
            "DTSTART:20250312T080000Z",
            "DTEND:20250312T090000Z",
            "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
            uid="c",
        ),
        event("DTSTART:20250313T080000Z", "DTEND:20250313T090000Z", "TRANSP:OPAQUE", uid="d"),
    )
    assert busy(data) == [(utc(2025, 3, 13, 8), utc(2025, 3, 13, 9))]


def test_free_busy_periods_count_except_the_free_ones():
    data = ics(
        "\n".join(
            [
                "BEGIN:VFREEBUSY",
                "DTSTART:20250301T000000Z",
                "DTEND:20250401T000000Z",
                "FREEBUSY:20250313T100000Z/20250313T110000Z,20250314T120000Z/PT1H30M",
                "FREEBUSY;FBTYPE=FREE:20250315T100000Z/20250315T110000Z",
                "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20250316T100000Z/20250316T110000Z",
                "END:VFREEBUSY",
            ]
        )
    )
    assert busy(data) == [
        (utc(2025, 3, 13, 10), utc(2025, 3, 13, 11)),
        (utc(2025, 3, 14, 12), utc(2025, 3, 14, 13, 30)),
        (utc(2025, 3, 16, 10), utc(2025, 3, 16, 11)),
    ]


def test_an_outlook_time_zone_by_its_windows_name():
    data = ics(
        "\n".join(
            [
                "BEGIN:VTIMEZONE",
                "TZID:FLE Standard Time",
                "BEGIN:STANDARD",
                "DTSTART:16010101T040000",
                "TZOFFSETFROM:+0300",
                "TZOFFSETTO:+0200",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:16010101T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0300",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                "END:DAYLIGHT",
                "END:VTIMEZONE",
            ]
        ),
        event(
            "DTSTART;TZID=FLE Standard Time:20250410T100000",
            "DTEND;TZID=FLE Standard Time:20250410T110000",
        ),
    )
    assert busy(data) == [(utc(2025, 4, 10, 7), utc(2025, 4, 10, 8))]


def test_overlapping_and_touching_times_are_merged():
    data = ics(
        event("DTSTART:20250310T080000Z", "DTEND:20250310T090000Z", uid="a"),
        event("DTSTART:20250310T083000Z", "DTEND:20250310T100000Z", uid="b"),
        event("DTSTART:20250310T100000Z", "DTEND:20250310T103000Z", uid="c"),
        event("DTSTART:20250310T120000Z", "DTEND:20250310T130000Z", uid="d"),
    )
    assert busy(data) == [
        (utc(2025, 3, 10, 8), utc(2025, 3, 10, 10, 30)),
        (utc(2025, 3, 10, 12), utc(2025, 3, 10, 13)),
    ]


def test_only_times_overlapping_the_window_and_not_cut():
    data = ics(
        event("DTSTART:20250228T100000Z", "DTEND:20250228T110000Z", uid="before"),
        event("DTSTART:20250228T230000Z", "DTEND:20250301T010000Z", uid="across"),
        event("DTSTART:20250601T000000Z", "DTEND:20250601T010000Z", uid="at-end"),
        event("DTSTART:20250610T000000Z", "DTEND:20250610T010000Z", uid="after"),
        event(
            "DTSTART:20250610T000000Z",
            "DTEND:20250610T010000Z",
            "RRULE:FREQ=DAILY",
            uid="series-after",
        ),
    )
    assert busy(data) == [(utc(2025, 2, 28, 23), utc(2025, 3, 1, 1))]


def test_broken_events_are_skipped_and_the_rest_read():
    data = ics(
        event("DTSTART:notadate", "DTEND:20250310T090000Z", uid="bad-start"),
        event("DTEND:20250310T090000Z", uid="no-start"),
        event("DTSTART:20250311T080000Z", "RRULE:FREQ=BOGUS", uid="bad-rule"),
        event("DTSTART:20250312T090000Z", "DTEND:20250312T080000Z", uid="ends-first"),
        event("DTSTART;VALUE=DATE:20250313", "DTEND:20250313T100000Z", uid="mixed"),
        event("DTSTART:20250314T080000Z", "RRULE:FREQ=DAILY;INTERVAL=0", uid="zero"),
        event("DTSTART:20250315T080000Z", "DTEND:20250315T090000Z", uid="good"),
    )
    assert busy(data) == [(utc(2025, 3, 15, 8), utc(2025, 3, 15, 9))]


def test_a_rule_repeating_every_second_is_skipped_quickly():
    data = ics(
        event("DTSTART:20000101T000000Z", "DTEND:20000101T000001Z", "RRULE:FREQ=SECONDLY", uid="a"),
        event(
            "DTSTART:20250101T000000Z",
            "DTEND:20250101T000001Z",
            "RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10;"
            "BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12",
            uid="b",
        ),
        event("DTSTART:20250315T080000Z", "DTEND:20250315T090000Z", uid="good"),
    )
    began = time.monotonic()
    assert busy(data) == [(utc(2025, 3, 15, 8), utc(2025, 3, 15, 9))]
    assert time.monotonic() - began < 5


def test_a_long_running_series_and_one_that_ended_long_ago():
    data = ics(
        event(
            "DTSTART;TZID=Europe/Helsinki:20050103T083000",
            "DTEND;TZID=Europe/Helsinki:20050103T090000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            uid="since-2005",
        ),
        event(
            "DTSTART:20000103T080000Z",
            "DTEND:20000103T090000Z",
            "RRULE:FREQ=DAILY;UNTIL=20100101T000000Z",
            uid="ended",
        ),
    )
    found = busy(data, utc(2025, 3, 1), utc(2025, 3, 15))
    assert found == [
        (utc(2025, 3, 3, 6, 30), utc(2025, 3, 3, 7)),
        (utc(2025, 3, 10, 6, 30), utc(2025, 3, 10, 7)),
    ]


def test_at_most_max_busy_times_the_earliest():
    events = [
        event(
            f"DTSTART:{START + timedelta(hours=2 * i):%Y%m%dT%H%M%SZ}",
            f"DTEND:{START + timedelta(hours=2 * i, minutes=30):%Y%m%dT%H%M%SZ}",
            uid=f"e{i}",
        )
        for i in range(feeds.MAX_BUSY + 100)
    ]
    found = busy(ics(*events), START, START + timedelta(days=500))
    assert len(found) == feeds.MAX_BUSY
    assert found[-1][0] == START + timedelta(hours=2 * (feeds.MAX_BUSY - 1))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"<!doctype html><html><body>Kirjaudu sis\xc3\xa4\xc3\xa4n</body></html>",
        b"BEGIN:VCALENDAR\r\n",
        b"BEGIN:VEVENT\r\nDTSTART:20250310T080000Z\r\nEND:VEVENT\r\n",
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Matti\r\nEND:VCARD\r\n",
    ],
)
def test_what_is_not_icalendar_is_unreadable(data):
    with pytest.raises(CalendarError) as raised:
        busy(data)
    assert raised.value.code == "unreadable"


def test_several_calendars_in_one_file_are_all_read():
    second = ics(event("DTSTART:20250311T080000Z", "DTEND:20250311T090000Z", uid="x"))
    assert busy(PLAIN + second) == [
        (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9)),
        (utc(2025, 3, 11, 8), utc(2025, 3, 11, 9)),
    ]


def test_an_empty_calendar_has_no_busy_times():
    assert busy(ics()) == []


# ---- errors and the masked link ----------------------------------------------


def test_every_error_code_has_a_finnish_text():
    assert set(ERROR_TEXTS) == {
        "unreadable",
        "too_large",
        "not_public",
        "bad_url",
        "timeout",
        "http_error",
        "unreachable",
    }
    assert str(ERROR_TEXTS["unreadable"]) == (
        "Kalenteria ei voitu lukea: tiedosto ei ole iCalendar-muotoa (.ics)."
    )
    assert all(str(text).endswith(".") for text in ERROR_TEXTS.values())
    with pytest.raises(ValueError):
        CalendarError("no_such_code")


@pytest.mark.parametrize(
    "url,shown",
    [
        (
            "https://outlook.office365.com/owa/calendar/0f1e2d3c@kunta.fi/"
            "a1b2c3d4e5f60718293a4b5c6d7e8f90/calendar.ics",
            "https://outlook.office365.com/…/calendar.ics",
        ),
        (
            "https://calendar.google.com/calendar/ical/sanna%40gmail.com/"
            "private-0123456789abcdef0123/basic.ics",
            "https://calendar.google.com/…/basic.ics",
        ),
        # The last segment is the token itself: not shown.
        (
            "https://p01-caldav.icloud.com/published/2/MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3",
            "https://p01-caldav.icloud.com/…",
        ),
        (
            "https://user:secret@cal.example.org:8443/c.ics?token=abc",
            "https://cal.example.org:8443/…/c.ics",
        ),
        ("http://[2001:db8::1]/feed.ics", "http://[2001:db8::1]/…/feed.ics"),
        ("not a link", "…"),
    ],
)
def test_mask_url_never_shows_the_secret(url, shown):
    assert mask_url(url) == shown
    for secret in ("a1b2c3d4", "private-", "MTIzNDU2", "secret", "token", "abc"):
        assert secret not in mask_url(url)


# ---- checking a link ---------------------------------------------------------


@pytest.mark.parametrize(
    "url,code",
    [
        ("http://127.0.0.1/", "not_public"),
        ("http://10.0.0.1/cal.ics", "not_public"),
        ("http://192.168.1.20/cal.ics", "not_public"),
        ("http://[::1]/", "not_public"),
        ("http://[::ffff:127.0.0.1]/", "not_public"),
        ("http://169.254.169.254/latest/meta-data/", "not_public"),
        ("http://100.64.0.1/", "not_public"),
        ("http://0.0.0.0/", "not_public"),
        ("http://224.0.0.1/", "not_public"),
        ("http://2130706433/", "not_public"),  # 127.0.0.1 as one number
        ("http://localhost:8000/", "not_public"),
        ("ftp://93.184.215.14/cal.ics", "bad_url"),
        ("file:///etc/passwd", "bad_url"),
        ("javascript:alert(1)", "bad_url"),
        ("https://", "bad_url"),
        ("https://93.184.215.14:99999/", "bad_url"),
        ("https://93.184.215.14/a b.ics", "bad_url"),
        ("https://93.184.215.14/" + "a" * 1000, "bad_url"),
    ],
)
def test_check_url_refuses(url, code):
    with pytest.raises(CalendarError) as raised:
        check_url(url)
    assert raised.value.code == code


def test_check_url_accepts_public_links_and_reads_webcal_as_https():
    assert check_url("webcal://93.184.215.14/x.ics") == "https://93.184.215.14/x.ics"
    assert check_url("WEBCAL://93.184.215.14/x.ics") == "https://93.184.215.14/x.ics"
    assert check_url("  http://93.184.215.14/x.ics?k=1 ") == "http://93.184.215.14/x.ics?k=1"
    assert check_url("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/c.ics").startswith(
        "https://["
    )


def test_check_url_allows_private_hosts_when_the_setting_says_so(settings):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = True
    assert check_url("http://127.0.0.1:8080/c.ics") == "http://127.0.0.1:8080/c.ics"
    with pytest.raises(CalendarError):
        check_url("ftp://127.0.0.1/c.ics")


# ---- a real calendar server --------------------------------------------------


Respond = Callable[[BaseHTTPRequestHandler], None]


class Feed:
    """A calendar server on 127.0.0.1: each path answers as the test says."""

    def __init__(self) -> None:
        self.routes: dict[str, Respond] = {}
        self.requests: list[str] = []
        self.port = 0

    def url(self, path: str = "/cal.ics") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def answer(body: bytes, *, status: int = 200, headers=(), length: bool = True) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location: str) -> Respond:
    return answer(b"", status=302, headers=[("Location", location)])


@pytest.fixture
def feed(settings) -> Iterator[Feed]:
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = True
    server = Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            respond = server.routes.get(self.path)
            if respond is None:
                self.send_error(404)
                return
            try:
                respond(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the reader gave up, as it should

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


CALENDAR = ics(
    event(
        "SUMMARY:Asiakas Virtanen, lastensuojeluilmoitus",
        "LOCATION:Sosiaalitoimisto, huone 3",
        "ATTENDEE;CN=Matti Virtanen:mailto:matti@koti.example",
        "DTSTART;TZID=Europe/Helsinki:20250304T090000",
        "DTEND;TZID=Europe/Helsinki:20250304T100000",
        "RRULE:FREQ=WEEKLY;COUNT=2",
    )
)
CALENDAR_TIMES = [
    (utc(2025, 3, 4, 7), utc(2025, 3, 4, 8)),
    (utc(2025, 3, 11, 7), utc(2025, 3, 11, 8)),
]
UPLOAD = ics(event("SUMMARY:Hammaslääkäri", "DTSTART:20250305T120000Z", "DTEND:20250305T130000Z"))


def rows(professional, source: str | None = None) -> list[tuple[datetime, datetime]]:
    found = ExternalBusy.objects.filter(professional=professional)
    if source:
        found = found.filter(source=source)
    return list(found.order_by("starts_at").values_list("starts_at", "ends_at"))


def test_fetch_ics_reads_the_body(feed):
    feed.routes["/cal.ics"] = answer(CALENDAR, headers=[("Content-Type", "text/calendar")])
    assert fetch_ics(feed.url()) == CALENDAR


@pytest.mark.django_db
def test_read_due_calendars_reads_the_link_and_stores_the_times(feed, network):
    mikko = network.people["mikko"]
    feed.routes["/cal.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url())

    assert read_due_calendars(now=NOW) == 1

    assert rows(mikko, ExternalBusy.Source.URL) == CALENDAR_TIMES
    source = CalendarSource.objects.get(professional=mikko)
    assert (source.read_at, source.error, source.busy_count) == (NOW, "", 2)
    assert feed.requests == ["/cal.ics"]


@pytest.mark.django_db
def test_a_link_is_read_again_a_period_later_not_sooner(feed, network, settings):
    mikko = network.people["mikko"]
    feed.routes["/cal.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url())
    read_due_calendars(now=NOW)

    assert read_due_calendars(now=NOW + timedelta(minutes=5)) == 0
    assert feed.requests == ["/cal.ics"]
    # Read a few seconds into one period, due at the start of the next.
    later = NOW + timedelta(seconds=settings.CALENDAR_READ_SECONDS - 5)
    assert read_due_calendars(now=later) == 1
    assert feed.requests == ["/cal.ics", "/cal.ics"]
    assert CalendarSource.objects.get(professional=mikko).read_at == later


@pytest.mark.django_db
def test_only_active_professionals_with_a_link_are_read(feed, network):
    mikko, leena, antti = (network.people[k] for k in ("mikko", "leena", "antti"))
    feed.routes["/m.ics"] = answer(CALENDAR)
    feed.routes["/l.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url("/m.ics"))
    set_calendar_url(leena, feed.url("/l.ics"))
    upload_calendar(antti, UPLOAD, now=NOW)  # a source without a link
    Professional.objects.filter(pk=leena.pk).update(is_active=False)

    assert read_due_calendars(now=NOW) == 1
    assert feed.requests == ["/m.ics"]
    assert rows(leena) == []


@pytest.mark.django_db
def test_one_failing_feed_does_not_stop_the_others(feed, network):
    mikko, leena = network.people["mikko"], network.people["leena"]
    feed.routes["/ok.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url("/gone.ics"))
    set_calendar_url(leena, feed.url("/ok.ics"))

    assert read_due_calendars(now=NOW) == 1

    assert CalendarSource.objects.get(professional=mikko).error == "http_error"
    assert rows(leena) == CALENDAR_TIMES


@pytest.mark.django_db
def test_a_failed_read_records_the_error_and_keeps_the_previous_times(feed, network):
    mikko = network.people["mikko"]
    feed.routes["/cal.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url())
    read_due_calendars(now=NOW)
    del feed.routes["/cal.ics"]

    source = CalendarSource.objects.get(professional=mikko)
    assert read_calendar_url(source, now=NOW + timedelta(hours=1)) is False

    source.refresh_from_db()
    assert (source.error, source.read_at, source.busy_count) == ("http_error", NOW, 2)
    assert rows(mikko) == CALENDAR_TIMES
    # The link works again: the error goes.
    feed.routes["/cal.ics"] = answer(CALENDAR)
    assert read_calendar_url(source, now=NOW + timedelta(hours=2)) is True
    source.refresh_from_db()
    assert source.error == ""


@pytest.mark.django_db
def test_a_link_changed_while_it_was_read_stores_nothing(feed, network):
    mikko = network.people["mikko"]
    feed.routes["/old.ics"] = answer(CALENDAR)
    set_calendar_url(mikko, feed.url("/old.ics"))
    loaded = CalendarSource.objects.get(professional=mikko)  # as the worker's list has it
    set_calendar_url(mikko, feed.url("/new.ics"))

    assert read_calendar_url(loaded, now=NOW) is False

    assert rows(mikko) == []
    source = CalendarSource.objects.get(professional=mikko)
    assert (source.url, source.read_at) == (feed.url("/new.ics"), None)


@pytest.mark.parametrize(
    "respond",
    [
        answer(b"BEGIN:VCALENDAR\r\n" + b"X" * 2_000),
        answer(b"BEGIN:VCALENDAR\r\n" + b"X" * 2_000, length=False),
        # 5 MB of a calendar compressed to a few kilobytes.
        answer(
            gzip.compress(b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 5_000_000),
            headers=[("Content-Encoding", "gzip")],
        ),
    ],
    ids=["declared", "streamed", "gzip"],
)
def test_an_oversize_calendar_is_too_large(feed, settings, respond):
    settings.CALENDAR_MAX_BYTES = 1_000
    feed.routes["/cal.ics"] = respond
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "too_large"


def test_a_slow_server_times_out(feed, settings):
    settings.CALENDAR_READ_TIMEOUT = 0.3

    def slow(handler):
        time.sleep(1.5)
        answer(CALENDAR)(handler)

    feed.routes["/cal.ics"] = slow
    began = time.monotonic()
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "timeout"
    assert time.monotonic() - began < 1.2


def test_a_server_trickling_a_byte_at_a_time_times_out(feed, settings):
    settings.CALENDAR_READ_TIMEOUT = 0.5

    def trickle(handler):
        handler.send_response(200)
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"X")
            handler.wfile.flush()
            time.sleep(0.05)

    feed.routes["/cal.ics"] = trickle
    began = time.monotonic()
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "timeout"
    assert time.monotonic() - began < 2


@pytest.mark.parametrize("status", [401, 403, 404, 500])
def test_an_http_error_status(feed, status):
    feed.routes["/cal.ics"] = answer(b"no", status=status)
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "http_error"


def test_a_login_page_instead_of_a_calendar_is_unreadable(feed):
    feed.routes["/cal.ics"] = answer(b"<html><body>Kirjaudu</body></html>")
    with pytest.raises(CalendarError) as raised:
        busy_from_ics(fetch_ics(feed.url()), start=START, end=END)
    assert raised.value.code == "unreadable"


def test_a_server_that_is_not_there_is_unreachable(settings):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = True
    with pytest.raises(CalendarError) as raised:
        fetch_ics("http://127.0.0.1:1/cal.ics")  # nothing listens on port 1
    assert raised.value.code == "unreachable"


def test_redirects_are_followed_a_few_times(feed):
    feed.routes["/old.ics"] = redirect("/cal.ics")
    feed.routes["/cal.ics"] = answer(CALENDAR)
    assert fetch_ics(feed.url("/old.ics")) == CALENDAR

    feed.routes["/loop.ics"] = redirect("/loop.ics")
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url("/loop.ics"))
    assert raised.value.code == "http_error"
    assert feed.requests.count("/loop.ics") == feeds.MAX_REDIRECTS + 1


def test_a_redirect_to_another_scheme_is_refused(feed):
    feed.routes["/cal.ics"] = redirect("file:///etc/passwd")
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "bad_url"


def test_a_redirect_into_the_private_network_is_refused(feed, settings):
    feed.routes["/inside.ics"] = answer(CALENDAR)

    def to_private(handler):
        # The first server stands for a public one: from its answer on,
        # 127.0.0.1 is what it really is, a private address.
        settings.CALENDAR_ALLOW_PRIVATE_HOSTS = False
        redirect(feed.url("/inside.ics"))(handler)

    feed.routes["/cal.ics"] = to_private
    with pytest.raises(CalendarError) as raised:
        fetch_ics(feed.url())
    assert raised.value.code == "not_public"
    assert feed.requests == ["/cal.ics"]


def test_the_connection_itself_refuses_a_private_peer(feed, settings):
    """Whatever a name resolved to when it was checked (DNS rebinding), the
    request goes nowhere if the socket's peer is private."""
    feed.routes["/cal.ics"] = answer(CALENDAR)
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = False
    with feeds._session() as session, pytest.raises(CalendarError) as raised:
        session.get(feed.url(), timeout=2)
    assert raised.value.code == "not_public"
    assert feed.requests == []
    # The same guard on https (no connection is made to look).
    with feeds._session() as session:
        pools = session.get_adapter("https://93.184.215.14/").poolmanager
        pool = pools.connection_from_url("https://93.184.215.14/c.ics")
        assert pool.ConnectionCls is feeds._HTTPSConnection


# ---- uploads and stored rows -------------------------------------------------


@pytest.mark.django_db
def test_an_upload_keeps_only_the_times(network):
    sanna = network.people["sanna"]
    assert upload_calendar(sanna, CALENDAR, now=NOW) == 2

    assert rows(sanna, ExternalBusy.Source.UPLOAD) == CALENDAR_TIMES
    source = CalendarSource.objects.get(professional=sanna)
    assert (source.uploaded_at, source.busy_count, source.read_at) == (NOW, 2, None)
    # No field that could hold a title, a place or a person.
    assert {f.name for f in ExternalBusy._meta.concrete_fields} == {
        "id",
        "professional",
        "source",
        "starts_at",
        "ends_at",
    }
    stored = [*ExternalBusy.objects.values_list(), *CalendarSource.objects.values_list()]
    for secret in ("Virtanen", "lastensuojelu", "Sosiaalitoimisto", "matti@"):
        assert not any(secret in str(value) for row in stored for value in row)


@pytest.mark.django_db
def test_an_upload_replaces_the_previous_upload_but_not_the_link_times(network):
    sanna = network.people["sanna"]
    store_busy(sanna, ExternalBusy.Source.URL, CALENDAR_TIMES, now=NOW)
    upload_calendar(sanna, PLAIN, now=NOW)

    later = NOW + timedelta(days=1)
    assert upload_calendar(sanna, UPLOAD, now=later) == 1

    assert rows(sanna, ExternalBusy.Source.UPLOAD) == [(utc(2025, 3, 5, 12), utc(2025, 3, 5, 13))]
    assert rows(sanna, ExternalBusy.Source.URL) == CALENDAR_TIMES
    source = CalendarSource.objects.get(professional=sanna)
    assert (source.uploaded_at, source.busy_count) == (later, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,code", [(b"\x00\xffnot a calendar", "unreadable"), (b"B" * 3_000, "too_large")]
)
def test_a_bad_upload_changes_nothing(network, settings, data, code):
    settings.CALENDAR_MAX_BYTES = 2_000
    sanna = network.people["sanna"]
    upload_calendar(sanna, UPLOAD, now=NOW)

    with pytest.raises(CalendarError) as raised:
        upload_calendar(sanna, data, now=NOW + timedelta(days=1))

    assert raised.value.code == code
    assert rows(sanna) == [(utc(2025, 3, 5, 12), utc(2025, 3, 5, 13))]
    assert CalendarSource.objects.get(professional=sanna).uploaded_at == NOW


@pytest.mark.django_db
def test_a_first_bad_upload_creates_nothing(network):
    with pytest.raises(CalendarError):
        upload_calendar(network.people["sanna"], b"garbage")
    assert not CalendarSource.objects.exists()
    assert not ExternalBusy.objects.exists()


@pytest.mark.django_db
def test_store_busy_is_idempotent(network, django_assert_num_queries):
    sanna = network.people["sanna"]
    store_busy(sanna, ExternalBusy.Source.URL, CALENDAR_TIMES, now=NOW)
    first = rows(sanna)
    # savepoint, the locked CalendarSource, delete the source's rows, one
    # insert, count the person's rows, update the source, release
    with django_assert_num_queries(7):
        store_busy(sanna, ExternalBusy.Source.URL, CALENDAR_TIMES, now=NOW)
    assert rows(sanna) == first == CALENDAR_TIMES
    assert CalendarSource.objects.get(professional=sanna).busy_count == 2


# ---- the link as the page sets it --------------------------------------------


@pytest.mark.django_db
def test_set_calendar_url_saves_a_checked_link_without_reading_it(network, settings):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = False
    sanna = network.people["sanna"]
    source = set_calendar_url(sanna, "webcal://93.184.215.14/calendar.ics")
    source.refresh_from_db()
    assert (source.url, source.read_at, source.error) == (
        "https://93.184.215.14/calendar.ics",
        None,
        "",
    )
    assert not ExternalBusy.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,code", [("http://10.1.2.3/cal.ics", "not_public"), ("ftp://93.184.215.14/c", "bad_url")]
)
def test_set_calendar_url_refuses_a_bad_link_and_keeps_the_old(network, settings, url, code):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = False
    sanna = network.people["sanna"]
    set_calendar_url(sanna, "https://93.184.215.14/calendar.ics")
    with pytest.raises(CalendarError) as raised:
        set_calendar_url(sanna, url)
    assert raised.value.code == code
    assert (
        CalendarSource.objects.get(professional=sanna).url == "https://93.184.215.14/calendar.ics"
    )


@pytest.mark.django_db
def test_an_empty_link_removes_the_link_and_its_times_but_not_the_upload(network):
    sanna = network.people["sanna"]
    set_calendar_url(sanna, "https://93.184.215.14/calendar.ics")
    store_busy(sanna, ExternalBusy.Source.URL, CALENDAR_TIMES, now=NOW)
    upload_calendar(sanna, UPLOAD, now=NOW)

    source = set_calendar_url(sanna, "  ")

    source.refresh_from_db()
    assert (source.url, source.read_at, source.busy_count) == ("", None, 1)
    assert rows(sanna, ExternalBusy.Source.URL) == []
    assert rows(sanna, ExternalBusy.Source.UPLOAD) == [(utc(2025, 3, 5, 12), utc(2025, 3, 5, 13))]


@pytest.mark.django_db
def test_saving_the_same_link_again_keeps_its_reading(network):
    sanna = network.people["sanna"]
    set_calendar_url(sanna, "https://93.184.215.14/calendar.ics")
    store_busy(sanna, ExternalBusy.Source.URL, CALENDAR_TIMES, now=NOW)
    source = set_calendar_url(sanna, "https://93.184.215.14/calendar.ics")
    assert source.read_at == NOW
    assert rows(sanna) == CALENDAR_TIMES


def test_the_reads_are_a_periodic_job(settings):
    settings.CALENDAR_READ_SECONDS = 1800
    job = JOBS["calendar_reads"]
    assert job.every() == 1800
    assert job.run is feeds._calendar_reads
