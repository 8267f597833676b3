"""A reference list is long and its form sits below it: choosing an entry to
rename, and a save that comes back with errors, land on the form rather than
at the top of the page where nothing seems to have changed."""

from django.urls import reverse

from yhdessa.network.models import Expertise


def test_an_entry_link_and_the_form_land_on_the_form(client, network):
    client.force_login(network.coordinator)
    entry = Expertise.objects.order_by("position").first()
    page = client.get(reverse("network:reference", args=["expertise"])).content.decode()
    edit_url = reverse("network:reference_edit", args=["expertise", entry.pk])
    assert f'href="{edit_url}#entry"' in page
    assert '<h2 id="entry">' in page
    assert 'action="#entry"' in page
