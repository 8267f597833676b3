"""Bad input on the pages: a form error or a 400 page in the user's language,
never a 500, and nothing changes (issue 6, defect 9)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, meeting_for
from yhdessa.families.models import Concern, Family
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import Organisation, Professional
from yhdessa.network.tests.test_directory_pages import GOOD
from yhdessa.plans.models import JointPlan, StarNote

HUGE_IDS = [10**20, 2**63, 9223372036854775807]
IMPORT_CSV = GOOD
PTV_JSON = (Path(__file__).parents[1] / "interop" / "tests" / "data" / "ptv_page.json").read_text()


def state() -> tuple:
    return (
        sorted(Family.objects.values_list("pk", "alias", "email", "phone")),
        sorted(Concern.objects.values_list("pk", "summary")),
        sorted(Meeting.objects.values_list("pk", "status", "starts_at", "place")),
        sorted(JointPlan.objects.values_list("pk", "follow_up")),
        sorted(StarNote.objects.values_list("pk", "strengths", "concerns")),
    )


def refused_page(response, words: str) -> str:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="fi">' in html and words in html
    return html


# ---- the report's period -------------------------------------------------------


@pytest.mark.parametrize(
    "start, end",
    [("0001-01-01", "9999-12-31"), ("2020-01-01", "9999-12-31"), ("1999-12-31", "2020-01-01")],
)
def test_report_dates_far_away_are_a_form_error(client, network, start, end):
    client.force_login(network.coordinator)
    for extra in ({}, {"format": "csv"}):
        page = client.get(reverse("reports:meetings"), {"start": start, "end": end, **extra})
        assert page.status_code == 200
        assert page["Content-Type"].startswith("text/html")  # no CSV for a bad period
        assert "Valitse päivä väliltä 1.1.2000–31.12.2100." in page.content.decode()


def test_the_widest_allowed_report_period_works(client, network, held_meeting):
    client.force_login(network.coordinator)
    page = client.get(reverse("reports:meetings"), {"start": "2000-01-01", "end": "2100-12-31"})
    assert page.status_code == 200
    assert "Valitse päivä väliltä" not in page.content.decode()
    assert page.context["total"] == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=st.dates(), end=st.dates())
def test_any_report_dates_answer_a_page(client, network, start, end):
    client.force_login(network.coordinator)
    page = client.get(
        reverse("reports:meetings"), {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert page.status_code == 200


# ---- ids out of range in page addresses -----------------------------------------

PAGES_WITH_IDS = [
    ("meetings:detail", "pk"),
    ("meetings:convene", "concern_pk"),
    ("meetings:held", "pk"),
    ("meetings:star", "pk"),
    ("meetings:reschedule", "pk"),
    ("meetings:cancel", "pk"),
    ("plans:view", "meeting_pk"),
    ("plans:edit", "meeting_pk"),
    ("plans:pdf", "meeting_pk"),
    ("families:detail", "pk"),
    ("audit:family_log", "family_pk"),
    ("notify:detail", "pk"),
    ("network:organisation", "pk"),
    ("network:professional", "pk"),
    ("network:team", "pk"),
]


@pytest.mark.parametrize("name, arg", PAGES_WITH_IDS)
@pytest.mark.parametrize("object_id", HUGE_IDS)
def test_a_huge_id_in_a_page_address_is_not_found(client, network, name, arg, object_id):
    client.force_login(network.coordinator if name.startswith("network") else network.convener)
    response = client.get(reverse(name, kwargs={arg: object_id}))
    assert response.status_code == 404
    post = client.post(reverse(name, kwargs={arg: object_id}), {"note": "x"})
    assert post.status_code in (404, 405)


@pytest.mark.parametrize(
    "path", ["/meetings/-1/", "/plans/-5/edit/", "/concerns/-100000000000000000000/"]
)
def test_a_negative_id_in_a_page_address_is_not_found(client, network, path):
    client.force_login(network.convener)
    assert client.get(path).status_code == 404


def test_a_huge_id_in_a_form_choice_is_a_form_error(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    before = state()
    for value in (str(10**20), "-1"):
        page = client.post(
            reverse("meetings:held", args=[meeting.pk]),
            {"attendees": [value], "family_present": "on"},
        )
        assert page.status_code == 200
        assert "Valitse oikea vaihtoehto" in page.content.decode()
    assert state() == before


# ---- NUL characters ----------------------------------------------------------------

NUL_MESSAGE = "on NUL-merkki"


def test_a_nul_in_a_concern_form_is_refused(client, network):
    client.force_login(network.convener)
    data = {
        "alias": "Perhe\x00K",
        "children_birth_years": str(timezone.localdate().year - 4),
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": "on",
    }
    html = refused_page(client.post(reverse("families:create"), data), NUL_MESSAGE)
    assert "”alias”" in html
    assert not Family.objects.exists()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.text(max_size=20),
    after=st.text(max_size=20),
    area=st.integers(1, 8),
    kind=st.sampled_from(["strengths", "concerns"]),
)
def test_a_nul_anywhere_in_the_star_notes_is_refused(
    client, network, held_meeting, before, after, area, kind
):
    client.force_login(network.convener)
    was = state()
    response = client.post(
        reverse("meetings:star", args=[held_meeting.pk]),
        {"strengths_1": "Iloinen", f"{kind}_{area}": f"{before}\x00{after}"},
    )
    refused_page(response, NUL_MESSAGE)
    assert state() == was


@pytest.mark.parametrize("field", ["matters", "action_text_1", "follow_up", "action_place_1"])
def test_a_nul_in_the_plan_form_is_refused(client, network, held_meeting, field):
    client.force_login(network.convener)
    data = {
        "matters": "Iltarutiini",
        "action_rows": "1",
        "action_where_1": "home",
        "action_text_1": "Kuvallinen iltarutiini",
        "follow_up": "Mikko soittaa.",
        "lead_professionals": [str(network.people["mikko"].pk)],
        "next_contact": timezone.localdate().isoformat(),
    }
    data[field] = "Perhe\x00K"
    refused_page(client.post(reverse("plans:edit", args=[held_meeting.pk]), data), field)
    assert not JointPlan.objects.exists()


def test_a_nul_in_the_other_meeting_forms_is_refused(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    before = state()
    for name, data in [
        ("meetings:reschedule", {"place": "Koulu\x00"}),
        ("meetings:cancel", {"note": "Sairas\x00"}),
    ]:
        refused_page(client.post(reverse(name, args=[meeting.pk]), data), NUL_MESSAGE)
    url = reverse("meetings:convene", args=[meeting.concern_id])
    refused_page(client.post(url, {"place": "\x00"}), NUL_MESSAGE)
    assert state() == before


def test_a_nul_in_a_query_string_or_the_login_is_refused(client, network):
    refused_page(
        client.post(reverse("accounts:login"), {"username": "convener\x00", "password": PASSWORD}),
        NUL_MESSAGE,
    )
    client.force_login(network.coordinator)
    refused_page(client.get(reverse("network:directory"), {"q": "Mikko\x00"}), NUL_MESSAGE)


@pytest.mark.parametrize(
    "name, data",
    [
        ("verkosto.csv", IMPORT_CSV.replace("Riikka Laine", "Riikka\x00Laine").encode()),
        ("verkosto.csv", IMPORT_CSV.encode("utf-16")),  # NUL bytes all through
        ("ptv.json", PTV_JSON.replace("Järvelän Perheklubi ry", "Perhe\\u0000klubi").encode()),
    ],
)
def test_a_nul_in_an_uploaded_file_is_refused(client, network, name, data):
    client.force_login(network.admin)
    before = (Organisation.objects.count(), Professional.objects.count())
    html = refused_page(
        client.post(reverse("network:import"), {"file": SimpleUploadedFile(name, data)}),
        "Tiedostossa ”file” on NUL-merkkejä",
    )
    assert "UTF-8" in html
    assert "network_import" not in client.session
    assert client.post(reverse("network:import"), {"confirm": "1"}).status_code == 200
    assert (Organisation.objects.count(), Professional.objects.count()) == before


# ---- bodies over the upload limit ---------------------------------------------------


def test_a_form_over_the_upload_limit_is_refused_in_finnish(client, network, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(network.convener)
    data = {
        "alias": "Perhe K",
        "children_birth_years": str(timezone.localdate().year - 4),
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "x" * 20_000,
        "consent": "on",
    }
    html = refused_page(client.post(reverse("families:create"), data), "liian suuri")
    with translation.override("fi"):
        assert f"enintään {filesizeformat(10_000)}" in html  # the limit, in Finnish
    assert not Family.objects.exists()


def test_a_form_with_too_many_fields_is_refused(client, network, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client.force_login(network.convener)
    data = {f"f{i}": "x" for i in range(100)}
    refused_page(client.post(reverse("families:create"), data), "liian monta")
    assert not Family.objects.exists()
