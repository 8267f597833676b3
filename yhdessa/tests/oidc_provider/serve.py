"""`python -m yhdessa.tests.oidc_provider.serve`: set up the provider's
database, its people and its one client, then serve on a free port of
127.0.0.1 and print the port on the first line of stdout."""

import os

# Not setdefault: the test process that starts this one carries Yhdessä's own.
os.environ["DJANGO_SETTINGS_MODULE"] = "yhdessa.tests.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from socketserver import ThreadingMixIn  # noqa: E402
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the parent's signature
        pass


def seed() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    for username, person in settings.PEOPLE.items():
        User.objects.create_user(username, password=person["password"])
    Application.objects.create(
        name="Yhdessä",
        client_id=settings.CLIENT["client_id"],
        client_secret=settings.CLIENT["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(settings.CLIENT["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        # No consent page: the county's staff log in to their own county's app.
        skip_authorization=True,
    )


def main() -> None:
    seed()
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=Server, handler_class=QuietHandler
    )
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
