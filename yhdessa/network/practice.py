"""The rules of an invitation practice (kutsukäytäntö): when the team meets,
by when it must be asked, and what a chosen time breaks. Pure functions, so
the convening page, the API and the slot finder share them."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yhdessa.formats import time_of_day
from yhdessa.network.models import Expertise, InvitationPractice
from yhdessa.network.working_days import subtract_working_days


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    starts: time
    ends: time


def windows_of(practice: InvitationPractice) -> list[Window]:
    return [Window(s.weekday, s.starts, s.ends) for s in practice.slots.all()]


def earliest_meeting_day(practice: InvitationPractice | None, today: date) -> date | None:
    """The first day whose request deadline has not passed today (None: the
    practice sets no deadline)."""
    if practice is None or practice.deadline_rule == InvitationPractice.DeadlineRule.NONE:
        return None
    day = today
    for _offset in range(400):
        deadline = request_deadline(practice, day)
        if deadline is None or deadline >= today:
            return day
        day += timedelta(days=1)
    return day


def request_deadline(practice: InvitationPractice, meeting_day: date) -> date | None:
    """The last day on which a meeting on ``meeting_day`` may be requested."""
    rule = practice.deadline_rule
    if rule == InvitationPractice.DeadlineRule.WEEKDAY_OF_PREVIOUS_WEEK:
        monday_of_meeting_week = meeting_day - timedelta(days=meeting_day.weekday())
        return (
            monday_of_meeting_week - timedelta(days=7) + timedelta(days=practice.deadline_weekday)
        )
    if rule == InvitationPractice.DeadlineRule.WORKING_DAYS_BEFORE:
        return subtract_working_days(meeting_day, practice.deadline_working_days)
    return None


def _fits_window(windows: list[Window], start: datetime, end: datetime) -> bool:
    return any(
        w.weekday == start.weekday()
        and w.starts <= start.time()
        and end.time() <= w.ends
        and start.date() == end.date()
        for w in windows
    )


def _window_text(w: Window) -> str:
    return f"{WEEKDAYS[w.weekday]} {time_of_day(w.starts, w.ends)}"


def _windows_text(windows: list[Window]) -> str:
    return ", ".join(_window_text(w) for w in windows)


class Topic:
    """What a breach is about, so that a page heads it rightly: the practice's
    times, the standing team's make-up, or its target group."""

    PRACTICE = "practice"
    TEAM = "team"
    TARGET_GROUP = "target_group"


@dataclass(frozen=True)
class Breach:
    """A rule of the practice or of a standing team that a chosen time or
    invitation breaks: a code and plain parameters (JSON), so that it is
    stored as such with the meeting and written out in the reader's language
    whenever it is shown (``str(breach)``)."""

    code: str
    params: dict = field(default_factory=dict)

    OUTSIDE_WINDOWS = "outside_windows"
    LATE_REQUEST = "late_request"
    TARGET_GROUP = "target_group"
    MISSING_ROLES = "missing_roles"

    @property
    def topic(self) -> str:
        return {
            self.TARGET_GROUP: Topic.TARGET_GROUP,
            self.MISSING_ROLES: Topic.TEAM,
        }.get(self.code, Topic.PRACTICE)

    def as_json(self) -> dict:
        return {"code": self.code, "params": self.params}

    def __str__(self) -> str:
        p = self.params
        if self.code == self.OUTSIDE_WINDOWS:
            windows = [
                Window(w, time.fromisoformat(s), time.fromisoformat(e)) for w, s, e in p["windows"]
            ]
            return _("Aika ei osu tiimin kokoontumisaikaan (%(windows)s).") % {
                "windows": _windows_text(windows)
            }
        if self.code == self.LATE_REQUEST:
            deadline = date.fromisoformat(p["deadline"])
            return _(
                "Kutsukäytännön mukaan tähän aikaan pyydetään viimeistään %(deadline)s; "
                "pyyntö on myöhässä."
            ) % {"deadline": formats.date_format(deadline, "SHORT_DATE_FORMAT")}
        if self.code == self.TARGET_GROUP:
            return _(
                "Tiimin kohderyhmä on alle %(age)d-vuotiaat lapset ja heidän "
                "perheensä; perheen nuorin lapsi on syntynyt %(year)d."
            ) % {"age": p["age"], "year": p["year"]}
        if self.code == self.MISSING_ROLES:
            names = _expertise_names([*p["roles"], *p["missing"]])
            return _(
                "Yhdessä-tiimiin kutsutaan aina: %(roles)s. Kutsusta puuttuu: %(missing)s."
            ) % {
                "roles": ", ".join(names.get(c, c) for c in p["roles"]),
                "missing": ", ".join(names.get(c, c) for c in p["missing"]),
            }
        return self.code


def _expertise_names(codes: list[str]) -> dict[str, str]:
    """The names of these expertise codes in the active language."""
    return {e.code: e.name for e in Expertise.objects.filter(code__in=set(codes))}


def practice_warnings(
    practice: InvitationPractice | None,
    *,
    starts_at: datetime,
    duration_minutes: int,
    requested_on: date | None = None,
) -> list[Breach]:
    """What a chosen time breaks in the practice."""
    if practice is None:
        return []
    local_start = timezone.localtime(starts_at)
    local_end = local_start + timedelta(minutes=duration_minutes)
    requested_on = requested_on or timezone.localdate()
    warnings = []
    windows = windows_of(practice)
    if windows and not _fits_window(windows, local_start, local_end):
        warnings.append(
            Breach(
                Breach.OUTSIDE_WINDOWS,
                {
                    "windows": [
                        [w.weekday, w.starts.strftime("%H:%M"), w.ends.strftime("%H:%M")]
                        for w in windows
                    ]
                },
            )
        )
    deadline = request_deadline(practice, local_start.date())
    if deadline is not None and requested_on > deadline:
        warnings.append(Breach(Breach.LATE_REQUEST, {"deadline": deadline.isoformat()}))
    return warnings


def describe_practice(practice: InvitationPractice) -> list[str]:
    """The practice explained in words to the convener."""
    lines = []
    windows = windows_of(practice)
    if windows:
        # No full stop after the list: it ends in a time ("klo 10.00").
        lines.append(_("Tiimi kokoontuu: %(windows)s") % {"windows": _windows_text(windows)})
    rule = practice.deadline_rule
    if rule == InvitationPractice.DeadlineRule.WEEKDAY_OF_PREVIOUS_WEEK:
        lines.append(
            _("Pyydä aika viimeistään edellisen viikon %(weekday)sna.")
            % {"weekday": WEEKDAYS[practice.deadline_weekday]}
        )
    elif rule == InvitationPractice.DeadlineRule.WORKING_DAYS_BEFORE:
        lines.append(
            ngettext(
                "Pyydä aika viimeistään %(count)d arkipäivä ennen tapaamista.",
                "Pyydä aika viimeistään %(count)d arkipäivää ennen tapaamista.",
                practice.deadline_working_days,
            )
            % {"count": practice.deadline_working_days}
        )
    channels = [
        label
        for flag, label in (
            (practice.by_email, _("sähköposti")),
            (practice.by_sms, _("tekstiviesti")),
            (practice.by_phone, _("puhelu")),
        )
        if flag
    ]
    if channels:
        lines.append(_("Kutsutapa: %(channels)s.") % {"channels": ", ".join(channels)})
    lines.append(
        _("Tavallinen kesto %(minutes)d min.") % {"minutes": practice.default_duration_minutes}
    )
    if practice.instructions:
        lines.append(practice.instructions)
    return lines


def team_warnings(
    team, *, invitee_codes: list[set[str]], birth_years: list[int], today: date
) -> list[Breach]:
    """A standing team's rules: its target group and the roles always invited."""
    if team is None or team.kind != team.Kind.STANDING:
        return []
    warnings = []
    age = team.target_max_child_age
    # A birth year gives the age to within a year: warn only when the youngest
    # child is certainly outside the target group.
    if age and birth_years and today.year - max(birth_years) > age:
        warnings.append(Breach(Breach.TARGET_GROUP, {"age": age, "year": max(birth_years)}))
    core = [r.expertise.code for r in team.roles.all() if r.kind == "core"]
    missing = [c for c in core if not any(c in codes for codes in invitee_codes)]
    if missing:
        warnings.append(Breach(Breach.MISSING_ROLES, {"roles": core, "missing": missing}))
    return warnings


def describe_team(team) -> list[str]:
    """A standing team's roles and target group in words."""
    if team is None or team.kind != team.Kind.STANDING:
        return []
    lines = []
    for kind, label in (
        ("core", _("Kutsutaan aina: %(roles)s.")),
        ("per_family", _("Kutsutaan perhekohtaisesti: %(roles)s.")),
        ("optional", _("Kutsutaan tarvittaessa: %(roles)s.")),
    ):
        roles = [r.expertise.name for r in team.roles.all() if r.kind == kind]
        if roles:
            lines.append(label % {"roles": ", ".join(roles)})
    if team.target_max_child_age:
        lines.append(
            _("Kohderyhmä: alle %(age)d-vuotiaat lapset ja heidän perheensä.")
            % {"age": team.target_max_child_age}
        )
    return lines
