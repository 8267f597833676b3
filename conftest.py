"""Personas and real infrastructure for the tests.

Personas (style.md): ``convener`` (local worker in Järvelä), ``member`` (a
family centre team member in Järvelä who has a login), ``coordinator``
(Järvelä), ``convener2`` (local worker in Koivuranta), ``coordinator2``
(Koivuranta). State is set up through the services, as a user would make it.
"""

import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import import_module

import pytest
from aiosmtpd.controller import Controller
from django.apps import apps as django_apps
from django.db import connection, connections
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.families.services import raise_concern
from yhdessa.meetings.services import convene_meeting, record_meeting_held
from yhdessa.network.models import (
    Expertise,
    FamilyCentreTeam,
    InvitationPractice,
    Municipality,
    Organisation,
    Professional,
    SlotWindow,
)

PASSWORD = "a-long-test-password-1"
# The browser tests' fixtures (Chromium, pages that may log no error), for any app's tests.
pytest_plugins = ["yhdessa.tests.browsing"]


@pytest.fixture(autouse=True)
def _finnish_and_no_lockout(settings, tmp_path):
    settings.LANGUAGE_CODE = "fi"
    # The demo SMS backend writes into the test's own directory, not var/sms.
    settings.SMS_DIR = tmp_path / "sms"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, municipality: Municipality, role=User.Role.PROFESSIONAL) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, municipality=municipality
    )
    return user


@dataclass
class Network:
    town: Municipality
    town2: Municipality
    convener: User
    member: User
    coordinator: User
    convener2: User
    coordinator2: User
    admin: User
    team: FamilyCentreTeam
    team2: FamilyCentreTeam
    people: dict[str, Professional] = field(default_factory=dict)

    @property
    def practice(self) -> InvitationPractice:
        return self.team.practice


def _professional(name, org, town, codes, user=None, email=True) -> Professional:
    person = Professional.objects.create(
        name=name,
        title="",
        organisation=org,
        municipality=town,
        user=user,
        email=f"{name.split()[0].lower()}@test.example" if email else "",
        phone="040 000 0000",
    )
    person.expertise.set(Expertise.objects.filter(code__in=codes))
    return person


REFERENCE_DATA = [
    "yhdessa.network.migrations.0002_expertise_reference",
    "yhdessa.network.migrations.0004_task_areas",
    "yhdessa.families.migrations.0002_concern_topics",
    "yhdessa.plans.migrations.0002_star_areas",
]


def ensure_reference_data() -> None:
    """A transactional test (browser, worker) starts from a flushed database:
    seed the reference data again with the data migrations' own loaders."""
    if not Expertise.objects.exists():
        for module in REFERENCE_DATA:
            import_module(module).load(django_apps, None)


@pytest.fixture
def network(db) -> Network:
    ensure_reference_data()
    town = Municipality.objects.create(name="Järvelä")
    town2 = Municipality.objects.create(name="Koivuranta")
    county = Organisation.objects.create(name="Hyvinvointialue", sector="county_social")
    school = Organisation.objects.create(
        name="Kunta, varhaiskasvatus", sector="municipal_education"
    )
    ngo = Organisation.objects.create(name="Perhekulma ry", sector="ngo")
    convener = _user("convener", town)
    member = _user("member", town)
    people = {
        "sanna": _professional("Sanna Lehtola", school, town, ["early_education"], convener),
        "mikko": _professional("Mikko Harju", county, town, ["family_guide"], member),
        "leena": _professional("Leena Koivisto", county, town, ["child_health_clinic"]),
        "antti": _professional("Antti Rinne", county, town, ["family_counselling"]),
        "riikka": _professional("Riikka Laine", ngo, town, ["ngo_family_work"]),
        "olli": _professional("Olli Puhelin", county, town, ["social_work"], email=False),
        "outsider": _professional("Ulla Ulkopuoli", county, town, ["social_work"]),
    }
    convener2 = _user("convener2", town2)
    people["eeva"] = _professional("Eeva Kallio", county, town2, ["child_health_clinic"], convener2)
    people["jari"] = _professional("Jari Heino", county, town2, ["family_guide"])
    team = FamilyCentreTeam.objects.create(name="Järvelän perhekeskustiimi", municipality=town)
    team.members.set([people[k] for k in ("mikko", "leena", "antti", "riikka", "olli")])
    practice = InvitationPractice.objects.create(
        team=team,
        by_email=True,
        by_phone=True,
        deadline_rule=InvitationPractice.DeadlineRule.WEEKDAY_OF_PREVIOUS_WEEK,
        deadline_weekday=0,
        default_duration_minutes=90,
        default_place="Perhekeskus",
    )
    SlotWindow.objects.create(practice=practice, weekday=3, starts=time(8), ends=time(10))
    team2 = FamilyCentreTeam.objects.create(name="Koivurannan tiimi", municipality=town2)
    team2.members.set([people["jari"]])
    return Network(
        town=town,
        town2=town2,
        convener=convener,
        member=member,
        coordinator=_user("coordinator", town, User.Role.COORDINATOR),
        convener2=convener2,
        coordinator2=_user("coordinator2", town2, User.Role.COORDINATOR),
        admin=User.objects.create_superuser("admin", password=PASSWORD),
        team=team,
        team2=team2,
        people=people,
    )


def concern_for(user: User, **overrides):
    data = {
        "alias": "Perhe K",
        "children_birth_years": [timezone.localdate().year - 4],
        "email": "perhe@koti.example",
        "phone": "",
        "language": "fi",
        "channel": "local_worker",
        "topic_codes": ["daily_rhythm"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": True,
        "existing_support": False,
    }
    data.update(overrides)
    return raise_concern(actor=user, **data)


def next_thursday_at(hour: int = 8, weeks: int = 3) -> datetime:
    """A Thursday far enough ahead to keep the practice's deadline."""
    today = timezone.localdate()
    day = today + timedelta(days=(3 - today.weekday()) % 7 + 7 * weeks)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def meeting_for(network: Network, *, held: bool = False, invitees=("mikko", "leena"), **kw):
    concern = kw.pop("concern", None) or concern_for(network.convener)
    starts = kw.pop("starts_at", None) or next_thursday_at()
    meeting = convene_meeting(
        actor=network.convener,
        concern=concern,
        starts_at=starts,
        duration_minutes=90,
        place="Päiväkoti Satakieli",
        invitee_ids=[network.people[k].pk for k in invitees],
        now=starts - timedelta(days=20) if held else None,
        # Fixtures put several families in the same slot; the rule itself is
        # tested where it matters.
        confirm_double_booking=True,
    )
    if held:
        record_meeting_held(
            actor=network.convener,
            meeting=meeting,
            attendee_ids=[network.people[k].pk for k in invitees],
            family_present=True,
            now=starts + timedelta(hours=2),
        )
    return meeting


@pytest.fixture
def held_meeting(network):
    """A meeting held last week (convened in the past through the service)."""
    starts = next_thursday_at(weeks=-2)
    return meeting_for(network, held=True, starts_at=starts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on localhost; yields its inbox."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


@pytest.fixture
def dead_smtp(settings):
    """An SMTP address where nothing listens: every delivery fails."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def planned_meeting(network, held_meeting):
    """A meeting held last week whose joint plan Mikko (``member``) leads."""
    plan_for(network, held_meeting)
    return held_meeting


def plan_for(network: Network, meeting, lead: str = "mikko"):
    """The joint plan of a held meeting, written by its convener."""
    from yhdessa.plans.services import record_plan

    return record_plan(
        actor=network.convener,
        meeting=meeting,
        matters=["Iltarutiini"],
        actions=[{"where": "home", "text": "Kuvallinen iltarutiini"}],
        follow_up="Mikko soittaa.",
        lead_ids=[network.people[lead].pk],
        next_contact=timezone.localdate() + timedelta(days=7),
    )


def together(*calls):
    """Run the calls at the same moment (PostgreSQL) or in turn (SQLite);
    return their results in order."""
    if connection.vendor == "sqlite":
        return [call() for call in calls]
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
