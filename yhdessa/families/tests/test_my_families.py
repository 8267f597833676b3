""" "Perheeni": every family a professional raised, convened, was invited to
or leads, with where it stands and the reader's next step."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.services import close_concern, withdraw_consent
from yhdessa.meetings.services import convene_meeting

URL = reverse("families:mine")


def rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return {row.concern.family.alias: row for row in response.context["rows"]}


def started_meeting(network, alias):
    """A meeting that began two hours ago and waits to be recorded."""
    began = timezone.now() - timedelta(hours=2)
    return convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener, alias=alias),
        starts_at=began,
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk],
        now=began - timedelta(days=20),
    )


def test_the_convener_keeps_the_family_after_the_meeting_and_can_reprint_the_plan(
    client, network, planned_meeting
):
    client.force_login(network.convener)
    start_page = client.get(reverse("home")).content.decode()
    assert "Perhe K" not in start_page  # the start page lets the family go...
    assert URL in start_page  # ...but links to the convener's families
    page = client.get(URL)
    row = page.context["rows"][0]
    assert row.concern.family.alias == "Perhe K"
    assert row.state == "planned"
    assert row.next_step == "Vastuutyöntekijä Mikko Harju seuraa"
    html = page.content.decode()
    assert reverse("plans:view", args=[planned_meeting.pk]) in html
    assert reverse("plans:pdf", args=[planned_meeting.pk]) in html
    assert row.concern.family.reference in html


def test_every_state_with_its_next_step(client, network):
    concern_for(network.convener, alias="Uusi")
    meeting_for(network, concern=concern_for(network.convener, alias="Sovittu"))
    started_meeting(network, "Alkanut")
    meeting_for(
        network,
        held=True,
        starts_at=next_thursday_at(weeks=-2),
        concern=concern_for(network.convener, alias="Pidetty"),
    )
    lead = meeting_for(
        network,
        held=True,
        starts_at=next_thursday_at(weeks=-3),
        concern=concern_for(network.convener, alias="Suunniteltu"),
    )
    plan_for(network, lead, lead="sanna")  # the convener leads this one herself
    closed = concern_for(network.convener, alias="Suljettu")
    close_concern(actor=network.convener, concern=closed, reason="need_passed")
    withdrawn = concern_for(network.convener, alias="Peruttu")
    withdraw_consent(actor=network.convener, concern=withdrawn)

    client.force_login(network.convener)
    found = rows(client)
    summary = {alias: (str(r.state.label), r.next_step) for alias, r in found.items()}
    next_contact = timezone.localdate() + timedelta(days=7)
    assert summary == {
        "Uusi": ("Huoli kirjattu", "Kutsu koolle"),
        "Sovittu": ("Tapaaminen sovittu", "Tapaaminen"),
        "Alkanut": ("Tapaaminen sovittu", "Kirjaa tapaaminen"),
        "Pidetty": ("Tapaaminen pidetty", "Kirjoita suunnitelma"),
        "Suunniteltu": (
            "Suunnitelma kirjoitettu",
            f"Seuraava yhteydenotto {next_contact.day}.{next_contact.month}.{next_contact.year}",
        ),
        "Suljettu": ("Huoli suljettu", ""),
        "Peruttu": ("Perhe perui suostumuksensa", "Ei yhteydenottoja perheeseen"),
    }
    assert found["Uusi"].next_url == reverse("meetings:convene", args=[found["Uusi"].concern.pk])
    started = found["Alkanut"].concern.meetings.get()
    assert found["Alkanut"].next_url == reverse("meetings:held", args=[started.pk])
    held = found["Pidetty"].concern.meetings.get()
    assert found["Pidetty"].next_url == reverse("plans:edit", args=[held.pk])
    assert found["Suunniteltu"].next_url == reverse("plans:view", args=[lead.pk])
    assert found["Suljettu"].state_detail == "tarve on poistunut"
    # Open families first, the ended ones last.
    order = [r.concern.family.alias for r in client.get(URL).context["rows"]]
    assert set(order[-2:]) == {"Suljettu", "Peruttu"}


def test_an_invited_expert_and_the_lead_see_the_family_with_their_own_next_step(client, network):
    scheduled = meeting_for(network, concern=concern_for(network.convener, alias="Kutsuttu"))
    held = meeting_for(
        network,
        held=True,
        starts_at=next_thursday_at(weeks=-2),
        concern=concern_for(network.convener, alias="Johdettu"),
    )
    plan_for(network, held, lead="mikko")
    concern_for(network.convener, alias="Ei Mikon")
    client.force_login(network.member)
    found = rows(client)
    assert set(found) == {"Kutsuttu", "Johdettu"}
    assert found["Kutsuttu"].next_url == reverse("meetings:detail", args=[scheduled.pk])
    assert found["Johdettu"].next_step.startswith("Seuraava yhteydenotto")
    logged = dict(
        AccessLogEntry.objects.filter(user=network.member, what="list").values_list(
            "family__alias", "why"
        )
    )
    assert logged == {"Kutsuttu": "invited", "Johdettu": "lead"}


def test_an_overdue_follow_up_is_marked_for_the_lead(client, network, planned_meeting):
    plan = planned_meeting.plan
    plan.next_contact = timezone.localdate() - timedelta(days=1)
    plan.save(update_fields=["next_contact"])
    client.force_login(network.member)
    page = client.get(URL)
    assert page.context["rows"][0].overdue
    assert "myöhässä" in page.content.decode()
    client.force_login(network.convener)  # not hers to keep
    assert not client.get(URL).context["rows"][0].overdue


def test_each_family_shown_is_logged_once_with_the_reason(client, network, planned_meeting):
    concern_for(network.convener, alias="Toinen")
    client.force_login(network.convener)
    client.get(URL)
    logged = list(
        AccessLogEntry.objects.filter(user=network.convener, what="list")
        .order_by("family__alias")
        .values_list("family__alias", "why", "via_api")
    )
    assert logged == [("Perhe K", "convener", False), ("Toinen", "convener", False)]


def test_a_coordinator_without_a_professional_sees_nothing_and_logs_nothing(
    client, network, planned_meeting
):
    client.force_login(network.coordinator)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert "Perhe K" not in page.content.decode()
    assert not AccessLogEntry.objects.filter(user=network.coordinator).exists()


def test_a_coordinator_who_is_a_professional_sees_only_their_own(client, network):
    leena = network.people["leena"]
    leena.user = User.objects.create_user(
        "leena", password=PASSWORD, role=User.Role.COORDINATOR, municipality=network.town
    )
    leena.save(update_fields=["user"])
    meeting_for(network, concern=concern_for(network.convener, alias="Leenan"))
    concern_for(network.convener, alias="Kunnan muu")  # hers to oversee, not her own
    client.force_login(leena.user)
    assert set(rows(client)) == {"Leenan"}


def test_another_municipality_sees_none_of_them(client, network, planned_meeting):
    client.force_login(network.convener2)
    assert rows(client) == {}


def test_search_by_alias_and_by_reference(client, network):
    first = concern_for(network.convener, alias="Perhe Virtanen")
    concern_for(network.convener, alias="Perhe Mäkinen")
    client.force_login(network.convener)
    assert set(rows(client, q="virta")) == {"Perhe Virtanen"}
    reference = first.family.reference  # P-000NN
    assert set(rows(client, q=reference)) == {"Perhe Virtanen"}
    assert set(rows(client, q=reference.lower().replace("-", ""))) == {"Perhe Virtanen"}
    assert rows(client, q="P-99999") == {}
    page = client.get(URL, {"q": "zzz"}).content.decode()
    assert "Hakuehdolla ei löytynyt perheitä." in page


def test_the_list_is_paged_and_the_pages_keep_the_search(client, network):
    for n in range(27):
        concern_for(network.convener, alias=f"Perhe {n:02d}")
    client.force_login(network.convener)
    first = client.get(URL, {"q": "Perhe"})
    assert len(first.context["rows"]) == 25
    assert "?q=Perhe&amp;page=2" in first.content.decode()
    second = client.get(URL, {"q": "Perhe", "page": 2})
    assert len(second.context["rows"]) == 2
    # Only the families on the page are logged as read.
    assert AccessLogEntry.objects.filter(user=network.convener, what="list").count() == 27


def test_the_main_navigation_links_it_for_professionals(client, network):
    client.force_login(network.convener)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(network.coordinator)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def test_login_is_required(client, network):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def _families(network, n):
    """n families in every state the list tells apart."""
    for i in range(n):
        concern_for(network.convener, alias=f"Uusi {i}")
        meeting_for(network, concern=concern_for(network.convener, alias=f"Sovittu {i}"))
        held = meeting_for(
            network,
            held=True,
            starts_at=next_thursday_at(weeks=-2),
            concern=concern_for(network.convener, alias=f"Pidetty {i}"),
        )
        plan_for(network, held)
        close_concern(
            actor=network.convener,
            concern=concern_for(network.convener, alias=f"Suljettu {i}"),
            reason="declined",
        )


@pytest.mark.parametrize("n", [1, 6])  # 4 and 24 families: one page
def test_a_fixed_number_of_queries_however_many_families(
    client, network, django_assert_num_queries, n
):
    _families(network, n)
    client.force_login(network.convener)
    # session, user, the user's professional, the user's OTP devices, the
    # pager's count, the page of concerns with their families, their visible
    # meetings with plans, the meetings' invitations, the plans' leads, and
    # the access-log rows (one bulk insert)
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["rows"]) == 4 * n
