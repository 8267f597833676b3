"""A standing team's sessions are bookable places: the next free one is
booked for the family, the core roles are invited, a full session is never
offered, the last place goes to one booker only, and the guidance service
books a family's contact straight into a session."""

from datetime import time

import pytest
from django.db import connection
from django.urls import reverse

from conftest import _professional, concern_for, together
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.families.contacts import submit_contact
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import Expertise, InvitationPractice, Organisation, SlotWindow, TeamRole
from yhdessa.notify.models import OutboxMessage
from yhdessa.scheduling.availability import busy_by_person
from yhdessa.scheduling.sessions import book_session, free_sessions, sessions


@pytest.fixture
def standing(network):
    """Järvelä's team as a standing Yhdessä-tiimi: Tuesdays 13-15, two
    families a session, 45 minutes each; family guide and child health
    clinic always invited."""
    team = network.team
    team.kind = team.Kind.STANDING
    team.session_capacity, team.session_family_minutes = 2, 45
    team.benefit_criteria = "Perhe tunnistaa ongelman.\nPerhe on motivoitunut."
    team.save()
    team.practice.slots.all().delete()
    team.practice.deadline_rule = InvitationPractice.DeadlineRule.NONE
    team.practice.save()
    SlotWindow.objects.create(practice=team.practice, weekday=1, starts=time(13), ends=time(15))
    for code in ("family_guide", "child_health_clinic"):
        TeamRole.objects.create(team=team, expertise=Expertise.objects.get(code=code), kind="core")
    return team


@pytest.mark.django_db
def test_the_next_free_place_is_booked_and_the_core_roles_invited(client, network, standing):
    first = sessions(standing)[0]
    tz = first.starts_at.tzinfo
    assert [p.astimezone(tz).strftime("%H:%M") for p in first.places] == ["13:00", "13:45"]
    client.force_login(network.convener)
    concern = concern_for(network.convener)
    page = client.get(reverse("meetings:convene", args=[concern.pk]))
    assert "Perhe tunnistaa ongelman." in page.content.decode()
    assert page.context["sessions"][0].starts_at == first.starts_at
    client.post(
        reverse("meetings:book_session", args=[concern.pk]),
        {"team": standing.pk, "session": first.starts_at.isoformat()},
    )
    meeting = Meeting.objects.get()
    assert (meeting.starts_at, meeting.duration_minutes) == (first.starts_at, 45)
    assert meeting.session_starts_at == first.starts_at
    invited = {i.professional.name for i in meeting.invitations.all()}
    assert invited == {"Mikko Harju", "Leena Koivisto"}
    assert OutboxMessage.objects.filter(meeting=meeting, kind="invitation").count() >= 2
    second = book_session(
        actor=network.convener,
        concern=concern_for(network.convener, alias="Perhe T"),
        team_id=standing.pk,
        session_starts_at=first.starts_at,
    )
    assert second.starts_at.astimezone(first.starts_at.tzinfo).strftime("%H:%M") == "13:45"
    # Full now: never offered as free, and a third booking is refused.
    assert first.starts_at not in [s.starts_at for s in free_sessions(standing)]
    with pytest.raises(Conflict, match="täynnä"):
        book_session(
            actor=network.convener,
            concern=concern_for(network.convener, alias="Perhe U"),
            team_id=standing.pk,
            session_starts_at=first.starts_at,
        )
    assert Meeting.objects.count() == 2


@pytest.mark.django_db
def test_a_session_keeps_the_members_busy_for_other_teams(network, standing):
    first = sessions(standing)[0]
    mikko = network.people["mikko"]
    busy = busy_by_person([mikko.pk], start=first.starts_at, end=first.ends_at)
    assert busy[mikko.pk] == [(first.starts_at, first.ends_at)]
    # Not when booking that very team: its sessions are the times offered.
    assert not busy_by_person(
        [mikko.pk], start=first.starts_at, end=first.ends_at, exclude_team=standing.pk
    ).get(mikko.pk)


@pytest.mark.django_db
def test_a_team_without_places_or_a_made_up_session_is_refused(network, standing):
    concern = concern_for(network.convener)
    first = sessions(standing)[0]
    with pytest.raises(Exception, match="Istuntoa ei löydy"):
        book_session(
            actor=network.convener,
            concern=concern,
            team_id=standing.pk,
            session_starts_at=first.starts_at.replace(hour=first.starts_at.hour + 1),
        )
    with pytest.raises(Exception, match="varattavia istuntoja"):
        book_session(
            actor=network.convener2,
            concern=concern_for(network.convener2),
            team_id=network.team2.pk,
            session_starts_at=first.starts_at,
        )
    assert Meeting.objects.count() == 0


@pytest.mark.django_db
def test_the_guidance_service_books_a_contact_into_a_session(client, network, standing):
    guidance = User.objects.create_user(
        username="guidance", password="x" * 20, role=User.Role.GUIDANCE, municipality=network.town
    )
    contact = submit_contact(
        municipality_id=network.town.pk,
        name="Anu",
        children_ages=[4],
        topic_codes=["daily_rhythm"],
        message="Illat ovat raskaita.",
        contact_by="phone",
        phone="040 123 4567",
        consent=True,
        sender="127.0.0.9",
    )
    client.force_login(guidance)
    page = client.get(reverse("contact:detail", args=[contact.pk]))
    assert "Varaa paikka Yhdessä-tiimin istunnosta" in page.content.decode()
    assert "Perhe on motivoitunut." in page.content.decode()
    first = sessions(standing)[0]
    response = client.post(
        reverse("contact:book_session", args=[contact.pk]),
        {
            "session": f"{standing.pk}|{first.starts_at.isoformat()}",
            "professional": network.people["sanna"].pk,
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.convener == network.people["sanna"]
    assert meeting.concern.raised_by == "family" and meeting.session_starts_at == first.starts_at
    contact.refresh_from_db()
    assert contact.state == "handed_over" and contact.concern == meeting.concern
    # The family hears of the meeting by SMS (its only address).
    assert OutboxMessage.objects.filter(meeting=meeting, to_family=True, channel="sms").exists()


@pytest.mark.django_db(transaction=True)
def test_two_bookers_taking_the_last_place_at_once_one_wins(network, standing):
    first = sessions(standing)[0]
    book_session(
        actor=network.convener,
        concern=concern_for(network.convener, alias="Perhe A"),
        team_id=standing.pk,
        session_starts_at=first.starts_at,
    )
    county = Organisation.objects.get(name="Hyvinvointialue")
    other_user = User.objects.create_user(
        username="other", password="x" * 20, municipality=network.town
    )
    _professional("Toinen Kutsuja", county, network.town, ["early_education"], other_user)
    concerns = [
        concern_for(network.convener, alias="Perhe B"),
        concern_for(other_user, alias="Perhe C"),
    ]

    def book(user, concern):
        def run():
            try:
                return book_session(
                    actor=user,
                    concern=concern,
                    team_id=standing.pk,
                    session_starts_at=first.starts_at,
                ).pk
            except Conflict as error:
                return error.message
            finally:
                if connection.vendor == "postgresql":
                    connection.close()

        return run

    results = together(book(network.convener, concerns[0]), book(other_user, concerns[1]))
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert (
        Meeting.objects.filter(session_starts_at=first.starts_at, status="scheduled").count() == 2
    )
