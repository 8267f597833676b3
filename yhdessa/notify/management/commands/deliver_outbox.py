from django.core.management.base import BaseCommand

from yhdessa.notify.services import deliver_due


class Command(BaseCommand):
    help = "Try every pending outbox message that is due (a sweep for lost tasks; safe to cron)."

    def handle(self, *args, **options):
        outcome = deliver_due()
        self.stdout.write(
            ", ".join(f"{k}: {v}" for k, v in sorted(outcome.items())) or "nothing due"
        )
