from django.core.management.base import BaseCommand

from yhdessa.notify.services import deliver_due


class Command(BaseCommand):
    help = (
        "Deliver every due outbox message now, after giving back those whose lease ran out "
        "(a manual sweep; `manage.py worker` sweeps by itself)."
    )

    def handle(self, *args, **options):
        outcome = deliver_due()
        self.stdout.write(
            ", ".join(f"{k}: {v}" for k, v in sorted(outcome.items())) or "nothing due"
        )
