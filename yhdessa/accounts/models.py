from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: a professional of the network or a coordinator.

    A coordinator sees the concerns, meetings and reports of one municipality.
    """

    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("ammattilainen")
        COORDINATOR = "coordinator", _("perhekeskuskoordinaattori")

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

    class Meta:
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")

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
