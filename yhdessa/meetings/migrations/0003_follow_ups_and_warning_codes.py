"""A meeting knows the held meeting it follows up; its stored warnings become
codes and parameters, shown in the reader's language.

Existing meetings: the warnings were stored as Finnish sentences. Those the
system wrote are recognised and turned into codes; anything else (another
language, an edited text) stays as it is and is shown as such. A meeting
convened after another meeting of the same concern had been held is that
meeting's follow-up.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WEEKDAYS_FI = [
    "maanantai",
    "tiistai",
    "keskiviikko",
    "torstai",
    "perjantai",
    "lauantai",
    "sunnuntai",
]
_TIME = r"(\d{1,2})\.(\d{2})"
_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
OUTSIDE = re.compile(r"^Aika ei osu tiimin kokoontumisaikaan \((.+)\)\.$")
WINDOW = re.compile(rf"^(\w+) klo {_TIME}–{_TIME}$")
LATE = re.compile(
    rf"^Kutsukäytännön mukaan tähän aikaan pyydetään viimeistään {_DATE}; pyyntö on myöhässä\.$"
)
TARGET = re.compile(
    r"^Tiimin kohderyhmä on alle (\d+)-vuotiaat lapset ja heidän perheensä; "
    r"perheen nuorin lapsi on syntynyt (\d{4})\.$"
)
ROLES = re.compile(r"^Yhdessä-tiimiin kutsutaan aina: (.+)\. Kutsusta puuttuu: (.+)\.$")
BOOKED = re.compile(rf"^(.+) on jo varattu toiseen tapaamiseen {_DATE} {_TIME}\.$")


def _hhmm(hour: str, minute: str) -> str:
    return f"{int(hour):02d}:{minute}"


def code_for(text, expertise_codes: dict[str, str]):
    """The code and parameters of a Finnish warning the system wrote, or the
    text itself when it is not one of them."""
    if not isinstance(text, str):
        return text
    if match := OUTSIDE.match(text):
        windows = []
        for part in match.group(1).split(", "):
            window = WINDOW.match(part)
            if not window or window.group(1) not in WEEKDAYS_FI:
                return text
            windows.append(
                [
                    WEEKDAYS_FI.index(window.group(1)),
                    _hhmm(window.group(2), window.group(3)),
                    _hhmm(window.group(4), window.group(5)),
                ]
            )
        return {"code": "outside_windows", "params": {"windows": windows}}
    if match := LATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            deadline = date(year, month, day)
        except ValueError:
            return text
        return {"code": "late_request", "params": {"deadline": deadline.isoformat()}}
    if match := TARGET.match(text):
        return {
            "code": "target_group",
            "params": {"age": int(match.group(1)), "year": int(match.group(2))},
        }
    if match := ROLES.match(text):
        roles, missing = (match.group(i).split(", ") for i in (1, 2))
        if not all(name in expertise_codes for name in roles + missing):
            return text
        return {
            "code": "missing_roles",
            "params": {
                "roles": [expertise_codes[n] for n in roles],
                "missing": [expertise_codes[n] for n in missing],
            },
        }
    if match := BOOKED.match(text):
        name, day, month, year, hour, minute = match.groups()
        try:
            when = datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                tzinfo=ZoneInfo(settings.TIME_ZONE),
            )
        except ValueError:
            return text
        return {"code": "double_booked", "params": {"name": name, "when": when.isoformat()}}
    return text


def forwards(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Expertise = apps.get_model("network", "Expertise")
    expertise_codes = dict(Expertise.objects.values_list("name_fi", "code"))
    changed = []
    for meeting in Meeting.objects.exclude(practice_warnings=[]).only("pk", "practice_warnings"):
        codes = [code_for(w, expertise_codes) for w in meeting.practice_warnings or []]
        if codes != meeting.practice_warnings:
            meeting.practice_warnings = codes
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["practice_warnings"], batch_size=500)

    held = {}
    for m in Meeting.objects.filter(status="held", held_at__isnull=False).only(
        "pk", "concern_id", "held_at", "starts_at"
    ):
        held.setdefault(m.concern_id, []).append(m)
    follow_ups = []
    for meeting in Meeting.objects.filter(concern_id__in=held).only(
        "pk", "concern_id", "created_at"
    ):
        earlier = [
            m
            for m in held[meeting.concern_id]
            if m.pk != meeting.pk and m.held_at <= meeting.created_at
        ]
        if earlier:
            meeting.follows_id = max(earlier, key=lambda m: (m.starts_at, m.pk)).pk
            follow_ups.append(meeting)
    Meeting.objects.bulk_update(follow_ups, ["follows"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meeting_uid"),
        ("network", "0007_change_municipality"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="follows",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_ups",
                to="meetings.meeting",
                verbose_name="edellinen tapaaminen",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
