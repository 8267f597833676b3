"""Polls of candidate times: the invitees answer by their link or in the
app, the family on its own page; the convener sees the table and picks the
winner, which convenes the meeting; the other times are released."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import concern_for, next_thursday_at
from yhdessa.errors import Conflict
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.scheduling.availability import busy_by_person
from yhdessa.scheduling.models import Poll, PollVote
from yhdessa.scheduling.polls import create_poll, decide_poll, poll_token, vote

pytestmark = pytest.mark.django_db
FAMILY_LINK = re.compile(r"http://[^/\s]+(/f/[A-Za-z0-9_-]{43}/)")


def _poll(network, concern=None, weeks=(3, 4, 5)):
    return create_poll(
        actor=network.convener,
        concern=concern or concern_for(network.convener),
        starts=[next_thursday_at(8, weeks=w) for w in weeks],
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk, network.people["leena"].pk],
    )


def test_each_invitee_and_the_family_is_asked_and_the_times_are_held(network):
    poll = _poll(network)
    asked = OutboxMessage.objects.filter(kind="poll")
    assert sorted(m.professional.name for m in asked if m.professional) == [
        "Leena Koivisto",
        "Mikko Harju",
    ]
    assert asked.filter(to_family=True).count() == 1
    mikko = network.people["mikko"]
    first = poll.options.first().starts_at
    busy = busy_by_person(
        [mikko.pk], start=first - timedelta(hours=1), end=first + timedelta(hours=3)
    )
    assert busy[mikko.pk] == [(first, first + timedelta(minutes=90))]


def test_answers_by_link_by_the_family_and_the_winner_convenes(client, network):
    poll = _poll(network)
    options = list(poll.options.all())
    mikko, leena = network.people["mikko"], network.people["leena"]
    # Mikko answers by the link in his message: no login; the family is not named.
    page = client.get(reverse("poll_public:answer", args=[poll_token(poll, mikko)]))
    assert page.status_code == 200 and poll.concern.family.alias not in page.content.decode()
    client.post(
        reverse("poll_public:answer", args=[poll_token(poll, mikko)]),
        {
            f"option-{options[0].pk}": "no",
            f"option-{options[1].pk}": "yes",
            f"option-{options[2].pk}": "maybe",
        },
    )
    # Leena answers in the app, from her start page list (she has no login here: by service).
    vote(poll=poll, professional=leena, answers={o.pk: "yes" for o in options})
    # The family answers on its own page.
    message = OutboxMessage.objects.get(kind="poll", to_family=True)
    family_path = FAMILY_LINK.search(message.text).group(1)
    home = client.get(family_path)
    assert "Mikä aika teille sopisi?" in home.content.decode()
    client.post(
        family_path + f"poll/{poll.pk}/",
        {f"option-{o.pk}": "yes" if o == options[1] else "no" for o in options},
    )
    assert PollVote.objects.filter(professional__isnull=True).count() == 3
    client.force_login(network.convener)
    page = client.get(reverse("scheduling:poll", args=[poll.pk]))
    assert page.context["best"] == options[1].pk
    rows = {r.option.pk: r.counts for r in page.context["rows"]}
    assert rows[options[1].pk]["yes"] == 3 and rows[options[0].pk]["no"] == 2
    done = client.post(reverse("scheduling:poll_decide", args=[poll.pk]), {"option": options[1].pk})
    meeting = Meeting.objects.get()
    assert done.url == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.starts_at == options[1].starts_at
    assert {i.professional for i in meeting.invitations.all()} == {mikko, leena}
    assert OutboxMessage.objects.filter(meeting=meeting, kind="invitation").count() == 3
    poll.refresh_from_db()
    assert poll.status == "decided" and poll.meeting == meeting
    # The other times are released: only the meeting holds Mikko now.
    other = options[0].starts_at
    assert not busy_by_person([mikko.pk], start=other, end=other + timedelta(minutes=90)).get(
        mikko.pk
    )
    # A decided poll takes no more answers.
    with pytest.raises(Conflict):
        vote(poll=poll, professional=mikko, answers={o.pk: "yes" for o in options})


def test_bad_polls_and_bad_answers_change_nothing(client, network):
    concern = concern_for(network.convener)
    with pytest.raises(Exception, match="Tarjoa 2–5"):
        _poll(network, concern, weeks=(3,))
    with pytest.raises(Exception, match="Tarjoa 2–5"):
        _poll(network, concern, weeks=(3, 4, 5, 6, 7, 8))
    assert Poll.objects.count() == 0
    poll = _poll(network, concern)
    with pytest.raises(Conflict):
        _poll(network, concern)  # one open poll per family
    options = list(poll.options.all())
    mikko = network.people["mikko"]
    url = reverse("poll_public:answer", args=[poll_token(poll, mikko)])
    page = client.post(url, {f"option-{options[0].pk}": "yes"})  # not every time answered
    assert "Vastaa jokaiseen aikaan" in page.content.decode()
    page = client.post(url, {f"option-{o.pk}": "perhaps" for o in options})
    assert "Vastaa jokaiseen aikaan" in page.content.decode()
    assert PollVote.objects.count() == 0
    # A link for someone not asked, or altered, opens nothing.
    outsider = network.people["antti"]
    assert (
        client.get(reverse("poll_public:answer", args=[poll_token(poll, outsider)])).status_code
        == 404
    )
    assert client.get(url[:-3] + "x/").status_code == 404


def test_only_the_polls_convener_decides_and_an_outsider_sees_nothing(client, network):
    poll = _poll(network)
    option = poll.options.first()
    client.force_login(network.convener2)
    assert client.get(reverse("scheduling:poll", args=[poll.pk])).status_code == 404
    client.post(reverse("scheduling:poll_decide", args=[poll.pk]), {"option": option.pk})
    with pytest.raises(PermissionDenied):
        decide_poll(actor=network.member, poll=poll, option_id=option.pk)
    assert Meeting.objects.count() == 0
    poll.refresh_from_db()
    assert poll.status == "open"


def test_the_invitee_answers_on_the_start_page(client, network):
    poll = _poll(network)
    client.force_login(network.member)  # Mikko
    page = client.get(reverse("home"))
    assert "kysyy, mitkä ajat sopivat sinulle" in page.content.decode()
    assert poll.concern.family.alias not in page.content.decode()
    options = list(poll.options.all())
    client.post(
        reverse("scheduling:poll_vote", args=[poll.pk]),
        {f"option-{o.pk}": "maybe" for o in options},
    )
    assert (
        PollVote.objects.filter(professional=network.people["mikko"], answer="maybe").count() == 3
    )


def test_a_withdrawal_or_a_closing_ends_the_open_poll(network):
    from yhdessa.families.services import close_concern, withdraw_consent

    poll = _poll(network)
    waiting = OutboxMessage.objects.filter(kind="poll", status="pending")
    assert waiting.filter(to_family=True).exists()
    withdraw_consent(actor=network.convener, concern=poll.concern)
    poll.refresh_from_db()
    assert poll.status == "cancelled"
    assert not OutboxMessage.objects.filter(kind="poll", status="pending").exists()
    options = list(poll.options.all())
    with pytest.raises(Conflict):
        vote(
            poll=poll, professional=network.people["mikko"], answers={o.pk: "yes" for o in options}
        )
    other = _poll(network, concern_for(network.convener, alias="Perhe T"))
    close_concern(actor=network.convener, concern=other.concern, reason="need_passed")
    other.refresh_from_db()
    assert other.status == "cancelled"


def test_the_convening_page_starts_a_poll_by_post_with_its_choices(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    page = client.post(
        reverse("scheduling:poll_new", args=[concern.pk]),
        {
            "start_poll": "1",
            "expertise": ["family_guide"],
            "invitees": [str(network.people["mikko"].pk)],
            "place": "Perhekeskus",
            "csrfmiddlewaretoken": "x",
        },
    )
    assert page.status_code == 200 and Poll.objects.count() == 0
    slots = [s for s in page.context["slots"] if s]
    assert len(slots) == 3
    assert page.context["form"].initial["invitees"] == [str(network.people["mikko"].pk)]
