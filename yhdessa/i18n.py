"""Reference data named in Finnish, Swedish and English.

Reference lists (expertise, concern topics, star areas) are rows a
coordinator can edit, so their names live in columns, not in .po files.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    name_fi = models.CharField(_("nimi suomeksi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_fi

    def __str__(self) -> str:
        return self.name


class ReferenceItem(TranslatedName):
    """An entry of an editable reference list (expertise, task areas, concern
    topics): a stable code that other rows and the API use, names in three
    languages, and a place in the list."""

    code = models.SlugField(_("koodi"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]
