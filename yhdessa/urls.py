from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from yhdessa.api.api import api
from yhdessa.family_page import views as family_page_views
from yhdessa.meetings import views as meeting_views

urlpatterns = [
    path("", meeting_views.home, name="home"),
    # Browsers ask for /favicon.ico where a page names no icon (a PDF, the API).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("yhdessa/favicon.svg"), permanent=True),
        name="favicon",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("yhdessa.accounts.urls")),
    # Single sign-on: the views answer 404 unless settings.OIDC_ENABLED.
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("concerns/", include("yhdessa.families.urls")),
    # The family's own contact (public) and the guidance service's inbox.
    path("contact/", include("yhdessa.families.contact_urls")),
    # The family's own page, by its personal link (short: it travels by SMS).
    path("f/", include("yhdessa.family_page.urls")),
    path("accessibility/", family_page_views.accessibility, name="accessibility"),
    path("meetings/", include("yhdessa.meetings.urls")),
    # An invitee's answer by the signed link in the message (no login).
    path("a/", include("yhdessa.meetings.answer_urls")),
    # Availability, rooms and polls; /p/ is a poll's answer link (no login).
    path("scheduling/", include("yhdessa.scheduling.urls")),
    path("p/", include("yhdessa.scheduling.poll_public_urls")),
    path("plans/", include("yhdessa.plans.urls")),
    # /healthz and the failed messages (/messages/failed/).
    path("", include("yhdessa.ops.urls")),
    path("messages/", include("yhdessa.meetings.message_urls")),
    path("audit/", include("yhdessa.audit.urls")),
    path("reports/", include("yhdessa.reports.urls")),
    path("feedback/", include("yhdessa.feedback.urls")),
    path("network/", include("yhdessa.network.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
