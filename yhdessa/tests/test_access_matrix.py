"""Every page and endpoint × every role × every kind of family record.

The family "Perhe K" has a concern, a held meeting with its star notes and
joint plan, delivered messages and an access log. Around it stand the
convener (Sanna), an invited expert (Leena), the lead professional (Mikko),
the coordinator of Järvelä, the coordinator and a professional of another
municipality, a professional who took part and has since left (Antti), and
an anonymous visitor, each through the pages and with their own API token.

Outsiders get 404 (JSON in the API), anonymous visitors the login page (401
in the API), people around the family may read, and only the convener (or,
for a follow-up, the lead) may act; nothing a refused request sends changes
any row.
"""

import pytest
from django.test import Client

from conftest import PASSWORD, meeting_for, next_thursday_at, plan_for
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern, Family
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.services import save_professional
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.models import JointPlan, PlanAction, StarNote
from yhdessa.plans.services import record_star_notes

ROLES = [
    "convener",
    "invited",
    "lead",
    "coordinator",
    "coordinator_elsewhere",
    "professional_elsewhere",
    "left",
    "anonymous",
]
INSIDE = {"convener", "invited", "lead", "coordinator"}
# Who may do what beyond reading.
ACT = {
    "manage": {"convener"},  # record, notes, plan, move, cancel, resend
    "convene": {"convener", "lead"},  # a (follow-up) meeting for the concern
    "access_log": {"coordinator"},
    "follow_up": {"lead"},  # the lead's contact log, sharing, hand-over, closing
    "took_part": {"convener", "invited", "lead"},  # a summary for one's own records
    # Close the concern (the lead: with its outcome), record a withdrawn consent.
    "close": {"convener", "lead", "coordinator"},
}
READ = "read"


@pytest.fixture
def family(network):

    leena, antti = network.people["leena"], network.people["antti"]
    leena.user = User.objects.create_user("invited", password=PASSWORD)
    leena.save(update_fields=["user"])
    antti.user = User.objects.create_user("left", password=PASSWORD)
    antti.save(update_fields=["user"])
    starts = next_thursday_at(weeks=-2)
    meeting = meeting_for(
        network, held=True, starts_at=starts, invitees=("mikko", "leena", "antti")
    )
    record_star_notes(actor=network.convener, meeting=meeting, notes={1: ("Leikki sujuu", "Uni")})
    plan_for(network, meeting)
    users = {
        "convener": network.convener,
        "invited": leena.user,
        "lead": network.member,
        "coordinator": network.coordinator,
        "coordinator_elsewhere": network.coordinator2,
        "professional_elsewhere": network.convener2,
        "left": antti.user,
        "anonymous": None,
    }
    tokens = {role: issue_token(user) for role, user in users.items() if user is not None}
    # Antti leaves after the meeting: his login and tokens end with it.
    save_professional(actor=network.coordinator, professional=antti, data={"is_active": False})
    return meeting, users, tokens


def endpoints(meeting):
    """(name, transport, method, url, body, what it takes)."""
    m, c = meeting.pk, meeting.concern_id
    message = OutboxMessage.objects.filter(meeting=meeting).order_by("pk").first().pk
    family = meeting.concern.family_id
    starts = next_thursday_at(weeks=5).isoformat()
    plan_body = {
        "matters": ["Muu"],
        "actions": [{"where": "home", "text": "Toinen"}],
        "follow_up": "Soitto",
        "lead_professionals": [meeting.convener_id],
        "next_contact": "2099-01-01",
    }
    time_form = {"date": "2099-01-01", "time": "08:00", "duration_minutes": "60", "place": "X"}
    return [
        ("concern", "page", "get", f"/concerns/{c}/", None, READ),
        ("meeting", "page", "get", f"/meetings/{m}/", None, READ),
        ("plan", "page", "get", f"/plans/{m}/", None, READ),
        ("plan pdf", "page", "get", f"/plans/{m}/pdf/", None, READ),
        ("message", "page", "get", f"/messages/{message}/", None, READ),
        ("convene page", "page", "get", f"/meetings/convene/{c}/", None, "convene"),
        ("convene", "page", "post", f"/meetings/convene/{c}/", time_form, "convene"),
        ("held page", "page", "get", f"/meetings/{m}/held/", None, "manage"),
        ("held", "page", "post", f"/meetings/{m}/held/", {"family_present": "on"}, "manage"),
        ("star page", "page", "get", f"/meetings/{m}/star/", None, "manage"),
        ("star", "page", "post", f"/meetings/{m}/star/", {"strengths_1": "x"}, "manage"),
        ("move page", "page", "get", f"/meetings/{m}/reschedule/", None, "manage"),
        ("move", "page", "post", f"/meetings/{m}/reschedule/", time_form, "manage"),
        ("cancel page", "page", "get", f"/meetings/{m}/cancel/", None, "manage"),
        ("cancel", "page", "post", f"/meetings/{m}/cancel/", {"note": ""}, "manage"),
        ("plan edit page", "page", "get", f"/plans/{m}/edit/", None, "manage"),
        ("plan edit", "page", "post", f"/plans/{m}/edit/", {"matters": "x"}, "manage"),
        ("resend", "page", "post", f"/messages/{message}/retry/", {}, "manage"),
        ("room page", "page", "get", f"/meetings/{m}/room/", None, "manage"),
        ("room", "page", "post", f"/meetings/{m}/room/", {"section": "clock"}, "manage"),
        ("summary", "page", "get", f"/meetings/{m}/summary/", None, "took_part"),
        ("summary pdf", "page", "get", f"/meetings/{m}/summary.pdf", None, "took_part"),
        ("follow-up page", "page", "get", f"/plans/{m}/follow-up/", None, "follow_up"),
        (
            "contact",
            "page",
            "post",
            f"/plans/{m}/follow-up/",
            {"section": "contact", "how": "phone", "on": "2000-01-01"},
            "follow_up",
        ),
        ("access log", "page", "get", f"/audit/families/{family}/", None, "access_log"),
        ("concern", "api", "get", f"/api/v1/concerns/{c}", None, READ),
        ("meeting", "api", "get", f"/api/v1/meetings/{m}", None, READ),
        ("plan", "api", "get", f"/api/v1/meetings/{m}/plan", None, READ),
        ("plan pdf", "api", "get", f"/api/v1/meetings/{m}/plan.pdf", None, READ),
        (
            "convene",
            "api",
            "post",
            "/api/v1/meetings",
            {
                "concern": c,
                "starts_at": starts,
                "duration_minutes": 60,
                "place": "X",
                "invitees": [],
            },
            "convene",
        ),
        (
            "held",
            "api",
            "post",
            f"/api/v1/meetings/{m}/held",
            {"attendees": [], "family_present": True},
            "manage",
        ),
        (
            "move",
            "api",
            "post",
            f"/api/v1/meetings/{m}/reschedule",
            {"starts_at": starts, "duration_minutes": 60, "place": "X"},
            "manage",
        ),
        ("cancel", "api", "post", f"/api/v1/meetings/{m}/cancel", {"note": ""}, "manage"),
        ("plan", "api", "put", f"/api/v1/meetings/{m}/plan", plan_body, "manage"),
        # Last: they end the work with the family.
        ("close page", "page", "get", f"/concerns/{c}/close/", None, "close"),
        ("withdraw page", "page", "get", f"/concerns/{c}/withdraw-consent/", None, "close"),
        ("close", "api", "post", f"/api/v1/concerns/{c}/close", {"reason": "declined"}, "close"),
        ("close", "page", "post", f"/concerns/{c}/close/", {"reason": "declined"}, "close"),
        ("withdraw", "api", "post", f"/api/v1/concerns/{c}/withdraw-consent", {}, "close"),
        (
            "withdraw",
            "page",
            "post",
            f"/concerns/{c}/withdraw-consent/",
            {"confirm": "on"},
            "close",
        ),
    ]


def expected(role: str, transport: str, takes: str) -> set[int]:
    """The status codes this role may get."""
    if role == "anonymous" or role == "left":
        # A login that has ended is no login: the login page, or 401.
        return {401} if transport == "api" else {302}
    if takes == "access_log":
        return {200} if role == "coordinator" else {404}
    if role not in INSIDE:
        return {404}
    if takes == READ:
        return {200}
    if role in ACT[takes]:
        # Allowed: the page or the state decides (a form, a redirect, a
        # conflict or an input error), never a refusal.
        return {200, 201, 302, 409, 422}
    return {403}


def state() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "families": list(Family.objects.order_by("pk").values()),
        "concerns": list(Concern.objects.order_by("pk").values()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "notes": list(StarNote.objects.order_by("pk").values()),
        "plans": list(JointPlan.objects.order_by("pk").values()),
        "leads": list(JointPlan.lead_professionals.through.objects.order_by("pk").values()),
        "actions": list(PlanAction.objects.order_by("pk").values()),
        "messages": list(OutboxMessage.objects.order_by("pk").values("pk", "status", "attempts")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(network, family, role):
    meeting, users, tokens = family
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    wrong = []
    cells = 0
    for name, transport, method, url, body, takes in endpoints(meeting):
        allowed = expected(role, transport, takes)
        refused = not allowed & {200, 201}
        before = state() if refused else None
        log_before = AccessLogEntry.objects.filter(user=users[role]).count() if users[role] else 0
        if transport == "api":
            response = getattr(client, method)(
                url, body, content_type="application/json", headers=headers
            )
        else:
            response = getattr(client, method)(url, body or {})
        cells += 1
        if response.status_code not in allowed:
            wrong.append((name, transport, response.status_code, sorted(allowed)))
            continue
        if transport == "api" and response.status_code >= 400:
            assert isinstance(response.json()["detail"], str), (name, response.content)
        if refused:
            assert state() == before, (role, name, transport)
            if users[role] is not None:
                logged = AccessLogEntry.objects.filter(user=users[role]).count()
                assert logged == log_before, ("a refused read was logged", role, name)
            if response.status_code != 302:
                assert "Perhe K" not in response.content.decode(), (role, name)
    assert not wrong, wrong
    assert cells == len(endpoints(meeting))


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_show_the_family_only_to_those_around_it(network, family, role):
    meeting, users, _tokens = family
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    # The start page lists the families one leads (the meeting is held);
    # the sent messages show to everyone around the family.
    # "Perheeni" lists a professional's own families, not what a coordinator oversees.
    own = role in INSIDE - {"coordinator"}
    for url, sees in (
        ("/", role == "lead"),
        ("/messages/", role in INSIDE),
        ("/concerns/mine/", own),
    ):
        page = client.get(url)
        if users[role] is None or role == "left":
            assert page.status_code == 302
            continue
        assert ("Perhe K" in page.content.decode()) == sees, (role, url)
    page = client.get("/audit/families/")
    if role == "coordinator":
        assert "Perhe K" in page.content.decode()
    elif users[role] is not None and role != "left":
        assert page.status_code == 403 or "Perhe K" not in page.content.decode()
