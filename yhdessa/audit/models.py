"""The access log of a family's data (asiakastietolaki 703/2023): who read
whose data, what, when and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    class What(models.TextChoices):
        CONCERN = "concern", _("huoli")
        MEETING = "meeting", _("Yhdessä aika")
        PLAN = "plan", _("yhteinen suunnitelma")
        PLAN_PDF = "plan_pdf", _("yhteinen suunnitelma (PDF)")
        MESSAGES = "messages", _("viestit")
        LIST = "list", _("luettelo")
        ACCESS_LOG = "access_log", _("käyttöloki")

    class Why(models.TextChoices):
        CONVENER = "convener", _("koollekutsuja")
        INVITED = "invited", _("kutsuttu asiantuntija")
        LEAD = "lead", _("vastuutyöntekijä")
        COORDINATOR = "coordinator", _("kunnan perhekeskuskoordinaattori")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("käyttäjä"),
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="access_log",
        verbose_name=_("perhe"),
    )
    what = models.CharField(_("mitä"), max_length=20, choices=What.choices)
    why = models.CharField(_("miksi"), max_length=20, choices=Why.choices)
    via_api = models.BooleanField(_("rajapinnan kautta"), default=False)
    at = models.DateTimeField(_("milloin"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lokimerkintä")
        verbose_name_plural = _("käyttöloki")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"
