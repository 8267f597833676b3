"""Families (pseudonymous, the minimum needed) and the concerns raised with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yhdessa.i18n import ReferenceItem


class ConcernTopic(ReferenceItem):
    """A typical concern (Kymenlaakso list), editable reference data."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("huolen aihe")
        verbose_name_plural = _("huolen aiheet")


class Family(models.Model):
    """A family, stored with the minimum: an alias, the children's birth years
    and a contact for invitations. No names of children, no identity codes."""

    class Language(models.TextChoices):
        FI = "fi", _("suomi")
        SV = "sv", _("ruotsi")
        EN = "en", _("englanti")

    alias = models.CharField(
        _("perheen tunnus"),
        max_length=60,
        help_text=_("Lyhyt tunnus, esim. ”Perhe K”. Ei nimiä eikä henkilötunnuksia."),
    )
    children_birth_years = models.JSONField(_("lasten syntymävuodet"), default=list)
    email = models.EmailField(_("sähköposti kutsuja varten"), blank=True)
    phone = models.CharField(_("puhelin kutsuja varten"), max_length=40, blank=True)
    language = models.CharField(
        _("asiointikieli"), max_length=2, choices=Language.choices, default=Language.FI
    )
    municipality = models.ForeignKey(
        "network.Municipality",
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("kunta"),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("perhe")
        verbose_name_plural = _("perheet")
        ordering = ["alias", "id"]

    def __str__(self) -> str:
        return self.alias

    @property
    def reference(self) -> str:
        """The number a family can quote when asking who read its data."""
        return f"P-{self.pk:05d}"


class Concern(models.Model):
    """Puheeksiotto: a concern raised with the family, with its consent."""

    class Channel(models.TextChoices):
        LOCAL_WORKER = "local_worker", _("lähityöntekijä verkostossa")
        ELECTRONIC = "electronic", _("sähköinen yhteydenotto")
        PHONE = "phone", _("yksi puhelinnumero")
        GUIDANCE_SERVICE = "guidance_service", _("ohjaus- ja neuvontapalvelu")

    class CloseReason(models.TextChoices):
        DECLINED = "declined", _("perhe ei halunnut jatkaa")
        HELP_ELSEWHERE = "help_elsewhere", _("apu löytyi muualta")
        NEED_PASSED = "need_passed", _("tarve on poistunut")
        PLAN_COMPLETED = "plan_completed", _("suunnitelma on toteutunut")
        OTHER = "other", _("muu syy")

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="concerns", verbose_name=_("perhe")
    )
    convener = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="concerns_raised",
        verbose_name=_("lähityöntekijä"),
    )
    channel = models.CharField(_("yhteydenottotapa"), max_length=30, choices=Channel.choices)
    topics = models.ManyToManyField(ConcernTopic, related_name="concerns", verbose_name=_("aiheet"))
    summary = models.TextField(_("lyhyt kuvaus"), max_length=2000)
    consent = models.BooleanField(_("perheen suostumus"))
    existing_support = models.BooleanField(
        _("perheellä on jo varhaisen tai erityisen tuen asiakkuus tässä asiassa"), default=False
    )
    # The family centre area the family belongs to (of the family's
    # municipality): the reports count meetings per area through it.
    area = models.ForeignKey(
        "network.FamilyCentreArea",
        on_delete=models.PROTECT,
        related_name="concerns",
        null=True,
        blank=True,
        verbose_name=_("perhekeskusalue"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    created_at = models.DateTimeField(_("kirjattu"), auto_now_add=True)
    # Closing: the work with the family ends, and why.
    closed_at = models.DateTimeField(_("suljettu"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("sulkija"),
    )
    close_reason = models.CharField(
        _("sulkemisen syy"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(_("lisätieto sulkemisesta"), max_length=200, blank=True)
    # The family withdrew its consent: kept apart from ``consent`` (the
    # concern was raised with consent, which stays true), and from then on
    # nobody contacts the family and no message goes out.
    consent_withdrawn_at = models.DateTimeField(_("suostumus peruttu"), null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("suostumuksen perumisen kirjaaja"),
    )

    class Meta:
        verbose_name = _("huoli")
        verbose_name_plural = _("huolet")
        ordering = ["-created_at"]
        constraints = [
            # The model's first rule: no consent, no concern.
            models.CheckConstraint(condition=models.Q(consent=True), name="concern_needs_consent"),
            # A closed concern says when, by whom and why; an open one none of it.
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_by__isnull=True, close_reason="")
                | (
                    models.Q(closed_at__isnull=False, closed_by__isnull=False)
                    & ~models.Q(close_reason="")
                ),
                name="concern_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    consent_withdrawn_at__isnull=True, consent_withdrawn_by__isnull=True
                )
                | models.Q(consent_withdrawn_at__isnull=False, consent_withdrawn_by__isnull=False),
                name="concern_withdrawal_says_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} ({self.created_at:%d.%m.%Y})"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def consent_withdrawn(self) -> bool:
        return self.consent_withdrawn_at is not None

    @property
    def is_open(self) -> bool:
        """Work with the family goes on: neither closed nor consent withdrawn."""
        return self.closed_at is None and self.consent_withdrawn_at is None
