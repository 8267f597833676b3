"""With no departed lead the waiting list says so, not that every family has a
lead (a family without a plan has none yet)."""

from django.urls import reverse


def test_the_empty_list_says_no_lead_has_left(client, network):
    client.force_login(network.coordinator)
    page = client.get(reverse("plans:leads_needed")).content.decode()
    assert "Yhdenkään perheen vastuutyöntekijä ei ole lähtenyt." in page
    assert "Jokaisella perheellä on vastuutyöntekijä." not in page
