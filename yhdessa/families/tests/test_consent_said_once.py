"""A refused consent is explained once, by its error; the standing help line
under the checkbox, which says less, steps aside."""

from yhdessa.families.tests.test_raise_concern import URL, form_data

HELP = "Ilman perheen suostumusta huolta ei kirjata.</p>"


def test_the_help_line_shows_until_the_consent_is_refused(client, network):
    client.force_login(network.convener)
    assert HELP in client.get(URL).content.decode()
    page = client.post(URL, form_data(consent=None)).content.decode()
    assert "Ilman perheen suostumusta huolta ei kirjata eikä" in page
    assert HELP not in page
