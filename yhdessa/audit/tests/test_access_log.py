"""The access log: who read a family's data, what, when and why."""

from django.urls import reverse

from conftest import meeting_for
from yhdessa.audit.models import AccessLogEntry


def test_every_read_is_logged_with_its_reason(client, network):
    meeting = meeting_for(network)
    family = meeting.concern.family
    client.force_login(network.member)  # invited
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    client.force_login(network.coordinator)
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    client.get(reverse("families:detail", args=[meeting.concern_id]))
    rows = list(
        AccessLogEntry.objects.filter(family=family, what__in=["meeting", "concern"])
        .order_by("pk")
        .values_list("user__username", "what", "why")
    )
    assert rows == [
        ("member", "meeting", "invited"),
        ("coordinator", "meeting", "coordinator"),
        ("coordinator", "concern", "coordinator"),
    ]


def test_a_coordinator_lists_who_has_read_a_family(client, network):
    meeting = meeting_for(network)
    family = meeting.concern.family
    client.force_login(network.member)
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    client.force_login(network.coordinator)
    families = client.get(reverse("audit:families"), {"q": family.reference}).content.decode()
    assert "Perhe K" in families
    page = client.get(reverse("audit:family_log", args=[family.pk])).content.decode()
    assert "Mikko Harju" in page and "kutsuttu asiantuntija" in page and "Yhdessä aika" in page
    # Reading the log is itself a read of the family's data, and says so.
    assert AccessLogEntry.objects.filter(user=network.coordinator, what="access_log").exists()


def test_the_log_is_for_the_coordinator_of_the_municipality_only(client, network):
    family = meeting_for(network).concern.family
    client.force_login(network.convener)
    assert client.get(reverse("audit:families")).status_code == 403
    client.force_login(network.coordinator2)
    assert client.get(reverse("audit:family_log", args=[family.pk])).status_code == 404
    assert "Perhe K" not in client.get(reverse("audit:families")).content.decode()


def test_list_reads_say_why_exactly(client, network):
    """A coordinator who also works as a professional is logged as the coordinator
    for a meeting they only oversee."""
    meeting = meeting_for(network)
    from yhdessa.network.models import Professional

    Professional.objects.filter(pk=network.people["antti"].pk).update(user=network.coordinator)
    client.force_login(network.coordinator)
    client.get(reverse("home"))
    client.get(reverse("notify:list"))
    whys = set(
        AccessLogEntry.objects.filter(
            user=network.coordinator, what="list", family=meeting.concern.family
        ).values_list("why", flat=True)
    )
    assert whys == {"coordinator"}
    client.force_login(network.member)
    client.get(reverse("home"))
    assert set(
        AccessLogEntry.objects.filter(user=network.member, what="list").values_list(
            "why", flat=True
        )
    ) == {"invited"}


def test_the_family_search_has_the_same_limit_in_the_browser_and_the_server(client, network):
    meeting = meeting_for(network)
    client.force_login(network.coordinator)
    page = client.get(reverse("audit:families")).content.decode()
    assert 'maxlength="100"' in page
    # A reference far longer than any family number finds nothing and breaks nothing.
    huge = client.get(reverse("audit:families"), {"q": "P-" + "9" * 40})
    assert huge.status_code == 200 and "Perhe K" not in huge.content.decode()
    # Text past the limit is not searched for: the family is still found by its start.
    alias = meeting.concern.family.alias
    padded = client.get(reverse("audit:families"), {"q": alias + " " * 200 + "x"})
    assert alias in padded.content.decode()
