"""The outbox: every message to a person is a row, written in the same
transaction as the change that caused it and delivered by the worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("odottaa lähetystä")
        SENT = "sent", _("lähetetty")
        FAILED = "failed", _("lähetys epäonnistui")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("kutsu")
        UPDATE = "update", _("muuttunut kutsu")
        CANCELLATION = "cancellation", _("peruutus")

    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        verbose_name=_("tapaaminen"),
    )
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ammattilainen"),
    )
    to_family = models.BooleanField(_("perheelle"), default=False)
    recipient = models.EmailField(_("vastaanottaja"))
    subject = models.CharField(_("aihe"), max_length=200)
    body = models.TextField(_("viesti"))
    ics = models.TextField(_("kalenterimerkintä"), blank=True)
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("yrityksiä"), default=0)
    next_attempt_at = models.DateTimeField(_("seuraava yritys"), null=True, blank=True)
    last_error = models.CharField(_("viimeisin virhe"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("lähtevä viesti")
        verbose_name_plural = _("lähtevät viestit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
