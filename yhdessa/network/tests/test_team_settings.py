"""The team settings page speaks plainly: weekday names without a developer's
hint, each label once, and the deadline rule's own field under each rule, the
other rule's field ignored (issue 7, item 6)."""

import re

import pytest
from django.urls import reverse

from yhdessa.network.models import DirectoryChange, InvitationPractice
from yhdessa.tests.browsing import browser, chromium_browser, log_in  # noqa: F401


def _post(network, **changes) -> dict:
    data = {
        "members": [p.pk for p in network.team.members.all()],
        "team-kind": "on_call",
        "by_email": "on",
        "by_phone": "on",
        "deadline_rule": "weekday_prev_week",
        "deadline_weekday": "0",
        "deadline_working_days": "5",
        "default_duration_minutes": "90",
        "default_place": "Perhekeskus",
        "slot_0_weekday": "3",
        "slot_0_starts": "08:00",
        "slot_0_ends": "10:00",
    }
    data.update(changes)
    return data


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_names_weekdays_and_each_label_once(client, network):
    client.force_login(network.coordinator)
    html = client.get(reverse("network:team", args=[network.team.pk])).content.decode()
    assert "0 = maanantai" not in html
    labels = re.findall(r"<(?:label|legend)\b[^>]*>(.*?)</(?:label|legend)>", html, re.S)
    texts = [_text(label).strip() for label in labels]
    assert texts.count("Pyynnön määräaika") == 1
    # In the invitation practice, apart from the slot rows' own labels, no
    # label is shown twice.
    practice = re.findall(
        r"<(?:label|legend|h3)\b[^>]*>(.*?)</(?:label|legend|h3)>",
        html.split("<h2>Kutsukäytäntö</h2>")[1],
        re.S,
    )
    once = [_text(t).strip() for t in practice]
    once = [t for t in once if t not in ("Viikonpäivä", "Alkaa", "Päättyy")]
    assert len(once) == len(set(once)), sorted(t for t in once if once.count(t) > 1)
    assert sum("arkipäiv" in t.lower() for t in texts) == 2  # the rule, and its number
    assert "Arkipäiviä ennen" not in texts
    # Each rule's own field is under that rule, marked as belonging to it.
    choices = re.findall(
        r"<li>(.*?)</li>\s*(?=<li>|</ul>)", html.split("Pyynnön määräaika")[1], re.S
    )
    weekday, working = choices[1], choices[2]
    assert (
        'data-shown-with="id_deadline_rule_1"' in weekday and 'name="deadline_weekday"' in weekday
    )
    assert "deadline_working_days" not in weekday
    assert 'data-shown-with="id_deadline_rule_2"' in working
    assert 'name="deadline_working_days"' in working and "deadline_weekday" not in working


def test_the_field_of_a_rule_not_chosen_is_ignored(client, network):
    client.force_login(network.coordinator)
    url = reverse("network:team", args=[network.team.pk])
    response = client.post(url, _post(network, deadline_weekday="3", deadline_working_days="abc"))
    assert response.status_code == 302
    practice = InvitationPractice.objects.get(team=network.team)
    assert (practice.deadline_weekday, practice.deadline_working_days) == (3, 5)
    changes = [c.changes for c in DirectoryChange.objects.all()]
    assert changes == [{"deadline_weekday": [0, 3]}]
    # No deadline: neither field is read.
    response = client.post(
        url, _post(network, deadline_rule="none", deadline_weekday="9", deadline_working_days="-1")
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.deadline_rule, practice.deadline_weekday) == ("none", 3)
    assert practice.deadline_working_days == 5


@pytest.mark.parametrize(
    "rule, field, value, reason",
    [
        ("working_days_before", "deadline_working_days", "", "Anna arkipäivien määrä"),
        ("working_days_before", "deadline_working_days", "61", "enintään 60"),
        ("weekday_prev_week", "deadline_weekday", "", "Valitse viikonpäivä"),
        ("weekday_prev_week", "deadline_weekday", "7", "Valitse oikea vaihtoehto"),
    ],
)
def test_the_field_of_the_chosen_rule_is_checked(client, network, rule, field, value, reason):
    client.force_login(network.coordinator)
    response = client.post(
        reverse("network:team", args=[network.team.pk]),
        _post(network, deadline_rule=rule, **{field: value}),
    )
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors[field])
    assert not DirectoryChange.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_only_the_chosen_rules_field_shows(browser, live_server, network):  # noqa: F811
    page = log_in(browser, live_server, "coordinator")
    page.goto(f"{live_server.url}/network/teams/{network.team.pk}/")
    weekday = page.locator("#id_deadline_weekday")
    working_days = page.locator("#id_deadline_working_days")
    assert weekday.is_visible() and working_days.is_hidden()
    page.get_by_label("Tietty määrä arkipäiviä ennen tapaamista").check()
    assert working_days.is_visible() and weekday.is_hidden()
    page.get_by_label("Ei määräaikaa").check()
    assert working_days.is_hidden() and weekday.is_hidden()
    page.get_by_label("Tietty määrä arkipäiviä ennen tapaamista").check()
    working_days.fill("3")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_text("Tiimin tiedot ja kutsukäytäntö on tallennettu.").wait_for()
    practice = InvitationPractice.objects.get(team=network.team)
    assert (practice.deadline_rule, practice.deadline_working_days) == ("working_days_before", 3)
