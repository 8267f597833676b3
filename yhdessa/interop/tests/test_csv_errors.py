"""Every refusal of a CSV import names its line and its real reason: a row
that depends on a refused row says what was wrong with that row, not that
the row is missing."""

import pytest

from yhdessa.interop.network_csv import import_network
from yhdessa.interop.tests.test_network_csv import HEADER
from yhdessa.network.models import DirectoryChange


def _errors(network, body: str) -> dict[int | None, str]:
    report = import_network((HEADER + body).encode(), actor=network.coordinator, apply=True)
    assert not report.applied
    return dict(report.errors)


def test_a_membership_of_a_refused_professional_names_the_professionals_problem(network):
    body = (
        "organisation,Perhekulma ry,ngo,,Järvelä,,,,,,fi,,\n"  # line 2
        "professional,Perhekulma ry,,,Järvelä,Aino Aalto,,aino@x.example,,,fi,,yes\n"
        "professional,Perhekulma ry,,,Järvelä,Bea Berg,,bea@x.example,,,fi,,yes\n"
        "membership,,,,Järvelä,,,aino@x.example,,,,Järvelän perhekeskustiimi,\n"
        "membership,,,,Järvelä,,,bea@x.example,,,,Järvelän perhekeskustiimi,\n"
        "professional,Perhekulma ry,,,Järvelä,Ville Virta,,ville@x.example,,XYZ,fi,,yes\n"  # 7
        "membership,,,,Järvelä,,,aino@x.example,,,,Järvelän perhekeskustiimi,\n"
        "membership,,,,Järvelä,,,ville@x.example,,,,Järvelän perhekeskustiimi,\n"  # line 9
    )
    errors = _errors(network, body)
    assert set(errors) == {7, 9}
    assert errors[7] == "Tuntematon osaamisen koodi: XYZ."
    assert "lisää hänelle professional-rivi" not in errors[9]
    assert "rivillä 7" in errors[9] and "Tuntematon osaamisen koodi: XYZ" in errors[9]
    assert not DirectoryChange.objects.exists()


def test_a_professional_of_a_refused_organisation_names_the_organisations_problem(network):
    body = (
        "organisation,Uusi ry,ngo,1234567-2,Järvelä,,,,,,fi,,\n"  # line 2: bad y-tunnus
        "professional,Uusi ry,,,Järvelä,Aino Aalto,,aino@x.example,,,fi,,yes\n"
        "professional,1234567-2,,,Järvelä,Bea Berg,,bea@x.example,,,fi,,yes\n"
    )
    errors = _errors(network, body)
    assert set(errors) == {2, 3, 4}
    assert "Y-tunnus 1234567-2 ei ole kelvollinen" in errors[2]
    for line in (3, 4):
        assert "lisää sille organisation-rivi" not in errors[line]
        assert "rivillä 2" in errors[line] and "Y-tunnus 1234567-2" in errors[line]


@pytest.mark.parametrize(
    "row, reason",
    [
        (
            "professional,Perhekulma ry,,,Järvelä|Koivuranta,Aino,,a@x.example,,,fi,,yes",
            "yksi kunta (nyt: Järvelä|Koivuranta)",
        ),
        ("professional,Perhekulma ry,,,,Aino,,a@x.example,,,fi,,yes", "yksi kunta (nyt: –)"),
        (
            "professional,Perhekulma ry,,,Järvelä,Aino,,a@x.example,,,fi,,maybe",
            "Sarakkeen active arvo on yes tai no (nyt: maybe)",
        ),
        (
            "professional,Perhekulma ry,,,Järvelä,,,a@x.example,,,fi,,yes",
            "name: Anna ammattilaisen nimi",
        ),
        (
            "professional,Perhekulma ry,,,Järvelä,Aino,,a@x.example," + "1" * 41 + ",,fi,,yes",
            "phone: ",
        ),
        ("organisation,,ngo,,Järvelä,,,,,,fi,,", "Organisaation nimi puuttuu"),
        ("organisation," + "x" * 201 + ",ngo,,Järvelä,,,,,,fi,,", "organisation: "),
        ("membership,,,,Järvelä,,,riikka@test.example,,,,,", "Sarake team on tyhjä"),
        ("membership,,,,,,,riikka@test.example,,,,Tiimi,", "vain yksi (nyt: –)"),
        ("membership,,,,Järvelä,,,,,,,Tiimi,", "Sarake email on tyhjä"),
        (
            "membership,,,,Järvelä,,,nobody@x.example,,,,Tiimi,",
            "Ammattilaista sähköpostilla nobody@x.example ei löydy",
        ),
    ],
)
def test_each_refusal_names_its_line_and_reason(network, row, reason):
    errors = _errors(network, row + "\n")
    assert list(errors) == [2], errors
    assert reason in errors[2], errors[2]
    assert "__all__" not in errors[2]


def test_an_unknown_column_is_named(network):
    report = import_network(
        (
            HEADER.strip() + ",expertice\n" + "organisation,Uusi ry,ngo,,Järvelä,,,,,,fi,,,x\n"
        ).encode(),
        actor=network.coordinator,
        apply=True,
    )
    assert report.errors == [
        (
            1,
            "Tuntematon sarake otsikkorivillä: expertice. Sarakkeet ovat: "
            "record, organisation, sector, business_id, municipalities, name, "
            "title, email, phone, expertise, languages, team, active.",
        )
    ]


def test_a_row_spread_over_lines_is_named_by_its_first_line(network):
    body = (
        'organisation,"Perhe\nkulma ry",spaceship,,Järvelä,,,,,,fi,,\n'  # lines 2-3
        "organisation,Toinen ry,spaceship,,Järvelä,,,,,,fi,,\n"  # line 4
    )
    assert list(_errors(network, body)) == [2, 4]
