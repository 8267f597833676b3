"""Benchmark: the pages and endpoints of the path, on a network of many families.

Run: .venv/bin/python bench/path.py [families]   (default 500)
It builds a fresh SQLite database under var/bench/ (or uses DATABASE_URL),
fills it through the services, and prints median and p95 times and the
query count per request. Not part of `make test`: figures, not verdicts.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdessa.settings")
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    db = ROOT / "var" / "bench" / "bench.sqlite3"
    db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
os.environ.setdefault("AXES_ENABLED", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from yhdessa.accounts.models import User  # noqa: E402
from yhdessa.api.auth import issue_token  # noqa: E402
from yhdessa.families.services import raise_concern  # noqa: E402
from yhdessa.meetings.services import convene_meeting, record_meeting_held  # noqa: E402
from yhdessa.network.models import Professional  # noqa: E402
from yhdessa.plans.services import record_plan  # noqa: E402


def build(families: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    convener = User.objects.get(username="convener")
    lead = Professional.objects.get(user__username="lead")
    nurse = Professional.objects.get(name="Leena Koivisto")
    today = timezone.localdate()
    for i in range(families):
        concern = raise_concern(
            actor=convener,
            alias=f"Perhe {i}",
            children_birth_years=[today.year - 3],
            email=f"p{i}@koti.example",
            channel="local_worker",
            topic_codes=["daily_rhythm"],
            summary="Arki on raskasta.",
            consent=True,
            existing_support=False,
        )
        starts = timezone.now() - timedelta(days=i % 300 + 1)
        meeting = convene_meeting(
            actor=convener,
            concern=concern,
            starts_at=starts,
            duration_minutes=90,
            place="Perhekeskus",
            invitee_ids=[lead.pk, nurse.pk],
            now=starts - timedelta(days=14),
            # Many families share a day at this scale; the warning is not measured here.
            confirm_double_booking=True,
        )
        record_meeting_held(
            actor=convener,
            meeting=meeting,
            attendee_ids=[lead.pk],
            family_present=True,
            now=starts + timedelta(hours=2),
        )
        record_plan(
            actor=convener,
            meeting=meeting,
            matters=["Iltarutiini"],
            actions=[{"where": "home", "text": "Kuvallinen rutiini"}],
            follow_up="Soitto kahden viikon päästä.",
            lead_ids=[lead.pk],
            next_contact=today + timedelta(days=i % 30),
        )


def measure(label: str, call, repeat: int = 20) -> None:
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:<40} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"{queries:3d} queries"
    )


def main() -> None:
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    start = time.perf_counter()
    build(families)
    print(
        f"built {families} families with held meetings and plans in "
        f"{time.perf_counter() - start:.1f} s on {connection.vendor}"
    )
    web = Client()
    web.force_login(User.objects.get(username="lead"))
    coordinator = Client()
    coordinator.force_login(User.objects.get(username="coordinator"))
    convener = Client()
    convener.force_login(User.objects.get(username="convener"))
    token = {"Authorization": f"Bearer {issue_token(User.objects.get(username='convener'))}"}
    lead_token = {"Authorization": f"Bearer {issue_token(User.objects.get(username='lead'))}"}
    meeting = (
        Professional.objects.get(user__username="convener")
        .meetings_convened.order_by("-pk")
        .first()
    )
    measure("start page, lead of every family", lambda: web.get("/"))
    measure("Perheeni, convener of every family", lambda: convener.get("/concerns/mine/"))
    measure(
        "Perheeni searched by reference",
        lambda: convener.get("/concerns/mine/", {"q": f"P-{meeting.concern.family_id:05d}"}),
    )
    measure("messages page (50 per page)", lambda: convener.get("/messages/"))
    measure("meeting page", lambda: convener.get(f"/meetings/{meeting.pk}/"))
    measure("convening page", lambda: convener.get(f"/meetings/convene/{meeting.concern_id}/"))
    measure(
        "report, one year",
        lambda: coordinator.get("/reports/meetings/", {"start": "2025-01-01", "end": "2027-12-31"}),
    )
    measure(
        "API GET /meetings/{id}",
        lambda: convener.get(f"/api/v1/meetings/{meeting.pk}", headers=token),
    )
    measure("API GET /teams", lambda: convener.get("/api/v1/teams", headers=token))
    measure("plan as PDF (WeasyPrint)", lambda: convener.get(f"/plans/{meeting.pk}/pdf/"), repeat=5)
    # Issue 11: the meeting room, the lead's worklist and follow-up, the summary.
    measure("meeting room page", lambda: convener.get(f"/meetings/{meeting.pk}/room/"))
    draft = {"fields": {"strengths_1": "Leikkii mielellään", "child_view": "Piirsi kodin"}}
    measure(
        "room draft save (JSON)",
        lambda: convener.post(
            f"/meetings/{meeting.pk}/room/draft/", draft, content_type="application/json"
        ),
    )
    measure("worklist, lead of every family (200 shown)", lambda: web.get("/plans/follow-up/"))
    measure("follow-up page of one family", lambda: web.get(f"/plans/{meeting.pk}/follow-up/"))
    measure("API GET /follow-up", lambda: web.get("/api/v1/follow-up", headers=lead_token))
    measure(
        "summary for one's own records", lambda: convener.get(f"/meetings/{meeting.pk}/summary/")
    )
    network(families, coordinator, convener, User.objects.get(username="coordinator"))


def network(size: int, coordinator: Client, convener: Client, actor: User) -> None:
    """The directory at the same scale: a CSV of `size` organisations, each with
    one professional and a team membership, imported, re-imported and searched."""
    from yhdessa.interop.network_csv import HEADER_LINE, export_network, import_network

    rows = [HEADER_LINE]
    for i in range(size):
        rows.append(f"organisation,Yhdistys {i},ngo,,Järvelä,,,,,,fi,,")
        rows.append(
            f"professional,Yhdistys {i},,,Järvelä,Työntekijä {i},ohjaaja,"
            f"t{i}@bench.example,,ngo_family_work|divorce_help,fi|sv,,yes"
        )
        rows.append(f"membership,,,,Järvelä,,,t{i}@bench.example,,,,Järvelän perhekeskustiimi,")
    data = "\n".join(rows).encode()
    for label in ("import", "re-import (changes nothing)"):
        start = time.perf_counter()
        # The import acts for Järvelä's coordinator, within Järvelä.
        report = import_network(data, actor=actor, apply=True)
        assert report.ok, report.errors[:3]
        print(
            f"CSV {label} of {size} organisations + professionals + memberships: "
            f"{time.perf_counter() - start:.1f} s"
        )
    start = time.perf_counter()
    exported = export_network(actor)
    print(f"CSV export of {exported.count(chr(10))} rows: {time.perf_counter() - start:.2f} s")
    measure(
        "directory search, expertise filter",
        lambda: convener.get("/network/", {"expertise": "ngo_family_work"}),
    )
    measure("service map of the region", lambda: coordinator.get("/network/service-map/"))
    measure("network upkeep page", lambda: coordinator.get("/network/manage/"), repeat=5)


if __name__ == "__main__":
    main()
