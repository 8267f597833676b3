"""Every page of the site, walked in a real browser at a phone's width.

The pages are not a chosen few: the walk takes every URL pattern the site
has, fills its parameters with an object made here, and opens it as each
persona who may see it. A new page with a parameter nobody fills fails the
walk until it is added to ``_kwargs``.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import concern_for, meeting_for, plan_for
from yhdessa.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360
# Not our pages: Django's admin and the API (JSON, and Swagger UI's own
# layout, tested in test_browser.py) bring their own styles; i18n/ is the
# language switch, a POST.
NOT_OUR_PAGES = ("admin/", "api/v1/", "i18n/")
# Not pages either: the load balancer's JSON probe (test_healthz.py) and the
# single sign-on redirects, which exist only when a county's provider is set
# (test_sso.py walks them against a real provider).
NOT_PAGES = ("ops:healthz", "oidc_authentication_init", "oidc_authentication_callback")


def url_names(resolver=None, namespace: str = "", prefix: str = ""):
    """(name, parameter names) of every URL pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(NOT_OUR_PAGES):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"{route} has no name"
            if namespace + pattern.name not in NOT_PAGES:
                yield namespace + pattern.name, tuple(pattern.pattern.regex.groupindex)


@dataclass
class Site:
    """One of each kind of object a page shows, with long words in it."""

    held: object  # a meeting held last week, with its plan
    scheduled: object  # a meeting still to come
    message: object
    network: object


def _site(network) -> Site:
    held = meeting_for(network, held=True, starts_at=_last_week())
    # Sanna (the walking convener) leads it, so that she sees the lead's pages too.
    plan_for(network, held, lead="sanna")
    # A family that gives an e-mail address and a summary with no place to
    # break a line: a phone must still show them without scrolling sideways.
    concern = concern_for(
        network.convener,
        alias="Perhe Lahtinen-Virtanen",
        email="perhe.lahtinen-virtanen.kotitalous@kotiposti.example",
        phone="+358 40 123 4567",
        summary="Varhaiskasvatussuunnitelmakeskustelussa sovittiin, että katsotaan "
        "https://perhekeskus.example/palvelut/perheneuvola/ajanvaraus?kieli=fi "
        "yhdessä.",
    )
    scheduled = meeting_for(network, concern=concern)
    return Site(
        held=held,
        scheduled=scheduled,
        message=scheduled.messages.filter(to_family=True).get(),
        network=network,
    )


def _last_week():
    from conftest import next_thursday_at

    return next_thursday_at(weeks=-2)


def _login_invitation(site: Site) -> str:
    """A link inviting Leena to log in (the page where she sets a password)."""
    from datetime import timedelta

    from django.utils import timezone

    from yhdessa.accounts.invitations import token_hash
    from yhdessa.accounts.models import LoginInvitation

    LoginInvitation.objects.get_or_create(
        token_hash=token_hash("walk"),
        defaults={
            "professional": site.network.people["leena"],
            "email": "leena@test.example",
            "invited_by": site.network.coordinator,
            "expires_at": timezone.now() + timedelta(days=1),
        },
    )
    return "walk"


def _family_token(site: Site) -> str:
    """A link to the held family's own page (both meetings are that family's)."""
    from yhdessa.families.links import token_hash
    from yhdessa.families.models import FamilyLink

    token = "walk" + "0" * 39
    FamilyLink.objects.get_or_create(
        token_hash=token_hash(token), defaults={"family": site.held.concern.family}
    )
    return token


def _answer_token(site: Site) -> str:
    """Mikko's answer link to the scheduled meeting."""
    from yhdessa.meetings.answer_links import answer_token

    return answer_token(site.scheduled.invitations.get(professional=site.network.people["mikko"]))


def _room(site: Site):
    """A room with a long name and accessibility notes, for the team."""
    from yhdessa.scheduling.models import Room

    room, _created = Room.objects.get_or_create(
        municipality=site.network.town,
        name="Perhekeskuksen neuvotteluhuone Kielo",
        defaults={
            "address": "Kirkkotie 3, 2. kerros",
            "capacity": 8,
            "accessibility": "Esteetön sisäänkäynti pihan puolelta; induktiosilmukka.",
        },
    )
    return room


def _poll(site: Site):
    """An open poll of three times for the scheduled family, Mikko and Leena asked."""
    from conftest import next_thursday_at
    from yhdessa.scheduling.models import Poll
    from yhdessa.scheduling.polls import create_poll

    return Poll.objects.first() or create_poll(
        actor=site.network.convener,
        concern=site.scheduled.concern,
        starts=[next_thursday_at(8, weeks=w) for w in (5, 6, 7)],
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[site.network.people["mikko"].pk, site.network.people["leena"].pk],
    )


def _poll_token(site: Site) -> str:
    from yhdessa.scheduling.polls import poll_token

    return poll_token(_poll(site), site.network.people["mikko"])


def _contact(site: Site):
    """A family's own contact with a long word, in the coordinator's inbox."""
    from yhdessa.families.contacts import submit_contact
    from yhdessa.families.models import Contact

    return Contact.objects.first() or submit_contact(
        municipality_id=site.network.town.pk,
        name="Anu-Maria",
        children_ages=[4],
        message="Varhaiskasvatussuunnitelmakeskustelussa huomasimme väsymyksen.",
        contact_by="email",
        email="anu-maria.lahtinen-virtanen@kotiposti.example",
        consent=True,
        sender="walk",
    )


def _kwargs(name: str, params: tuple, site: Site) -> list[dict]:
    """The parameters to open a URL pattern with: one dict per page to see."""
    from yhdessa.network.models import Organisation, Professional
    from yhdessa.network.views import REFERENCE_LISTS

    if not params:
        return [{}]
    meetings = [site.held, site.scheduled]
    people = site.network.people
    by_name = {
        "families:detail": [{"pk": m.concern_id} for m in meetings],
        "families:close": [{"pk": site.scheduled.concern_id}],
        "families:withdraw_consent": [{"pk": site.scheduled.concern_id}],
        "meetings:convene": [{"concern_pk": m.concern_id} for m in meetings],
        "meetings:detail": [{"pk": m.pk} for m in meetings],
        "meetings:star": [{"pk": m.pk} for m in meetings],
        "meetings:room": [{"pk": m.pk} for m in meetings],
        "meetings:room_draft": [{"pk": site.held.pk}],  # a POST: 405 on GET
        "meetings:summary": [{"pk": site.held.pk}],
        "meetings:summary_pdf": [{"pk": site.held.pk}],
        "plans:follow_up": [{"meeting_pk": site.held.pk}],
        "meetings:held": [{"pk": site.scheduled.pk}],
        "meetings:reschedule": [{"pk": site.scheduled.pk}],
        "meetings:cancel": [{"pk": site.scheduled.pk}],
        "plans:view": [{"meeting_pk": site.held.pk}],
        "plans:edit": [{"meeting_pk": m.pk} for m in meetings],
        "plans:pdf": [{"meeting_pk": site.held.pk}],
        "notify:detail": [{"pk": site.message.pk}],
        "notify:retry": [{"pk": site.message.pk}],
        "audit:family_log": [{"family_pk": site.scheduled.concern.family_id}],
        "network:organisation": [{"pk": Organisation.objects.order_by("pk").first().pk}],
        "network:professional": [{"pk": Professional.objects.get(pk=people["leena"].pk).pk}],
        "network:team": [{"pk": site.network.team.pk}],
        "network:service_classify": [{"pk": 1}],  # a form's POST: 405 on GET
        "network:reference": [{"kind": kind} for kind in REFERENCE_LISTS],
        "accounts:accept_invitation": [{"token": _login_invitation(site)}],
        "accounts:password_reset_confirm": [{"uidb64": "MQ", "token": "used-or-wrong"}],
        "accounts:invite": [{"pk": people["leena"].pk}],  # POSTs: 405 on GET
        "accounts:revoke": [{"pk": people["leena"].pk}],
        "accounts:reset_two_factor": [{"pk": people["leena"].pk}],
        "accounts:role_edit": [{"pk": site.network.member.pk}],  # a user of the town
        "families:link_resend": [{"pk": site.held.concern_id}],  # POSTs: 405 on GET
        "families:link_revoke": [{"pk": site.held.concern_id}],
        "meetings:called": [  # a POST: 405 on GET
            {"pk": site.scheduled.pk, "invitation_pk": site.scheduled.invitations.first().pk}
        ],
        "feedback:worker": [{"meeting_pk": site.held.pk}],
        "contact:detail": [{"pk": _contact(site).pk}],
        "contact:hand_over": [{"pk": _contact(site).pk}],  # POSTs: 405 on GET
        "contact:close": [{"pk": _contact(site).pk}],
        "family_page:home": [{"token": _family_token(site)}],
        "family_page:answer": [{"token": _family_token(site), "meeting_pk": site.scheduled.pk}],
        "family_page:feedback": [{"token": _family_token(site), "meeting_pk": site.held.pk}],
        "family_page:plan_pdf": [{"token": _family_token(site), "meeting_pk": site.held.pk}],
        "meetings:answer": [{"pk": site.scheduled.pk}],  # POSTs: 405 on GET
        "meetings:substitute": [
            {"pk": site.scheduled.pk, "invitation_pk": site.scheduled.invitations.first().pk}
        ],
        "meetings:book_session": [{"concern_pk": site.scheduled.concern_id}],
        "answer:invitation": [{"token": _answer_token(site)}],
        "scheduling:remove_absence": [{"pk": 1}],  # a POST: 405 on GET
        "scheduling:room_edit": [{"pk": _room(site).pk}],
        "scheduling:poll_new": [{"concern_pk": site.scheduled.concern_id}],
        "scheduling:poll": [{"pk": _poll(site).pk}],
        "scheduling:poll_vote": [{"pk": _poll(site).pk}],  # POSTs: 405 on GET
        "scheduling:poll_decide": [{"pk": _poll(site).pk}],
        "scheduling:poll_cancel": [{"pk": _poll(site).pk}],
        "poll_public:answer": [{"token": _poll_token(site)}],
        "family_page:poll": [{"token": _family_token(site), "poll_pk": _poll(site).pk}],
        "contact:book_session": [{"pk": _contact(site).pk}],
        "network:reference_edit": [
            {"kind": kind, "pk": model.objects.order_by("pk").first().pk}
            for kind, (model, _title) in REFERENCE_LISTS.items()
        ],
    }
    assert name in by_name, f"{name} takes {params}: add an object for it to _kwargs"
    return by_name[name]


def _open_as(browser, live_server, persona: str | None, width: int = PHONE):
    if persona is None:
        context = browser.new_context(viewport={"width": width, "height": 800})
        return context.new_page()
    return log_in(browser, live_server, persona, width=width)


def walk(browser, live_server, network, look, width: int = PHONE) -> list[str]:
    """Open every page of the site as each persona who may see it, and ask
    ``look(page)`` what is wrong there; the problems found, by page."""
    site = _site(network)
    urls = [
        reverse(name, kwargs=kwargs)
        for name, params in url_names()
        for kwargs in _kwargs(name, params, site)
    ]
    problems: list[str] = []
    seen: set[str] = set()
    answers: dict[str, set] = {url: set() for url in urls}
    for persona in (None, "convener", "coordinator"):
        page = _open_as(browser, live_server, persona, width)
        for url in urls:
            # Ask first without the page, so that a refusal (403, 404, 405)
            # is not a page to look at and logs no error in the console.
            response = page.request.get(live_server.url + url, max_redirects=0)
            html = "text/html" in response.headers.get("content-type", "")
            answers[url].add(response.status if html or response.status != 200 else "file")
            if response.status != 200 or not html:
                continue
            page.goto(live_server.url + url)
            seen.add(url)
            problems += [f"{url} ({persona}): {problem}" for problem in look(page)]
    # A page nobody could open was not looked at: the walk must reach every
    # page. No page: a POST-only view (405), a file, a redirect for everyone.
    problems += [
        f"{url}: no persona could open it {sorted(map(str, answers[url]))}"
        for url in urls
        if url not in seen and not answers[url] & {405, "file"} and not answers[url] <= {301, 302}
    ]
    assert len(seen) > 30  # the walk really walked
    return problems


def test_every_page_fits_a_phone(browser, live_server, network):
    """scrollWidth <= 360 px at a 360 px viewport on every page the site has."""

    def width(page) -> list[str]:
        wide = page.evaluate("document.documentElement.scrollWidth")
        return [f"{wide} px wide"] if wide > PHONE else []

    problems = walk(browser, live_server, network, width)
    assert problems == [], f"pages wider than a {PHONE} px phone:\n" + "\n".join(problems)


# Text boxes: what is written there is kept or searched for, so it has a
# length limit (a date, a number or a choice has its own limits; a password
# is only hashed, its length is the user's and the password manager's).
TEXT_BOXES = (
    "textarea, input:not([type]), input[type=text], input[type=search], input[type=email], "
    "input[type=url], input[type=tel]"
)
# Every id that an aria-describedby, aria-labelledby, aria-controls or a
# label's for names, that the page does not have.
MISSING_REFERENCES = """() => {
  const missing = [];
  for (const el of document.querySelectorAll(
      "[aria-describedby], [aria-labelledby], [aria-controls], label[for]")) {
    for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${attr}="${id}"`);
      }
    }
  }
  return missing;
}"""


def test_every_text_box_knows_its_limit_and_its_descriptions(browser, live_server, network):
    """On every page, a text box has a maxlength (the server's limit, told
    before typing), and every id a field is described by is on the page."""

    def look(page) -> list[str]:
        boxes = page.locator(TEXT_BOXES).evaluate_all(
            # A read-only box (a summary to copy) takes no writing.
            "boxes => boxes.filter(b => !b.readOnly && !b.hasAttribute('maxlength'))"
            ".map(b => b.name || b.id)"
        )
        return [f"no maxlength on {name}" for name in boxes] + [
            f"{reference} is not on the page" for reference in page.evaluate(MISSING_REFERENCES)
        ]

    problems = walk(browser, live_server, network, look)
    assert problems == [], "\n".join(problems)


# Words of letters that a line break split in two ("Statu|s"): a column
# squeezed below its longest word. Long ones (a compound, an address) may wrap.
BROKEN_WORDS = """() => {
  const broken = [];
  const texts = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const node = texts.currentNode;
    for (const m of node.data.matchAll(/[A-Za-z\u00c0-\u00ff]{2,16}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width).map(r => r.top));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


# A table cell that is not laid out as one (e.g. a td with display: flex)
# ends short of its row: its borders and background no longer line up.
LOOSE_CELLS = """() => [...document.querySelectorAll("main tr")]
  .filter(tr => getComputedStyle(tr).display === "table-row")
  .flatMap(tr => [...tr.children].filter(td => getComputedStyle(td).display !== "table-cell"))
  .map(td => td.outerHTML.slice(0, 60))"""


def test_no_page_breaks_a_word_or_a_table_row_at_desktop_width(browser, live_server, network):
    def look(page) -> list[str]:
        return [f"'{word}' broken over two lines" for word in page.evaluate(BROKEN_WORDS)] + [
            f"a table cell not laid out as one: {cell}" for cell in page.evaluate(LOOSE_CELLS)
        ]

    problems = walk(browser, live_server, network, look, width=1280)
    assert problems == [], "words broken mid-word:\n" + "\n".join(problems)
