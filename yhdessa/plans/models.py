"""The wellbeing star discussion and the joint plan written with the family."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yhdessa.i18n import TranslatedName


class StarArea(TranslatedName):
    """An area of THL's wellbeing star (working paper 26/2017)."""

    number = models.PositiveSmallIntegerField(_("numero"), unique=True)
    description_fi = models.CharField(_("kuvaus suomeksi"), max_length=300, blank=True)
    description_sv = models.CharField(_("kuvaus ruotsiksi"), max_length=300, blank=True)
    description_en = models.CharField(_("kuvaus englanniksi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hyvinvoinnin tähden alue")
        verbose_name_plural = _("hyvinvoinnin tähden alueet")
        ordering = ["number"]

    @property
    def description(self) -> str:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"description_{lang}", "") or self.description_fi


class StarNote(models.Model):
    """What was said of one star area at the meeting: strengths and concerns."""

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="star_notes",
        verbose_name=_("tapaaminen"),
    )
    area = models.ForeignKey(
        StarArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("alue")
    )
    strengths = models.TextField(_("vahvuudet"), blank=True, max_length=2000)
    concerns = models.TextField(_("huolet"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("tähden muistiinpano")
        verbose_name_plural = _("tähden muistiinpanot")
        ordering = ["area__number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "area"], name="one_note_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.area}"


class JointPlan(models.Model):
    """Yhteinen suunnitelma: a memo for the family, not an official record,
    with no identifying data."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="plan",
        verbose_name=_("tapaaminen"),
    )
    matters = models.JSONField(_("asiat, joihin tarvitaan muutosta"), default=list)
    follow_up = models.TextField(_("yhteydenpito"), max_length=2000)
    lead_professionals = models.ManyToManyField(
        "network.Professional", related_name="plans_led", verbose_name=_("vastuutyöntekijät")
    )
    next_contact = models.DateField(_("seuraava yhteydenotto"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    updated_at = models.DateTimeField(_("päivitetty"), auto_now=True)

    class Meta:
        verbose_name = _("yhteinen suunnitelma")
        verbose_name_plural = _("yhteiset suunnitelmat")

    def __str__(self) -> str:
        return str(self.meeting)


class PlanAction(models.Model):
    class Where(models.TextChoices):
        HOME = "home", _("kotona")
        EVERYDAY_ENVIRONMENT = "everyday_environment", _("lapsen arjen ympäristössä")
        ELSEWHERE = "elsewhere", _("muualla")

    plan = models.ForeignKey(
        JointPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("suunnitelma")
    )
    where = models.CharField(_("missä"), max_length=30, choices=Where.choices)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    text = models.TextField(_("toimenpide"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("toimenpide")
        verbose_name_plural = _("toimenpiteet")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:40]
