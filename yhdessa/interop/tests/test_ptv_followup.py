"""After a PTV import: names in three languages, services the import could
not classify kept for the coordinator, every object counted, and unknown
municipalities offered to the administrator (issue 7, item 20)."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from yhdessa.interop.ptv import import_ptv
from yhdessa.network.models import (
    DirectoryChange,
    ImportedService,
    Municipality,
    Organisation,
    Professional,
    ServiceOffer,
    TaskArea,
)

DATA = Path(__file__).parent / "data"
PAGE = (DATA / "ptv_page.json").read_bytes()
SERVICES = (DATA / "ptv_services_page.json").read_bytes()


def _upload(client, data: bytes, name: str = "ptv.json") -> str:
    upload = SimpleUploadedFile(name, data, content_type="application/json")
    return client.post(reverse("network:import"), {"file": upload}).content.decode()


def test_organisations_are_shown_in_the_readers_language(client, network):
    import_ptv(PAGE, actor=network.admin, apply=True)
    club = Organisation.objects.get(name="Järvelän Perheklubi ry")
    Professional.objects.create(
        name="Kaisa Kerho", organisation=club, municipality=network.town, email="k@x.example"
    )
    client.force_login(network.convener)
    for language, name in (
        ("fi", "Järvelän Perheklubi ry"),
        ("sv", "Järvelä Familjeklubb rf"),
        ("en", "Järvelä Family Club"),
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("network:directory"), {"q": "Kaisa"}).content.decode()
        assert name in page, language
    # The coordinator keeps the names too.
    client.force_login(network.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    page = client.get(reverse("network:organisation", args=[club.pk])).content.decode()
    assert 'value="Järvelä Familjeklubb rf"' in page and 'value="Järvelä Family Club"' in page


def test_the_coordinator_classifies_what_the_import_could_not(client, network):
    client.force_login(network.coordinator)
    _upload(client, PAGE)
    client.post(reverse("network:import"), {"confirm": "1"})
    waste = ImportedService.objects.get(name="Jätehuolto")
    manage = client.get(reverse("network:manage")).content.decode()
    assert "Luokittelemattomat palvelut" in manage and "Jätehuolto" in manage
    url = reverse("network:service_classify", args=[waste.pk])
    # Nothing chosen: said next to the choice, nothing changes.
    page = client.post(url, {f"s{waste.pk}-choice": ""}).content.decode()
    assert "Tämä kenttä vaaditaan" in page
    assert not ServiceOffer.objects.filter(description="Jätehuolto").exists()
    # Another municipality's coordinator, or a convener, may not classify it.
    guidance = TaskArea.objects.get(code="guidance_counselling")
    for outsider in (network.coordinator2, network.convener):
        client.force_login(outsider)
        assert client.post(url, {f"s{waste.pk}-choice": guidance.pk}).status_code == 403
    client.force_login(network.coordinator)
    response = client.post(url, {f"s{waste.pk}-choice": guidance.pk})
    assert response.status_code == 302
    offer = ServiceOffer.objects.get(task_area=guidance)
    assert (offer.organisation.name, offer.municipality, offer.description) == (
        "Järviseudun hyvinvointialue",
        network.town,
        "Jätehuolto",
    )
    assert 'id="unclassified"' not in client.get(reverse("network:manage")).content.decode()
    change = DirectoryChange.objects.filter(source="Jätehuolto").get()
    assert change.actor == network.coordinator and change.municipality == network.town
    # A second submit (another tab) changes nothing.
    client.post(url, {f"s{waste.pk}-choice": "none"}, follow=True)
    waste.refresh_from_db()
    assert waste.task_area == guidance and not waste.not_family_service
    # A later import follows the coordinator's choice.
    report = import_ptv(PAGE, actor=network.coordinator, apply=True)
    assert report.done["service_unclassified"] == 0
    assert report.done["service_unchanged"] == 3
    assert ServiceOffer.objects.filter(task_area=guidance).count() == 1


def test_a_service_that_is_no_family_service_leaves_the_list(client, network):
    import_ptv(PAGE, actor=network.coordinator, apply=True)
    waste = ImportedService.objects.get(name="Jätehuolto")
    client.force_login(network.coordinator)
    client.post(
        reverse("network:service_classify", args=[waste.pk]), {f"s{waste.pk}-choice": "none"}
    )
    waste.refresh_from_db()
    assert waste.not_family_service and waste.task_area is None
    assert not ServiceOffer.objects.filter(description="Jätehuolto").exists()
    assert 'id="unclassified"' not in client.get(reverse("network:manage")).content.decode()
    again = import_ptv(PAGE, actor=network.coordinator, apply=True)
    assert again.done["service_unclassified"] == 0 and ImportedService.objects.count() == 1


def test_the_upkeep_page_keeps_its_query_count_with_services_to_classify(
    client, network, django_assert_num_queries
):
    import_ptv(PAGE, actor=network.coordinator, apply=True)
    client.force_login(network.coordinator)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("network:manage"))
        return len(queries)

    few = count()
    county = Organisation.objects.get(name="Järviseudun hyvinvointialue")
    for i in range(5):
        ImportedService.objects.create(organisation=county, municipality=network.town, name=f"P{i}")
    assert count() == few


def test_every_object_of_a_services_page_is_counted(network):
    import_ptv(PAGE, actor=network.admin, apply=True)
    out = StringIO()
    call_command("import_ptv", str(DATA / "ptv_services_page.json"), "--actor", "admin", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:5] == [
        "uusia palveluja: 1",
        "luokittelemattomia palveluja (tehtäväalue valitaan ylläpitosivulla): 1",
        "palveluja ei tuotu: 2",
        "uusia merkintöjä palvelukartalle: 2",
        "refused: Palvelu Nuorisotalo: sen organisaatiota ei ole järjestelmässä; "
        "tuo organisaatio ensin.",
    ]
    assert (
        "refused: Palvelu Lapsiperheiden kotipalvelu: sen kunnat Tuntemattomala eivät ole "
        "järjestelmässä."
    ) in lines
    assert any(line.startswith("note: Palvelu Lainattavat leikkivälineet") for line in lines)
    assert lines[-1] == "imported"
    assert set(
        ImportedService.objects.filter(name="Lainattavat leikkivälineet").values_list(
            "municipality__name", flat=True
        )
    ) == {"Järvelä", "Koivuranta"}


def test_the_command_offers_to_add_unknown_municipalities(network):
    out = StringIO()
    call_command("import_ptv", str(DATA / "ptv_page.json"), "--actor", "admin", stdout=out)
    hint = [line for line in out.getvalue().splitlines() if line.startswith("unknown")]
    assert hint and "Tuntemattomala" in hint[0] and "--add-municipalities" in hint[0]
    assert not Municipality.objects.filter(name="Tuntemattomala").exists()
    # Only the system administrator adds municipalities.
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import_ptv",
            str(DATA / "ptv_page.json"),
            "--actor",
            "coordinator",
            "--add-municipalities",
        )
    assert not Municipality.objects.filter(name="Tuntemattomala").exists()
    out = StringIO()
    call_command(
        "import_ptv",
        str(DATA / "ptv_page.json"),
        "--actor",
        "admin",
        "--add-municipalities",
        stdout=out,
    )
    assert "new municipalities: Tuntemattomala" in out.getvalue()
    club = Organisation.objects.get(name="Järvelän Perheklubi ry")
    assert "Tuntemattomala" in {m.name for m in club.municipalities.all()}


def test_the_import_page_offers_the_administrator_to_add_them(client, network):
    client.force_login(network.coordinator)
    page = _upload(client, PAGE)
    assert "Järjestelmässä ei ole kuntia: Tuntemattomala" in page
    assert "Uuden kunnan lisää järjestelmän ylläpitäjä" in page
    assert 'name="add_municipalities"' not in page
    client.force_login(network.admin)
    page = _upload(client, PAGE)
    assert 'name="add_municipalities"' in page
    page = client.post(reverse("network:import"), {"add_municipalities": "1"}).content.decode()
    assert "Uudet kunnat: Tuntemattomala" in page
    assert not Municipality.objects.filter(name="Tuntemattomala").exists()  # a preview
    client.post(reverse("network:import"), {"confirm": "1"})
    club = Organisation.objects.get(name="Järvelän Perheklubi ry")
    assert "Tuntemattomala" in {m.name for m in club.municipalities.all()}
