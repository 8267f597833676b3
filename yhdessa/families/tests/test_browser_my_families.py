"""Perheeni and the end of the work, in a real browser (Debian's Chromium)."""

import os

import pytest

from conftest import concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.families.models import Concern
from yhdessa.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("YHDESSA_SCREENSHOTS")  # a folder to keep screenshots in, when set


@pytest.mark.parametrize("width", [1280, 360])
def test_the_convener_finds_her_families_and_closes_one(browser, live_server, network, width):
    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, meeting)
    waiting = concern_for(network.convener, alias="Perhe Odottaa")
    page = log_in(browser, live_server, "convener", width=width)
    page.goto(f"{live_server.url}/concerns/mine/")
    page.get_by_role("link", name="Kutsu koolle").wait_for()
    page.get_by_text("Suunnitelma kirjoitettu").wait_for()
    assert page.get_by_role("link", name="Tulosta").get_attribute("href") == (
        f"/plans/{meeting.pk}/"
    )
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/my_families_{width}.png", full_page=True)
    page.fill("#q", waiting.family.reference)
    page.get_by_role("button", name="Hae").click()
    page.get_by_role("link", name="Perhe Odottaa").click()
    page.get_by_role("link", name="Sulje huoli").click()
    page.get_by_role("button", name="Sulje huoli").click()
    page.locator(".errorlist").first.wait_for()  # no reason chosen: said next to the field
    page.get_by_label("muu syy").check()
    page.fill("#id_note", "Perhe muutti")
    page.get_by_role("button", name="Sulje huoli").click()
    page.get_by_text("Huoli on suljettu.").wait_for()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/closed_{width}.png", full_page=True)
    assert Concern.objects.get(pk=waiting.pk).close_note == "Perhe muutti"
