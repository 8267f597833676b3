"""Feedback after each meeting: from the family on its own page and from
the workers after the meeting is recorded. Reports count it per team,
municipality and period, and show its free text without any family named."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    class Source(models.TextChoices):
        FAMILY = "family", _("perhe")
        WORKER = "worker", _("työntekijä")

    class Answer(models.TextChoices):
        YES = "yes", _("kyllä")
        PARTLY = "partly", _("osittain")
        NO = "no", _("ei")

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("tapaaminen"),
    )
    source = models.CharField(_("antaja"), max_length=10, choices=Source.choices)
    # Only so that each worker answers once; reports never show who answered.
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ammattilainen"),
    )
    heard = models.CharField(_("tuliko perhe kuulluksi"), max_length=10, choices=Answer.choices)
    helped = models.CharField(_("oliko tapaamisesta apua"), max_length=10, choices=Answer.choices)
    right_expertise = models.CharField(
        _("oliko paikalla oikea osaaminen"), max_length=10, choices=Answer.choices
    )
    comment = models.TextField(_("vapaa palaute"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("annettu"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("palaute")
        verbose_name_plural = _("palautteet")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(source="family"),
                name="one_family_feedback_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "professional"],
                condition=models.Q(source="worker"),
                name="one_worker_feedback_each",
            ),
            models.CheckConstraint(
                condition=models.Q(source="family", professional__isnull=True)
                | models.Q(source="worker", professional__isnull=False),
                name="feedback_worker_named_family_not",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.meeting_id}"
