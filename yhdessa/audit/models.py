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
        FAMILY_PAGE = "family_page", _("perheen oma sivu")
        CONTACT = "contact", _("yhteydenotto")
        # A participant took the meeting's summary into their own records.
        SUMMARY = "summary", _("tapaamisen yhteenveto")
        SUMMARY_PDF = "summary_pdf", _("tapaamisen yhteenveto (PDF)")
        FOLLOW_UP = "follow_up", _("vastuutyöntekijän seuranta")

    class Why(models.TextChoices):
        CONVENER = "convener", _("koollekutsuja")
        INVITED = "invited", _("kutsuttu asiantuntija")
        LEAD = "lead", _("vastuutyöntekijä")
        COORDINATOR = "coordinator", _("kunnan perhekeskuskoordinaattori")
        GUIDANCE = "guidance", _("ohjaus- ja neuvontapalvelu")
        # The family consented that this professional reads its plan.
        SHARED = "shared", _("perheen luvalla jaettu suunnitelma")
        # The family opened its own page with its link: no user.
        FAMILY = "family", _("perhe itse")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
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
        constraints = [
            # Only the family's own read has no user.
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(why="family"),
                name="access_log_user_unless_family",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or self.get_why_display()} {self.what}"
