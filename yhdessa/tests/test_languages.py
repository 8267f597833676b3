"""Finnish first; Swedish and English complete."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from conftest import meeting_for

LOCALE = Path(settings.BASE_DIR) / "yhdessa" / "locale"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_string_is_translated_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    compiled = gettext.GNUTranslations(open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb"))
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        # A word with two senses ("tila": a room, a status) has a context.
        found = (
            compiled.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else compiled.gettext(entry.msgid)
        )
        assert found == entry.msgstr, entry.msgid


def test_the_catalogs_hold_every_string_of_the_code(tmp_path):
    """Regenerating the catalog from the code (in a copy) leaves nothing untranslated."""
    copy = tmp_path / "yhdessa"
    shutil.copytree(LOCALE.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "makemessages",
            "-l",
            "sv",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    po = polib.pofile(str(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()] == []


@pytest.mark.parametrize(
    "language, words",
    [
        ("fi", ["Sovitut Yhdessä ajat", "Ota huoli puheeksi"]),
        ("sv", ["Avtalade Yhdessä-möten", "Ta upp en oro"]),
        ("en", ["Scheduled Yhdessä meetings", "Raise a concern"]),
    ],
)
def test_the_user_chooses_the_language(client, network, language, words):
    client.force_login(network.convener)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}">' in page
    for word in words:
        assert word in page


def test_an_english_browser_still_gets_finnish(client, network):
    client.force_login(network.convener)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="fi">' in page


def test_the_family_gets_its_invitation_in_its_language(network):
    from conftest import concern_for
    from yhdessa.notify.models import OutboxMessage

    meeting_for(network, concern=concern_for(network.convener, language="sv"))
    family = OutboxMessage.objects.get(to_family=True)
    assert family.subject.startswith("Inbjudan: Yhdessä-möte")
    assert "Välkommen till Yhdessä-mötet!" in family.body
    professional = OutboxMessage.objects.filter(to_family=False).first()
    assert professional.subject.startswith("Kutsu: Yhdessä aika")


def test_error_pages_speak_the_users_language(client, network):
    client.force_login(network.convener2)
    page = client.get(reverse("meetings:detail", args=[999])).content.decode()
    assert "Sivua ei löytynyt" in page
    client.force_login(network.coordinator)
    page = client.get(reverse("families:create"), follow=True).content.decode()
    assert "Vain verkoston ammattilainen voi kirjata huolen." in page
