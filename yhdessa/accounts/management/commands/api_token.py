from django.core.management.base import BaseCommand, CommandError

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token


class Command(BaseCommand):
    help = "Print a valid API bearer token for an existing user (a new one each time)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        # Someone who has left gets no token: it would not work anyway.
        if user is None or access.has_left(user):
            raise CommandError(f"No active user named {username!r}.")
        self.stdout.write(issue_token(user))
