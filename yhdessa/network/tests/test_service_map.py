"""The service map: providers one per line, and its scrolling table reachable
by keyboard on a phone (issue 7, item 17)."""

import re

import pytest
from django.urls import reverse

from yhdessa.network.models import Municipality, Organisation, Region, ServiceOffer, TaskArea
from yhdessa.tests.browsing import browser, chromium_browser, log_in  # noqa: F401


def _region_with_offers(network) -> None:
    """Four municipalities of one county, and three providers of one task."""
    region = Region.objects.create(name="Järviseudun hyvinvointialue")
    Municipality.objects.filter(pk__in=[network.town.pk, network.town2.pk]).update(region=region)
    for name in ("Lahdenperä", "Mäntyharjula"):
        Municipality.objects.create(name=name, region=region)
    meeting_places = TaskArea.objects.get(code="meeting_places")
    for org in Organisation.objects.all():
        ServiceOffer.objects.create(
            organisation=org, task_area=meeting_places, municipality=network.town
        )


def test_providers_are_listed_one_per_line(client, network):
    _region_with_offers(network)
    client.force_login(network.convener)
    page = client.get(reverse("network:service_map")).content.decode()
    cell = re.search(r'<td class="cell overlap">(.*?)</td>', page, re.S).group(1)
    providers = re.findall(r"<li>(.*?)</li>", cell)
    assert providers == ["Hyvinvointialue", "Kunta, varhaiskasvatus", "Perhekulma ry"]
    assert ", " not in re.sub(r"<li>.*?</li>", "", cell)


def test_the_scrolling_table_is_a_named_region_reachable_by_keyboard(client, network):
    client.force_login(network.convener)
    page = client.get(reverse("network:service_map")).content.decode()
    container = re.search(r'<div class="scroll"[^>]*>', page).group(0)
    assert 'tabindex="0"' in container and 'role="region"' in container
    assert 'aria-label="Palvelukartta: tehtäväalueet kunnittain"' in container


def test_the_map_keeps_its_query_count(client, network, django_assert_num_queries):
    _region_with_offers(network)
    client.force_login(network.convener)
    # session, user, the acting professional, the OTP device, the user's
    # municipality (for the region), the task areas, the municipalities,
    # the offers with their organisations, and the form's municipalities.
    with django_assert_num_queries(9):
        client.get(reverse("network:service_map"))
    meeting_places = TaskArea.objects.get(code="meeting_places")
    for i in range(5):
        org = Organisation.objects.create(name=f"Yhdistys {i}", sector="ngo")
        ServiceOffer.objects.create(
            organisation=org, task_area=meeting_places, municipality=network.town2
        )
    with django_assert_num_queries(9):
        client.get(reverse("network:service_map"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_passes_an_accessibility_check_on_a_phone(browser, live_server, network):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    _region_with_offers(network)
    page = log_in(browser, live_server, "convener", width=360)
    page.goto(f"{live_server.url}/network/service-map/")
    region = page.get_by_role("region", name="Palvelukartta: tehtäväalueet kunnittain")
    # The table is wider than the phone: it scrolls inside its own region...
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    # ...which the keyboard reaches, and scrolls with the arrow keys.
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if region.evaluate("e => e === document.activeElement"):
            break
    assert region.evaluate("e => e === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.scroll').scrollLeft > 0", timeout=2000)
