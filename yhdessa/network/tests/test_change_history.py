"""The change history reads as words in the reader's language: names for
codes and ids, and dates as the reader writes them (issue 7, item 14)."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from yhdessa.network.models import DirectoryChange, Expertise, Organisation, TaskArea


def _history(client, language: str = "fi") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("network:changes")).content.decode()


def _change(network, obj, changes: dict, **fields) -> DirectoryChange:
    return DirectoryChange.objects.create(
        actor=network.coordinator,
        municipality=network.town,
        action="updated",
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        object_repr=str(obj),
        changes=changes,
        **fields,
    )


def test_codes_and_ids_read_as_names(client, network):
    client.force_login(network.coordinator)
    guide = Expertise.objects.get(code="family_guide")
    org = Organisation.objects.get(name="Perhekulma ry")
    org.municipalities.set([network.town])
    # Through the pages, as a coordinator makes them.
    client.post(
        reverse("network:organisation", args=[org.pk]),
        {
            "name": org.name,
            "sector": "ngo",
            "municipalities": [network.town.pk],
            "task_areas": [TaskArea.objects.get(code="meeting_places").pk],
            "languages": ["fi", "se"],
        },
    )
    riikka = network.people["riikka"]
    client.post(
        reverse("network:professional", args=[riikka.pk]),
        {
            "name": riikka.name,
            "organisation": org.pk,
            "municipality": network.town.pk,
            "email": riikka.email,
            "phone": riikka.phone,
            "expertise": [guide.pk],
            "is_active": "on",
        },
    )
    client.post(
        reverse("network:team", args=[network.team.pk]),
        {
            "members": [p.pk for p in network.team.members.all()],
            "team-kind": "standing",
            "team-core": [guide.pk],
            "by_email": "on",
            "by_phone": "on",
            "deadline_rule": "weekday_prev_week",
            "deadline_weekday": "3",
            "default_duration_minutes": "90",
            "default_place": "Perhekeskus",
            "slot_0_weekday": "1",
            "slot_0_starts": "12:00",
            "slot_0_ends": "14:00",
        },
    )
    page = _history(client)
    for shown in (
        "perhekeskuksen tehtäväalueet:</span> – → Kohtaamispaikat ja vertaistuki",
        "palvelukielet:</span> – → suomi, saame",
        "osaaminen:</span> Järjestön perhetoiminta → Perheohjaus",
        "tiimin roolit:</span> – → kutsutaan aina: Perheohjaus",
        "tiimin malli:</span> kutsuttava perhekeskustiimi → Yhdessä-tiimi",
        "määräajan viikonpäivä:</span> maanantai → torstai",
        "aikaikkunat:</span> torstai 8.00–10.00 → tiistai 12.00–14.00",
        "Muutettu: organisaatio Perhekulma ry",
        "Muutettu: perhekeskustiimi Järvelän perhekeskustiimi",
    ):
        assert shown in page, shown
    for code in ("meeting_places", "family_guide", "core:", "3 08:00", "deadline_weekday", ", se"):
        assert code not in page, code


def test_dates_and_sources_read_in_the_readers_format(client, network):
    client.force_login(network.coordinator)
    org = Organisation.objects.get(name="Perhekulma ry")
    change = _change(
        network, org, {"name": ["Perhekulma", "Perhekulma ry"]}, source="Tuonti 2024-05-31"
    )
    at = timezone.make_aware(datetime(2024, 6, 3, 9, 5))
    DirectoryChange.objects.filter(pk=change.pk).update(at=at)
    _change(
        network, network.team, {"deadline_rule": ["none", "working_days_before"]}, source="practice"
    )
    fi = _history(client, "fi")
    assert "3.6.2024 9.05" in fi and 'datetime="2024-06-03T09:05:00+03:00"' in fi
    assert "Tuonti 31.5.2024" in fi and "2024-05-31" not in fi
    assert "kutsukäytäntö" in fi and ">practice<" not in fi
    assert "pyynnön määräaika:</span> ei määräaikaa → arkipäivää ennen" in fi
    assert "3.6.2024 9.05" in _history(client, "sv")
    assert "3.6.2024 9:05" in _history(client, "en")


def test_names_follow_the_readers_language(client, network):
    client.force_login(network.coordinator)
    org = Organisation.objects.get(name="Perhekulma ry")
    org.name_sv = "Familjehörnan rf"
    org.save()
    guide = Expertise.objects.get(code="family_guide")
    _change(network, org, {"task_areas": [None, "meeting_places / Järvelä"]})
    _change(network, guide, {"name_en": ["", "Family guidance"]})
    _change(network, network.people["riikka"], {"expertise": [[], ["family_guide"]]})
    sv = _history(client, "sv")
    assert "Familjehörnan rf" in sv
    assert guide.name_sv in sv and "Perheohjaus" not in sv
    assert TaskArea.objects.get(code="meeting_places").name_sv + " / Järvelä" in sv
    fi = _history(client, "fi")
    assert "organisaatio Perhekulma ry" in fi and "Perheohjaus" in fi


def test_the_history_keeps_its_query_count(client, network, django_assert_num_queries):
    client.force_login(network.coordinator)
    guide = Expertise.objects.get(code="family_guide")
    for org in Organisation.objects.all():
        _change(network, org, {"task_areas": [None, ["meeting_places"]]})
    _change(network, guide, {"name_fi": ["Perheohjaaja", "Perheohjaus"]})
    for person in network.people.values():
        _change(network, person, {"expertise": [[], ["family_guide"]]})
    # session, user, the acting professional, the user's OTP device, the
    # count, the page of changes with their actors, expertise, task areas,
    # and the organisations named on the page (in the reader's language).
    with django_assert_num_queries(9):
        client.get(reverse("network:changes"))
    for org in Organisation.objects.all():
        _change(network, org, {"sector": ["ngo", "other"]})
    with django_assert_num_queries(9):
        client.get(reverse("network:changes"))
