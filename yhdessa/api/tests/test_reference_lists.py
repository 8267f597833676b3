"""Every code a client sends is listed by the API, in the caller's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from yhdessa.api.auth import issue_token
from yhdessa.families.models import Concern, ConcernTopic, Family
from yhdessa.network.models import Expertise
from yhdessa.plans.models import PlanAction, StarArea

pytestmark = pytest.mark.django_db

CHOICE_LISTS = {
    "/channels": Concern.Channel,
    "/action-places": PlanAction.Where,
    "/languages": Family.Language,
}
TABLE_LISTS = {"/expertise": Expertise, "/topics": ConcernTopic}
ALL_LISTS = [*CHOICE_LISTS, *TABLE_LISTS, "/star-areas"]


@pytest.fixture
def get(client, network):
    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}

    def get(path: str, language: str | None = None):
        extra = {"Accept-Language": language} if language else {}
        return client.get(f"/api/v1{path}", headers={**headers, **extra})

    return get


@pytest.mark.parametrize("path, choices", CHOICE_LISTS.items())
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_fixed_list_gives_every_code_with_its_name_in_the_callers_language(
    get, path, choices, language
):
    response = get(path, language)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    with translation.override(language):
        expected = [{"code": c.value, "name": str(c.label)} for c in choices]
    assert response.json() == expected


def test_the_names_really_change_with_the_language(get):
    finnish = get("/channels", "fi").json()
    swedish = get("/channels", "sv-SE,sv;q=0.9").json()
    english = get("/channels", "en-GB,en;q=0.8").json()

    assert [c["code"] for c in finnish] == [c["code"] for c in swedish] == Concern.Channel.values
    assert all(f["name"] != s["name"] for f, s in zip(finnish, swedish, strict=True))
    assert all(f["name"] != e["name"] for f, e in zip(finnish, english, strict=True))


@pytest.mark.parametrize("path, model", TABLE_LISTS.items())
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_editable_list_gives_every_row_in_order_in_the_callers_language(
    get, path, model, language
):
    response = get(path, language)

    assert response.status_code == 200
    rows = list(model.objects.order_by("position", "code"))
    assert rows, "the list is seeded by a migration"
    assert response.json() == [
        {"code": r.code, "name": getattr(r, f"name_{language}") or r.name_fi} for r in rows
    ]


def test_a_coordinators_new_topic_is_listed_at_once(get):
    ConcernTopic.objects.create(code="new_topic", name_fi="Uusi aihe", position=999)

    assert get("/topics").json()[-1] == {"code": "new_topic", "name": "Uusi aihe"}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_star_areas_come_with_their_numbers_and_descriptions(get, language):
    response = get("/star-areas", language)

    areas = list(StarArea.objects.order_by("number"))
    assert areas, "seeded by a migration"
    assert response.json() == [
        {
            "code": str(a.number),
            "number": a.number,
            "name": getattr(a, f"name_{language}") or a.name_fi,
            "description": getattr(a, f"description_{language}") or a.description_fi,
        }
        for a in areas
    ]


def test_without_accept_language_the_lists_are_in_finnish(get):
    assert get("/languages").json()[0] == {"code": "fi", "name": "suomi"}
    assert get("/languages", "de").json()[0] == {"code": "fi", "name": "suomi"}


def test_every_listed_code_is_accepted_when_sent(get, client, network):
    """The lists and the validation read the same source: a concern made of
    every listed topic, in every listed channel and language, is taken."""
    topics = [t["code"] for t in get("/topics").json()]
    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    for number, (channel, language) in enumerate(
        zip(
            [c["code"] for c in get("/channels").json()],
            [lang["code"] for lang in get("/languages").json()] * 2,
            strict=False,
        )
    ):
        body = {
            "family": {
                "alias": f"Perhe L{number}",
                "children_birth_years": [2020],
                "language": language,
            },
            "channel": channel,
            "topics": topics,
            "summary": "Arki on raskasta.",
            "consent": True,
        }
        response = client.post(
            "/api/v1/concerns", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.json()
        assert sorted(response.json()["topics"]) == sorted(topics)
    assert {a["code"] for a in get("/action-places").json()} == set(PlanAction.Where.values)


@pytest.mark.parametrize("path", ALL_LISTS)
def test_a_list_costs_one_query_beyond_the_token_check(get, path):
    get("/channels")  # warm up: translations and the URL resolver
    with CaptureQueriesContext(connection) as authentication_only:
        get("/channels")  # a fixed list: only the token's queries
    with CaptureQueriesContext(connection) as listing:
        response = get(path)

    assert response.status_code == 200
    # The token's queries, plus for a table the one SELECT of its rows.
    one_select = 0 if path in CHOICE_LISTS else 1
    assert len(listing) == len(authentication_only) + one_select


@pytest.mark.parametrize("path", ALL_LISTS)
def test_without_a_token_a_list_is_401_json(client, network, path):
    response = client.get(f"/api/v1{path}")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_the_lists_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in ALL_LISTS:
        assert f"/api/v1{path}" in paths
