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

    class MessageChannel(models.TextChoices):
        EMAIL = "email", _("sähköposti")
        SMS = "sms", _("tekstiviesti")

    language = models.CharField(
        _("asiointikieli"), max_length=2, choices=Language.choices, default=Language.FI
    )
    # How the family wants its messages: invitations, changes, reminders and
    # its link. A family with only a phone number gets them by SMS whatever
    # this says (yhdessa.families.links.family_address).
    message_channel = models.CharField(
        _("viestit perheelle"),
        max_length=10,
        choices=MessageChannel.choices,
        default=MessageChannel.EMAIL,
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
        # The outcomes a lead records when the family's Yhdessä aika ends.
        EVERYDAY_SMOOTH = "everyday_smooth", _("perheen arki sujuu")
        IN_SERVICE = "in_service", _("tuki jatkuu palvelussa")
        MOVED_AWAY = "moved_away", _("perhe muutti pois")
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

    class RaisedBy(models.TextChoices):
        WORKER = "worker", _("työntekijä")
        FAMILY = "family", _("perhe itse")
        GUIDANCE = "guidance", _("ohjaus- ja neuvontapalvelu")

    channel = models.CharField(_("yhteydenottotapa"), max_length=30, choices=Channel.choices)
    # Who named the worry first (the reports count the entry channels by it).
    raised_by = models.CharField(
        _("huolen otti puheeksi"), max_length=20, choices=RaisedBy.choices, default=RaisedBy.WORKER
    )
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


class FamilyLink(models.Model):
    """A personal link to the family's own page, sent to the family by email
    or SMS. Only a SHA-256 hash of the link's random token is stored: a copy
    of the database opens no family's page. Every link of a family works
    until it is revoked or until ``FAMILY_LINK_DAYS`` after the family's
    last meeting (yhdessa.families.links)."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="links", verbose_name=_("perhe")
    )
    token_hash = models.CharField(_("tunnisteen tiiviste"), max_length=64, unique=True)
    # Who sent it: a professional re-sending a lost link, or nobody (sent
    # with a meeting's message).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("lähettäjä"),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("perujan"),
    )
    last_opened_at = models.DateTimeField(_("viimeksi avattu"), null=True, blank=True)

    class Meta:
        verbose_name = _("perheen linkki")
        verbose_name_plural = _("perheen linkit")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.family} ({self.created_at:%d.%m.%Y})"


class Contact(models.Model):
    """A family's own contact: asked for help or for a Yhdessä aika on the
    public contact page, or by phone (recorded by the guidance service).

    The family is stored at once, with the minimum (a first name or alias,
    the children's birth years, a contact), so that every read of the
    contact is in the family's access log. The guidance service hands it to
    a local worker (a concern follows), or closes it with a reason."""

    class State(models.TextChoices):
        NEW = "new", _("uusi")
        HANDED_OVER = "handed_over", _("annettu työntekijälle")
        CLOSED = "closed", _("suljettu")

    class Wants(models.TextChoices):
        HELP = "help", _("apua tai neuvoa")
        MEETING = "meeting", _("Yhdessä aikaa")

    class CloseReason(models.TextChoices):
        GUIDANCE_GIVEN = "guidance_given", _("perhe sai ohjausta ja neuvontaa")
        REFERRED = "referred", _("ohjattu toiseen palveluun")
        NOT_REACHED = "not_reached", _("perhettä ei tavoitettu")
        DUPLICATE = "duplicate", _("sama yhteydenotto on jo käsittelyssä")
        OTHER = "other", _("muu syy")

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, related_name="contact", verbose_name=_("perhe")
    )
    channel = models.CharField(
        _("yhteydenottotapa"), max_length=30, choices=Concern.Channel.choices
    )

    class ContactBy(models.TextChoices):
        PHONE = "phone", _("soitto")
        SMS = "sms", _("tekstiviesti")
        EMAIL = "email", _("sähköposti")

    wants = models.CharField(_("perhe toivoo"), max_length=10, choices=Wants.choices)
    # How the family asked to be contacted: a parent who chose a text message
    # may not be able to talk on the phone safely.
    contact_by = models.CharField(
        _("yhteydenotto perheeseen"), max_length=10, choices=ContactBy.choices
    )
    area = models.ForeignKey(
        "network.FamilyCentreArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perhekeskusalue"),
    )
    topics = models.ManyToManyField(
        ConcernTopic, related_name="contacts", blank=True, verbose_name=_("aiheet")
    )
    message = models.TextField(_("perheen omin sanoin"), max_length=2000, blank=True)
    consent = models.BooleanField(_("suostumus"))
    # Who wrote it down when the family called; nobody for the contact page.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    created_at = models.DateTimeField(_("saapui"), auto_now_add=True, db_index=True)
    # The municipality's promise, fixed when the contact came: by then the
    # family has been called.
    due_on = models.DateField(_("luvattu viimeistään"))
    state = models.CharField(_("tila"), max_length=20, choices=State.choices, default=State.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käsittelijä"),
    )
    handled_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)
    handed_to = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_handed",
        verbose_name=_("annettu työntekijälle"),
    )
    concern = models.OneToOneField(
        Concern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("huoli"),
    )
    close_reason = models.CharField(
        _("sulkemisen syy"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(_("lisätieto"), max_length=200, blank=True)
    # A keyed hash of the sender's address, for the flood limit only: never
    # the address itself.
    sender_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("yhteydenotto")
        verbose_name_plural = _("yhteydenotot")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(consent=True), name="contact_needs_consent"),
            models.CheckConstraint(
                condition=models.Q(state="new", handled_at__isnull=True)
                | models.Q(state="handed_over", handed_to__isnull=False, handled_at__isnull=False)
                | (models.Q(state="closed", handled_at__isnull=False) & ~models.Q(close_reason="")),
                name="contact_state_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} ({self.created_at:%d.%m.%Y})"
