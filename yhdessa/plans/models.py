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

    # The sub-items of the area as on THL's star (e.g. "Lapsen vahvuudet"):
    # prompts for the discussion, a list per language.
    items_fi = models.JSONField(_("alakohdat suomeksi"), default=list, blank=True)
    items_sv = models.JSONField(_("alakohdat ruotsiksi"), default=list, blank=True)
    items_en = models.JSONField(_("alakohdat englanniksi"), default=list, blank=True)

    @property
    def description(self) -> str:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"description_{lang}", "") or self.description_fi

    @property
    def items(self) -> list[str]:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"items_{lang}", None) or self.items_fi


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

    class Responsible(models.TextChoices):
        FAMILY = "family", _("perhe")
        PROFESSIONAL = "professional", _("nimetty työntekijä")
        ORGANISATION = "organisation", _("organisaatio")

    plan = models.ForeignKey(
        JointPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("suunnitelma")
    )
    where = models.CharField(_("missä"), max_length=30, choices=Where.choices)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    text = models.TextField(_("toimenpide"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)
    # Who does it (optional): the family, a named worker or an organisation.
    responsible = models.CharField(
        _("kuka tekee"), max_length=20, choices=Responsible.choices, blank=True
    )
    responsible_professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastuussa oleva työntekijä"),
    )
    responsible_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastuussa oleva organisaatio"),
    )
    due_on = models.DateField(_("mihin mennessä"), null=True, blank=True)

    class Meta:
        verbose_name = _("toimenpide")
        verbose_name_plural = _("toimenpiteet")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    responsible__in=["", "family"],
                    responsible_professional__isnull=True,
                    responsible_organisation__isnull=True,
                )
                | models.Q(
                    responsible="professional",
                    responsible_professional__isnull=False,
                    responsible_organisation__isnull=True,
                )
                | models.Q(
                    responsible="organisation",
                    responsible_professional__isnull=True,
                    responsible_organisation__isnull=False,
                ),
                name="plan_action_responsible_named_once",
            )
        ]

    @property
    def responsible_name(self) -> str:
        """Who does it, as the plan prints it ("" when nobody was named)."""
        if self.responsible == self.Responsible.FAMILY:
            return str(_("Perhe"))
        if self.responsible_professional_id:
            return self.responsible_professional.name
        if self.responsible_organisation_id:
            return self.responsible_organisation.local_name
        return ""

    def __str__(self) -> str:
        return self.text[:40]


class StarPlacement(models.Model):
    """The family's own placement of itself on one star area at a meeting
    (1 = hard, 10 = going well): optional, the family's view only, so that
    change shows between the first meeting and a follow-up."""

    LOWEST, HIGHEST = 1, 10

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="star_placements",
        verbose_name=_("tapaaminen"),
    )
    area = models.ForeignKey(
        StarArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("alue")
    )
    value = models.PositiveSmallIntegerField(_("perheen oma arvio"))

    class Meta:
        verbose_name = _("perheen oma arvio")
        verbose_name_plural = _("perheen omat arviot")
        ordering = ["area__number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "area"], name="one_placement_per_area"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=10), name="placement_on_scale"
            ),
        ]


class PlanShare(models.Model):
    """The family's consent that one professional outside the meeting may
    read its plan (e.g. a worker who continues with the family). Only those
    named here, besides the meeting's own people, can read it."""

    plan = models.ForeignKey(
        JointPlan, on_delete=models.CASCADE, related_name="shares", verbose_name=_("suunnitelma")
    )
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="plans_shared",
        verbose_name=_("kenelle"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    consented_at = models.DateTimeField(_("perhe antoi luvan"), auto_now_add=True)

    class Meta:
        verbose_name = _("perheen lupa suunnitelman jakamiseen")
        verbose_name_plural = _("perheen luvat suunnitelman jakamiseen")
        ordering = ["consented_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "professional"], name="one_share_each")
        ]


class FollowUpContact(models.Model):
    """The lead professional's contact with the family after the meeting."""

    class How(models.TextChoices):
        PHONE = "phone", _("puhelu")
        MEETING = "meeting", _("tapaaminen")
        VISIT = "visit", _("kotikäynti")
        MESSAGE = "message", _("viesti")
        OTHER = "other", _("muu")

    plan = models.ForeignKey(
        JointPlan, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("suunnitelma")
    )
    on = models.DateField(_("päivä"))
    how = models.CharField(_("miten"), max_length=20, choices=How.choices)
    note = models.TextField(_("lyhyt muistiinpano"), max_length=1000, blank=True)
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vastuutyöntekijä"),
    )
    created_at = models.DateTimeField(_("kirjattu"), auto_now_add=True)

    class Meta:
        verbose_name = _("yhteydenpito")
        verbose_name_plural = _("yhteydenpidot")
        ordering = ["-on", "-id"]


class PlanReview(models.Model):
    """The review of a joint plan at a follow-up meeting."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("seurantatapaaminen"),
    )
    plan = models.ForeignKey(
        JointPlan, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("suunnitelma")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    updated_at = models.DateTimeField(_("päivitetty"), auto_now=True)

    class Meta:
        verbose_name = _("suunnitelman arviointi")
        verbose_name_plural = _("suunnitelman arvioinnit")


class ActionReview(models.Model):
    class Result(models.TextChoices):
        DONE = "done", _("tehty")
        PARTLY = "partly", _("osittain")
        NOT_DONE = "not_done", _("ei tehty")
        NOT_NEEDED = "not_needed", _("ei enää tarpeen")

    review = models.ForeignKey(
        PlanReview, on_delete=models.CASCADE, related_name="actions", verbose_name=_("arviointi")
    )
    action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("toimenpide")
    )
    result = models.CharField(_("toteutuminen"), max_length=20, choices=Result.choices)

    class Meta:
        verbose_name = _("toimenpiteen arviointi")
        verbose_name_plural = _("toimenpiteiden arvioinnit")
        constraints = [
            models.UniqueConstraint(fields=["review", "action"], name="one_result_per_action")
        ]


class MatterReview(models.Model):
    class Trend(models.TextChoices):
        BETTER = "better", _("paremmin")
        SAME = "same", _("ennallaan")
        WORSE = "worse", _("huonommin")

    review = models.ForeignKey(
        PlanReview, on_delete=models.CASCADE, related_name="matters", verbose_name=_("arviointi")
    )
    # The matter's place in the plan's list, and its text as it was then.
    position = models.PositiveSmallIntegerField()
    matter = models.TextField(_("asia"), max_length=1000)
    trend = models.CharField(_("suunta"), max_length=10, choices=Trend.choices)
    family_words = models.TextField(_("perheen omin sanoin"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("asian arviointi")
        verbose_name_plural = _("asioiden arvioinnit")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="one_trend_per_matter")
        ]
