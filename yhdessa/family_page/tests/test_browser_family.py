"""The family's side in a real browser (Debian's Chromium): a parent on a
phone, by keyboard alone, asks for help, later opens its own page, answers
the invitation, reads the plan and gives feedback; and every public and
family page passes axe-core with no WCAG 2.1 A/AA violation at 360 px and
on a desktop."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.families.contact_views import _sent_url
from yhdessa.families.models import Contact
from yhdessa.feedback.models import Feedback
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LINK = re.compile(r"(/f/[A-Za-z0-9_-]{43}/)")


def phone(browser, width=360):
    return browser.new_context(viewport={"width": width, "height": 800}, locale="fi-FI").new_page()


def family_path(meeting) -> str:
    body = OutboxMessage.objects.filter(meeting=meeting, to_family=True).latest("pk").text
    return LINK.search(body).group(1)


def fits(page) -> bool:
    """Nothing wider than the screen: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus (keyboard alone)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_parent_asks_for_help_by_keyboard_on_a_phone(browser, live_server, network):
    page = phone(browser)
    page.goto(f"{live_server.url}/contact/")
    assert fits(page)
    tab_to(page, "#id_wants_0")
    page.keyboard.press("ArrowDown")  # within a radio group the arrows choose
    tab_to(page, "#id_municipality")
    page.keyboard.type("Järvelä")
    tab_to(page, "#id_name")
    page.keyboard.type("Anu")
    tab_to(page, "#id_children_ages")
    page.keyboard.type("4, 7")
    tab_to(page, "#id_topics_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_message")
    page.keyboard.type("Illat ovat raskaita.")
    tab_to(page, "#id_contact_by_0")
    page.keyboard.press("ArrowDown")  # SMS
    tab_to(page, "#id_phone")
    page.keyboard.type("040 123 4567")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "button.primary")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Kiitos, viestinne tuli perille").wait_for()
    assert fits(page)
    contact = Contact.objects.get()
    assert (contact.family.alias, contact.wants, contact.family.message_channel) == (
        "Anu",
        "meeting",
        "sms",
    )
    assert "tekstiviestillä" in page.inner_text("main")


def test_a_bad_form_says_what_to_fix_next_to_each_field(browser, live_server, network):
    page = phone(browser)
    page.goto(f"{live_server.url}/contact/")
    page.get_by_role("button", name="Lähetä").click()
    page.get_by_text("Kertokaa ainakin yhden lapsen ikä.").wait_for()
    described = page.get_attribute("#id_children_ages", "aria-describedby") or ""
    assert "id_children_ages_error" in described
    assert page.get_attribute("#id_children_ages", "aria-invalid") == "true"
    assert not Contact.objects.exists()


def test_the_family_answers_reads_its_plan_and_gives_feedback(browser, live_server, network):
    coming = meeting_for(network)
    page = phone(browser)
    page.goto(live_server.url + family_path(coming))
    page.get_by_role("heading", name="Perheenne oma sivu").wait_for()
    assert fits(page)
    tab_to(page, f"#id_m{coming.pk}-answer_0")
    page.keyboard.press("Space")
    tab_to(page, f"form[action$='/{coming.pk}/answer/'] button")
    page.keyboard.press("Enter")
    page.get_by_text("Kiitos! Vastauksenne on välitetty.").wait_for()
    assert Meeting.objects.get(pk=coming.pk).family_answer == "coming"

    held = meeting_for(
        network, concern=coming.concern, held=True, starts_at=next_thursday_at(weeks=-2)
    )
    plan_for(network, held)
    page.goto(live_server.url + family_path(coming))
    page.get_by_text("Kuvallinen iltarutiini").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa suunnitelma (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    prefix = f"#id_f{held.pk}"
    for question in ("heard", "helped", "right_expertise"):
        tab_to(page, f"{prefix}-{question}_0")
        page.keyboard.press("Space")
    tab_to(page, f"{prefix}-comment")
    page.keyboard.type("Meitä kuunneltiin.")
    tab_to(page, f"form[action$='/{held.pk}/feedback/'] button")
    page.keyboard.press("Enter")
    page.get_by_text("Kiitos palautteesta!").wait_for()
    assert Feedback.objects.get().comment == "Meitä kuunneltiin."
    assert fits(page)


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_public_and_family_pages_have_no_wcag_violation(
    chromium_browser, live_server, network, width, language
):
    """(The browser is not the watched one: a dead link's page answers 404,
    which the browser's console reports as it should.)"""
    coming = meeting_for(network)
    held = meeting_for(
        network,
        concern=concern_for(network.convener, alias="Perhe H"),
        held=True,
        starts_at=next_thursday_at(weeks=-2),
    )
    plan_for(network, held)
    page = chromium_browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/contact/")
    page.locator(f"button[value={language}]").click()
    page.wait_for_load_state()
    found = {}
    paths = [
        "/contact/",
        family_path(coming),
        family_path(held),
        "/accessibility/",
        "/f/" + "x" * 43 + "/",
        _sent_url(timezone.localdate(), "sms", language),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        violations = Axe().run(page, options=WCAG).response["violations"]
        if violations:
            found[path] = [(v["id"], v["nodes"][0]["target"]) for v in violations]
        assert fits(page), path
    # A form with its errors shown.
    page.goto(f"{live_server.url}/contact/")
    page.locator("button.primary").click()
    page.locator(".errorlist").first.wait_for()
    violations = Axe().run(page, options=WCAG).response["violations"]
    if violations:
        found["/contact/ (errors)"] = [(v["id"], v["nodes"][0]["target"]) for v in violations]
    assert found == {}
