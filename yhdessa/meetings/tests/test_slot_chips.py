"""A suggested slot (chip) on the convening page keeps the ticked expertise and
invitees: with JavaScript it fills in the date and time in place; without, it
submits the form, which comes back with the time filled in and the same
choices."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, concern_for
from yhdessa.meetings.models import Meeting
from yhdessa.tests.browsing import browser, chromium_browser, log_in  # noqa: F401


def test_a_chip_without_javascript_keeps_the_choices(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    slot = client.get(url).context["slots"][1]
    mikko = network.people["mikko"]
    response = client.post(
        url,
        {
            "team": network.team.pk,
            "expertise": ["family_counselling"],
            "invitees": [str(mikko.pk)],
            "place": "Perheen koti",
            "duration_minutes": "60",
            "slot": slot.isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()  # choosing a time sends nothing
    page = response.content.decode()
    local = timezone.localtime(slot)
    assert f'name="date" value="{local:%Y-%m-%d}"' in page
    assert f'name="time" value="{local:%H:%M}"' in page
    assert 'value="Perheen koti"' in page
    assert '<option value="60" selected>' in page
    assert f'name="invitees" value="{mikko.pk}" checked' in page
    assert 'value="family_counselling" checked' in page
    assert not response.context["form"].errors  # nothing was sent, nothing is wrong


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clicking_a_chip_keeps_the_ticks(browser, live_server, network):  # noqa: F811
    concern = concern_for(network.convener)
    page = log_in(browser, live_server, "convener")
    url = f"{live_server.url}/meetings/convene/{concern.pk}/"
    page.goto(url)
    page.get_by_label("Mikko Harju").check()
    page.locator("input[name=expertise][value=family_counselling]").check()
    page.locator(".person.match", has_text="Antti Rinne").wait_for()
    chip = page.locator("section[aria-labelledby=practice] .tag").nth(1)
    date, clock = chip.get_attribute("data-slot-date"), chip.get_attribute("data-slot-time")
    chip.click()
    assert page.get_by_label("Mikko Harju").is_checked()
    assert page.locator("input[name=expertise][value=family_counselling]").is_checked()
    assert page.url == url  # filled in place, not reloaded
    assert page.input_value("#id_date") == date and page.input_value("#id_time") == clock
    assert chip.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Lähetä kutsut").click()
    page.get_by_text("Kutsut lähtevät nyt kutsutuille ja perheelle.").wait_for()
    meeting = Meeting.objects.get()
    assert [i.professional.name for i in meeting.invitations.all()] == ["Mikko Harju"]
    assert f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}" == f"{date} {clock}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clicking_a_chip_without_javascript_keeps_the_ticks(
    browser,  # noqa: F811
    live_server,
    network,
):
    concern = concern_for(network.convener)
    page = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "convener")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/meetings/convene/{concern.pk}/")
    page.get_by_label("Mikko Harju").check()
    page.locator("input[name=expertise][value=family_counselling]").check()
    chip = page.locator("section[aria-labelledby=practice] .tag").first
    date, clock = chip.get_attribute("data-slot-date"), chip.get_attribute("data-slot-time")
    chip.click()
    page.wait_for_load_state()
    assert page.get_by_label("Mikko Harju").is_checked()
    assert page.locator("input[name=expertise][value=family_counselling]").is_checked()
    assert page.input_value("#id_date") == date and page.input_value("#id_time") == clock
    assert not Meeting.objects.exists()
