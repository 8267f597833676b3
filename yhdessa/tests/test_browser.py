"""The path in a real browser: Debian's Chromium driven by Playwright."""

import pytest
from django.utils import timezone

from conftest import next_thursday_at
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting
from yhdessa.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_convener_raises_a_concern_and_convenes(browser, live_server, network):
    page = log_in(browser, live_server, "convener")
    assert page.locator("html").get_attribute("lang") == "fi"
    page.get_by_role("link", name="Ota huoli puheeksi").first.click()
    page.fill("#id_alias", "Perhe S")
    page.fill("#id_children_birth_years", str(timezone.localdate().year - 5))
    page.fill("#id_email", "perhe.s@koti.example")
    page.get_by_label("Arkirytmi").check()
    page.fill("#id_summary", "Aamut ovat vaikeita.")
    page.get_by_label("Perhe on antanut suostumuksensa").check()
    page.get_by_role("button", name="Tallenna huoli").click()
    page.get_by_text("Huoli on kirjattu.").wait_for()
    page.get_by_role("link", name="Kutsu Yhdessä aika koolle").click()

    # Choosing expertise re-orders the team in place (htmx), keeping ticks.
    page.get_by_label("Mikko Harju").check()
    page.locator("input[name=expertise][value=family_counselling]").check()
    page.locator(".person.match", has_text="Antti Rinne").wait_for()
    assert page.locator(".person").first.inner_text().startswith("Antti Rinne")
    assert page.get_by_label("Mikko Harju").is_checked()

    starts = timezone.localtime(next_thursday_at(8))
    page.fill("#id_date", starts.date().isoformat())
    page.fill("#id_time", "08:00")
    page.get_by_role("button", name="Lähetä kutsut").click()
    page.get_by_text("Kutsut lähtevät nyt kutsutuille ja perheelle.").wait_for()
    meeting = Meeting.objects.get(concern=Concern.objects.get(family__alias="Perhe S"))
    assert meeting.starts_at == starts
    assert {i.professional.name for i in meeting.invitations.all()} == {"Mikko Harju"}
    sent = page.locator("section", has=page.get_by_role("heading", name="Lähetetyt kutsut"))
    assert sent.get_by_text("odottaa lähetystä").count() == 2  # Mikko and the family
    # The invitees' table shows Mikko's delivery and that he has not answered yet.
    row = page.locator("#invitees tr", has_text="Mikko Harju")
    assert "odottaa lähetystä" in row.inner_text() and "ei vastausta" in row.inner_text()


def test_a_time_against_the_practice_asks_for_confirmation(browser, live_server, network):
    from conftest import concern_for

    concern = concern_for(network.convener)
    page = log_in(browser, live_server, "convener")
    page.goto(f"{live_server.url}/meetings/convene/{concern.pk}/")
    page.get_by_label("Leena Koivisto").check()
    page.fill("#id_date", timezone.localtime(next_thursday_at(14)).date().isoformat())
    page.fill("#id_time", "14:00")
    page.get_by_role("button", name="Lähetä kutsut").click()
    page.get_by_text("Aika ei osu tiimin kokoontumisaikaan").wait_for()
    assert not Meeting.objects.exists()
    page.get_by_label("Kutsun poikkeuksesta huolimatta").check()
    page.get_by_role("button", name="Lähetä kutsut").click()
    page.get_by_text("Kutsuttu kutsukäytännöstä poiketen").wait_for()
    assert Meeting.objects.count() == 1


def test_pages_fit_a_phone(browser, live_server, network, planned_meeting):
    held = planned_meeting
    page = log_in(browser, live_server, "convener", width=360)
    for path in (
        "/",
        "/concerns/new/",
        f"/meetings/convene/{held.concern_id}/",
        f"/meetings/{held.pk}/",
        f"/plans/{held.pk}/",
        f"/plans/{held.pk}/edit/",
        "/messages/",
    ):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    page = log_in(browser, live_server, "coordinator", width=360)
    for path in (
        "/network/",
        "/network/manage/",
        f"/network/teams/{network.team.pk}/",
        "/network/service-map/",
        "/network/import/",
        "/network/changes/",
        "/reports/meetings/",
        "/audit/families/",
    ):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px phone"


def test_the_plan_prints_without_the_app_around_it(browser, live_server, network, planned_meeting):
    page = log_in(browser, live_server, "member")  # the lead professional
    page.get_by_role("link", name="Avaa").click()
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()
    assert page.get_by_role("button", name="Tulosta perheelle").is_hidden()
    assert page.get_by_text("Kuvallinen iltarutiini").is_visible()


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
def test_the_pages_pass_an_accessibility_check(
    browser, live_server, network, planned_meeting, width
):
    """axe-core finds no serious or critical accessibility problem, on a
    phone as on a desktop (the layouts differ: stacked tables, wrapped nav)."""
    from axe_playwright_python.sync_playwright import Axe

    held = planned_meeting
    axe = Axe()
    found = {}
    for user, paths in (
        (
            "convener",
            [
                "/",
                "/concerns/new/",
                f"/concerns/{held.concern_id}/",
                f"/meetings/convene/{held.concern_id}/",
                f"/meetings/{held.pk}/",
                f"/meetings/{held.pk}/star/",
                f"/plans/{held.pk}/",
                f"/plans/{held.pk}/edit/",
                f"/meetings/{held.pk}/room/",
                f"/meetings/{held.pk}/summary/",
                "/messages/",
                "/network/",
            ],
        ),
        ("member", ["/plans/follow-up/", f"/plans/{held.pk}/follow-up/"]),
        (
            "coordinator",
            [
                "/reports/meetings/",
                "/audit/families/",
                "/network/manage/",
                f"/network/teams/{network.team.pk}/",
                "/network/service-map/",
                "/network/import/",
                "/network/changes/",
            ],
        ),
    ):
        page = log_in(browser, live_server, user, width=width)
        for path in paths:
            page.goto(live_server.url + path)
            results = axe.run(page)
            serious = [
                v for v in results.response["violations"] if v["impact"] in ("serious", "critical")
            ]
            if serious:
                found[path] = [(v["id"], v["nodes"][0]["target"]) for v in serious]
    assert found == {}


def test_the_api_docs_show_every_operation(browser, live_server):
    """Swagger UI runs under the page's own CSP: its assets are our static files."""
    page = browser.new_context(locale="en-US").new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()

    operations = page.locator(".opblock-summary-path").all_inner_texts()
    schema = page.context.request.get(f"{live_server.url}/api/v1/openapi.json").json()
    expected = [path for path, methods in schema["paths"].items() for _method in methods]
    assert sorted(o.replace("\u200b", "") for o in operations) == sorted(expected)
    assert "/api/v1/topics" in expected
    assert page.locator("script[src^=http]").count() == 0  # nothing from a CDN
    assert refused == []
