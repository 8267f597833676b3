"""The warnings a meeting keeps (``Meeting.practice_warnings``): what the
convener confirmed breaking when convening or moving it.

They are stored as codes and plain parameters, never as sentences, and are
written out in the reader's language each time they are shown: a Swedish
reader of a meeting convened in Finnish reads Swedish. A text stored before
the codes (that the data migration could not recognise) is shown as it is.
"""

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa.formats import day_and_time
from yhdessa.network.practice import Breach, Topic

DOUBLE_BOOKED = "double_booked"
# Away then: an absence, the person's own calendar, a standing team's session.
AWAY = "away"
BOOKING = "booking"

# Headings of the meeting page, in the order shown.
HEADINGS = {
    Topic.PRACTICE: gettext_lazy("Kutsuttu kutsukäytännöstä poiketen:"),
    Topic.TEAM: gettext_lazy("Tiimin kokoonpano:"),
    Topic.TARGET_GROUP: gettext_lazy("Kohderyhmä:"),
    BOOKING: gettext_lazy("Päällekkäinen varaus:"),
}


def double_booking(name: str, starts_at: datetime) -> dict:
    """The stored form of 'this person was booked over another meeting'."""
    return {"code": DOUBLE_BOOKED, "params": {"name": name, "when": starts_at.isoformat()}}


def double_booking_text(name: str, starts_at: datetime) -> str:
    return _("%(name)s on jo varattu toiseen tapaamiseen (%(when)s).") % {
        "name": name,
        "when": day_and_time(starts_at),
    }


def away(name: str, starts_at: datetime) -> dict:
    """The stored form of 'this person was invited at a time they are away'."""
    return {"code": AWAY, "params": {"name": name, "when": starts_at.isoformat()}}


def away_text(name: str, starts_at: datetime) -> str:
    return _("%(name)s ei ole vapaana (%(when)s): poissaolo, oma kalenteri tai tiimin istunto.") % {
        "name": name,
        "when": day_and_time(starts_at),
    }


def _topic(item) -> str:
    if isinstance(item, dict) and item.get("code") in (DOUBLE_BOOKED, AWAY):
        return BOOKING
    if isinstance(item, dict) and "code" in item:
        return Breach(item["code"]).topic
    return Topic.PRACTICE


def warning_text(item) -> str:
    """One stored warning in the active language."""
    if isinstance(item, str):
        return item  # stored before the codes and not recognised
    params = item.get("params") or {}
    try:
        if item.get("code") == DOUBLE_BOOKED:
            return double_booking_text(params["name"], datetime.fromisoformat(params["when"]))
        if item.get("code") == AWAY:
            return away_text(params["name"], datetime.fromisoformat(params["when"]))
        return str(Breach(item["code"], params))
    except (KeyError, TypeError, ValueError):
        return str(item.get("text") or item.get("code") or "")


def warning_texts(items: list) -> list[str]:
    return [warning_text(item) for item in items or []]


def warning_groups(items: list) -> list[tuple[str, list[str]]]:
    """The stored warnings under their headings: the practice's times, the
    team's make-up, its target group, double bookings."""
    groups = []
    for topic, heading in HEADINGS.items():
        texts = [warning_text(i) for i in items or [] if _topic(i) == topic]
        if texts:
            groups.append((str(heading), texts))
    return groups


# Headings of the convening and moving pages, which ask before the meeting is made.
ASK_HEADINGS = {
    Topic.PRACTICE: gettext_lazy("Valittu aika poikkeaa kutsukäytännöstä:"),
    Topic.TEAM: gettext_lazy("Tiimin kokoonpano:"),
    Topic.TARGET_GROUP: gettext_lazy("Kohderyhmä:"),
}


def breach_groups(breaches: list[Breach]) -> list[tuple[str, list[str]]]:
    """Breaches found now, under the heading of what they are about."""
    return [
        (str(heading), texts)
        for topic, heading in ASK_HEADINGS.items()
        if (texts := [str(b) for b in breaches if b.topic == topic])
    ]


def kept_on_move(items: list) -> list:
    """What a move keeps of the stored warnings: the team's make-up and target
    group still hold; the old time's breaches and bookings are checked anew."""
    return [i for i in items or [] if _topic(i) in (Topic.TEAM, Topic.TARGET_GROUP)]
