from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yhdessa.meetings.calendar_replies import read_maildir


class Command(BaseCommand):
    help = "Read invitees' calendar replies (Accept/Decline) from the reply Maildir."

    def add_arguments(self, parser):
        parser.add_argument("maildir", nargs="?", default=settings.CALENDAR_REPLY_MAILDIR)

    def handle(self, *args, maildir: str, **options):
        if not maildir:
            raise CommandError("Give the reply Maildir or set CALENDAR_REPLY_MAILDIR.")
        try:
            messages, answers = read_maildir(maildir)
        except FileNotFoundError as error:
            raise CommandError(f"No Maildir at {maildir}.") from error
        self.stdout.write(f"{messages} messages read, {answers} answers recorded.")
