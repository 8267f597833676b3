from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: a professional of the network or a coordinator.

    A coordinator sees the concerns, meetings and reports of one municipality.
    """

    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("ammattilainen")
        GUIDANCE = "guidance", _("ohjaus- ja neuvontapalvelu")
        COORDINATOR = "coordinator", _("perhekeskuskoordinaattori")
        COUNTY = "county", _("hyvinvointialueen käyttäjä")

    role = models.CharField(
        _("rooli"), max_length=20, choices=Role.choices, default=Role.PROFESSIONAL
    )
    municipality = models.ForeignKey(
        "network.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        verbose_name=_("kunta"),
    )
    # A county user's wellbeing services county (the role only; what the
    # county may read is decided in yhdessa.access).
    county = models.ForeignKey(
        "network.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hyvinvointialue"),
    )
    # The language of the pages after login and of the messages to the
    # person; blank until they choose (then the service's default).
    language = models.CharField(
        _("kieli"), max_length=5, choices=settings.LANGUAGES, blank=True, default=""
    )
    # The identity provider's lasting name for the person (settings.
    # OIDC_SUBJECT_CLAIM): set in the admin, or at the first single
    # sign-on matched by a verified email; from then on it decides.
    oidc_subject = models.CharField(
        _("kertakirjautumisen tunniste"), max_length=255, blank=True, default=""
    )

    class Meta:
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="one_user_per_oidc_subject",
            )
        ]

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR and self.municipality_id is not None


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("käyttäjä")
    )
    key_hash = models.CharField(_("tunnisteen tiiviste"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("viimeksi käytetty"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-tunniste")
        verbose_name_plural = _("API-tunnisteet")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class IdempotencyKey(models.Model):
    """A write that has been done once: an API call with an Idempotency-Key
    header, or a form with its one-time token. The same key again answers as
    the first time and changes nothing more."""

    # Whose key: the hash of the API token, or "user:<id>" for a form.
    client = models.CharField(_("lähettäjä"), max_length=80)
    key = models.CharField(_("avain"), max_length=100)
    request_hash = models.CharField(_("pyynnön tiiviste"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("vastauksen tila"), null=True, blank=True)
    content_type = models.CharField(_("vastauksen tyyppi"), max_length=100, blank=True)
    body = models.BinaryField(_("vastaus"), blank=True, default=b"")
    location = models.CharField(_("osoite"), max_length=300, blank=True)
    # The families the first answer read (family, what, why): giving the
    # answer again reads them again, and is logged as such.
    reads = models.JSONField(_("luetut tiedot"), default=list, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kertakäyttöinen avain")
        verbose_name_plural = _("kertakäyttöiset avaimet")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="one_use_per_key")]

    def __str__(self) -> str:
        return f"{self.client}: {self.key}"


class LoginInvitation(models.Model):
    """A one-time link by which a professional sets their password and starts
    to log in. Only a hash of the link's token is stored: the database alone
    does not let anyone in. A new invitation to the same person revokes the
    older ones, so only the latest link works."""

    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.CASCADE,
        related_name="login_invitations",
        verbose_name=_("ammattilainen"),
    )
    email = models.EmailField(_("sähköposti"))
    token_hash = models.CharField(_("linkin tiiviste"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("kutsuja")
    )
    created_at = models.DateTimeField(_("lähetetty"), auto_now_add=True)
    expires_at = models.DateTimeField(_("voimassa asti"))
    used_at = models.DateTimeField(_("käytetty"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("kutsu kirjautumaan")
        verbose_name_plural = _("kutsut kirjautumaan")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d})"
