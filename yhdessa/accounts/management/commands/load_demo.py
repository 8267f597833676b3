"""A fictional network for trying Yhdessä: every name, address and number is made up."""

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.families.contacts import submit_contact
from yhdessa.families.links import token_hash
from yhdessa.families.models import Concern, Contact, Family, FamilyLink
from yhdessa.families.services import raise_concern
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import convene_meeting, record_meeting_held
from yhdessa.network.models import (
    Expertise,
    FamilyCentreArea,
    FamilyCentreTeam,
    InvitationPractice,
    Municipality,
    Organisation,
    Professional,
    Region,
    ServiceOffer,
    SlotWindow,
    TaskArea,
    TeamRole,
)
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.models import JointPlan
from yhdessa.plans.review import record_placements
from yhdessa.plans.services import record_plan, record_star_notes
from yhdessa.scheduling.models import Absence, Room

PASSWORD = "yhdessa-demo"
S = Organisation.Sector

ORGANISATIONS = [
    ("Järviseudun hyvinvointialue, perhepalvelut", S.COUNTY_SOCIAL),
    ("Järviseudun hyvinvointialue, neuvola ja kouluterveydenhuolto", S.COUNTY_HEALTH),
    ("Järvelän kunta, varhaiskasvatus ja opetus", S.MUNICIPAL_EDUCATION),
    ("Koivurannan kunta, varhaiskasvatus", S.MUNICIPAL_EDUCATION),
    ("Perhekulma ry", S.NGO),
    ("Järvelän seurakunta", S.PARISH),
]

# (username or None, name, title, organisation index, municipality, email, expertise codes)
PEOPLE = [
    (
        "convener",
        "Sanna Lehtola",
        "varhaiskasvatuksen opettaja",
        2,
        "Järvelä",
        "sanna.lehtola@jarvela.example",
        ["early_education"],
    ),
    (
        "lead",
        "Mikko Harju",
        "perheohjaaja",
        0,
        "Järvelä",
        "mikko.harju@jarviseutu.example",
        ["family_guide", "home_help_family_work"],
    ),
    (
        None,
        "Leena Koivisto",
        "terveydenhoitaja",
        1,
        "Järvelä",
        "leena.koivisto@jarviseutu.example",
        ["child_health_clinic", "school_health"],
    ),
    (
        None,
        "Antti Rinne",
        "psykologi",
        0,
        "Järvelä",
        "antti.rinne@jarviseutu.example",
        ["family_counselling", "mental_health"],
    ),
    (
        None,
        "Katja Nieminen",
        "varhaiskasvatuksen erityisopettaja",
        2,
        "Järvelä",
        "katja.nieminen@jarvela.example",
        ["ece_special_teacher"],
    ),
    (
        None,
        "Pekka Salo",
        "sosiaaliohjaaja",
        0,
        "Järvelä",
        "pekka.salo@jarviseutu.example",
        ["social_counselling", "social_work"],
    ),
    (
        None,
        "Heidi Mäkelä",
        "toimintaterapeutti",
        1,
        "Järvelä",
        "heidi.makela@jarviseutu.example",
        ["occupational_therapy", "child_rehabilitation"],
    ),
    (
        None,
        "Tuomas Aalto",
        "koulukuraattori",
        2,
        "Järvelä",
        "tuomas.aalto@jarvela.example",
        ["school_social_worker", "outreach_youth_work"],
    ),
    (
        None,
        "Riikka Laine",
        "perhetyöntekijä",
        4,
        "Järvelä",
        "riikka.laine@perhekulma.example",
        ["ngo_family_work", "divorce_help"],
    ),
    (
        None,
        "Marja Hiltunen",
        "diakoniatyöntekijä",
        5,
        "Järvelä",
        "marja.hiltunen@seurakunta.example",
        ["parish_family_work"],
    ),
    (
        None,
        "Sari Virtanen",
        "perheohjaaja",
        0,
        "Järvelä",
        "sari.virtanen@jarviseutu.example",
        ["family_guide"],
    ),
    (
        "convener2",
        "Eeva Kallio",
        "terveydenhoitaja",
        1,
        "Koivuranta",
        "eeva.kallio@jarviseutu.example",
        ["child_health_clinic"],
    ),
    (
        None,
        "Jari Heino",
        "perheohjaaja",
        0,
        "Koivuranta",
        "jari.heino@jarviseutu.example",
        ["family_guide"],
    ),
    (
        None,
        "Outi Vainio",
        "perheneuvolan sosiaalityöntekijä",
        0,
        "Koivuranta",
        "outi.vainio@jarviseutu.example",
        ["family_counselling", "social_work"],
    ),
    (
        None,
        "Laura Berg",
        "varhaiskasvatuksen opettaja",
        3,
        "Koivuranta",
        "laura.berg@koivuranta.example",
        ["early_education", "ece_special_teacher"],
    ),
]


# Kymenlaakso's Yhdessä-tiimi: which families benefit (seed 002, in brief).
BENEFITS = [
    "Perhe tunnistaa ongelman tai muutostavoitteen.",
    "Perhe pystyy pohtimaan omaa toimintaansa.",
    "Perhe haluaa katsoa asiaa eri näkökulmista.",
    "Perhe on motivoitunut ja sillä on voimavaroja muutokseen.",
    "Perhe uskoo, että asioihin voi vaikuttaa.",
]

# Who can log in: the Makefile's `make run` banner names the same (a test checks both).
DEMO_USERS = ["convener", "lead", "convener2", "coordinator", "guidance"]
# The demo family "Perhe K" opens its own page with this link (demo data only:
# a real link is random and only its hash is kept).
DEMO_FAMILY_TOKEN = "demo_perhe_k_" + "0" * 30


def demo_phone(n: int) -> str:
    """A made-up Finnish mobile number, a different one for each n."""
    return f"+358 40 012 {3400 + n}"


class Command(BaseCommand):
    help = "Load the fictional demo network (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        region, _ = Region.objects.get_or_create(name="Järviseudun hyvinvointialue")
        towns = {
            name: Municipality.objects.get_or_create(name=name, defaults={"region": region})[0]
            for name in ("Järvelä", "Koivuranta")
        }
        orgs = [
            Organisation.objects.get_or_create(name=n, defaults={"sector": s})[0]
            for n, s in ORGANISATIONS
        ]
        self._service_map(orgs, towns)
        expertise = {e.code: e for e in Expertise.objects.all()}
        people = {}
        for n, (username, name, title, org, town, email, codes) in enumerate(PEOPLE, start=1):
            person, _ = Professional.objects.get_or_create(
                email=email,
                defaults={
                    "name": name,
                    "title": title,
                    "organisation": orgs[org],
                    "municipality": towns[town],
                    "phone": demo_phone(n),
                },
            )
            person.expertise.set([expertise[c] for c in codes])
            person.languages = (
                ["fi", "sv"]
                if "Berg" in name
                else (["fi", "en"] if name in ("Riikka Laine", "Antti Rinne") else ["fi"])
            )
            person.save(update_fields=["languages"])
            if username:
                person.user = self._user(username, name, towns[town])
                person.save(update_fields=["user"])
            people[name] = person
        self._user("coordinator", "Päivi Ranta", towns["Järvelä"], role=User.Role.COORDINATOR)

        team1 = self._team(
            "Järvelän perhekeskustiimi",
            towns["Järvelä"],
            [
                p
                for n, p in people.items()
                if p.municipality == towns["Järvelä"] and n != "Sanna Lehtola"
            ],
        )
        self._practice(
            team1,
            weekday=3,
            starts=time(8),
            ends=time(10),
            rule=InvitationPractice.DeadlineRule.WEEKDAY_OF_PREVIOUS_WEEK,
            place="Perhekeskus Järvelä, Kirkkotie 3, neuvotteluhuone Kielo",
            instructions="Lähetä pyyntö tiimin sähköpostiin tai soita perheohjaajalle. "
            "Varaa myös tila perheen toiveen mukaan.",
        )
        team2 = self._team(
            "Koivurannan Yhdessä-tiimi",
            towns["Koivuranta"],
            [
                p
                for n, p in people.items()
                if p.municipality == towns["Koivuranta"] and n != "Eeva Kallio"
            ],
        )
        self._practice(
            team2,
            weekday=1,
            starts=time(13),
            ends=time(15),
            rule=InvitationPractice.DeadlineRule.WORKING_DAYS_BEFORE,
            place="Koivurannan neuvola, Rantatie 1",
            instructions="",
        )
        # Koivuranta runs the Kymenlaakso model: a standing Yhdessä-tiimi.
        team2.kind, team2.target_max_child_age = FamilyCentreTeam.Kind.STANDING, 8
        # Two families a session, 45 minutes each; the seed's five signs of a
        # family that benefits, as the booker's checklist.
        team2.session_capacity, team2.session_family_minutes = 2, 45
        team2.benefit_criteria = "\n".join(BENEFITS)
        team2.save(
            update_fields=[
                "kind",
                "target_max_child_age",
                "session_capacity",
                "session_family_minutes",
                "benefit_criteria",
            ]
        )
        for code, kind in [
            ("family_guide", "core"),
            ("family_counselling", "core"),
            ("child_health_clinic", "core"),
            ("early_education", "per_family"),
            ("social_counselling", "optional"),
        ]:
            TeamRole.objects.get_or_create(
                team=team2, expertise=expertise[code], defaults={"kind": kind}
            )
        for town, names in (
            ("Järvelä", ["Järvelän keskusta", "Kirkonkylä"]),
            ("Koivuranta", ["Koivurannan perhekeskus"]),
        ):
            for name in names:
                FamilyCentreArea.objects.get_or_create(municipality=towns[town], name=name)
        if not Family.objects.filter(municipality=towns["Koivuranta"]).exists():
            # A family to book a Yhdessä-tiimi session for (Koivuranta's standing team).
            raise_concern(
                actor=people["Eeva Kallio"].user,
                alias="Perhe R",
                children_birth_years=[timezone.localdate().year - 3],
                email="perhe.r@koti.example",
                language="fi",
                channel="local_worker",
                topic_codes=["at_a_loss"],
                summary="Vanhemmat kokevat keinottomuutta uhmaikäisen kanssa ja toivovat tukea.",
                consent=True,
                existing_support=False,
            )
        if not Family.objects.filter(municipality=towns["Järvelä"]).exists():
            self._stories(people)
        self._family_door(towns["Järvelä"])
        self._scheduling(people, towns, team1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready. Users: {', '.join(DEMO_USERS)}; password {PASSWORD}"
            )
        )

    def _service_map(self, orgs, towns) -> None:
        """Who offers what: Koivuranta has no violence work (a gap), Järvelä has
        three providers of meeting places and peer support (an overlap)."""
        both = list(towns.values())
        serves = [
            both,
            both,
            [towns["Järvelä"]],
            [towns["Koivuranta"]],
            [towns["Järvelä"]],
            [towns["Järvelä"]],
        ]
        offers = [
            ["parenting_relationships", "early_support", "divorce_support", "guidance_counselling"],
            ["growth_development", "early_support"],
            ["growth_development", "violence_prevention", "meeting_places"],
            ["growth_development", "meeting_places"],
            ["meeting_places", "parenting_relationships", "divorce_support"],
            ["meeting_places"],
        ]
        areas = {a.code: a for a in TaskArea.objects.all()}
        for org, places, codes in zip(orgs, serves, offers, strict=True):
            org.municipalities.set(places)
            for code in codes:
                for town in places:
                    ServiceOffer.objects.get_or_create(
                        organisation=org, task_area=areas[code], municipality=town
                    )
        orgs[4].business_id, orgs[4].languages = "2077474-0", ["fi", "sv", "en"]
        orgs[4].save(update_fields=["business_id", "languages"])

    def _family_door(self, town: Municipality) -> None:
        """The guidance service and two families' own contacts in its inbox
        (one of them late), and Perhe K's link to its own page."""
        guidance = self._user("guidance", "Tiina Neuvonen", town, role=User.Role.GUIDANCE)
        # The county's one number: the guidance service answers for every
        # municipality of the wellbeing services county.
        User.objects.filter(pk=guidance.pk).update(municipality=None, county=town.region)
        if not Contact.objects.exists():
            # In Koivuranta the guidance service books a Yhdessä-tiimi session.
            submit_contact(
                municipality_id=Municipality.objects.get(name="Koivuranta").pk,
                name="Mira",
                children_ages=[3],
                topic_codes=["at_a_loss"],
                message="Uhmaikäisen kanssa keinot ovat lopussa. Toivoisin, että joku kävisi "
                "tilannetta läpi kanssamme.",
                contact_by="phone",
                phone=demo_phone(92),
                wants="meeting",
                consent=True,
                sender="demo",
            )
            submit_contact(
                municipality_id=town.pk,
                name="Anu",
                children_ages=[2, 5],
                topic_codes=["at_a_loss"],
                message="Viisivuotiaan raivokohtaukset vievät voimat. Haluaisin jutella jonkun kanssa.",
                contact_by="sms",
                phone=demo_phone(90),
                wants="meeting",
                consent=True,
                sender="demo",
            )
            late = submit_contact(
                municipality_id=town.pk,
                name="Jenni",
                children_ages=[0],
                topic_codes=["new_life_situation"],
                message="Vauva-arki ja muutto uudelle paikkakunnalle. Soitti yhteen numeroon.",
                contact_by="phone",
                phone=demo_phone(91),
                consent=True,
                actor=guidance,
            )
            # Came in four days ago, promised for yesterday: late in the inbox.
            Contact.objects.filter(pk=late.pk).update(
                created_at=timezone.now() - timedelta(days=4),
                due_on=timezone.localdate() - timedelta(days=1),
            )
        family = Family.objects.filter(alias="Perhe K", municipality=town).first()
        if family and not FamilyLink.objects.filter(token_hash=token_hash(DEMO_FAMILY_TOKEN)):
            FamilyLink.objects.create(family=family, token_hash=token_hash(DEMO_FAMILY_TOKEN))

    def _scheduling(self, people, towns, team1) -> None:
        """Rooms, and absences that make a week impossible to show why:
        the team's only family counsellor is at a training on the first
        Thursday the practice's deadline still allows (the one after next)."""
        kielo, _ = Room.objects.get_or_create(
            municipality=towns["Järvelä"],
            name="Neuvotteluhuone Kielo",
            defaults={
                "address": "Perhekeskus Järvelä, Kirkkotie 3",
                "capacity": 8,
                "accessibility": "Esteetön sisäänkäynti ja hissi; lasten leikkinurkkaus.",
            },
        )
        kielo.teams.set([team1])
        Room.objects.get_or_create(
            municipality=towns["Järvelä"],
            name="Neuvolan ryhmähuone",
            defaults={
                "address": "Järvelän neuvola, Koulutie 5",
                "capacity": 12,
                "accessibility": "Esteetön; induktiosilmukka.",
            },
        )
        Room.objects.get_or_create(
            municipality=towns["Koivuranta"],
            name="Koivurannan neuvolan kokoushuone",
            defaults={"address": "Koivurannan neuvola, Rantatie 1", "capacity": 8},
        )
        today = timezone.localdate()
        training_day = today + timedelta(days=(3 - today.weekday()) % 7 + 14)
        if not Family.objects.filter(alias="Perhe S").exists():
            # A meeting four weeks ahead in Kielo: an invitee can decline by
            # the link in their message and a substitute (Sari, also a family
            # guide) is invited in one click.
            convener = people["Sanna Lehtola"].user
            concern = raise_concern(
                actor=convener,
                alias="Perhe S",
                children_birth_years=[today.year - 6],
                email="perhe.s@koti.example",
                language="fi",
                channel="local_worker",
                topic_codes=["parent_coping"],
                summary="Isä toivoo tukea arjen rutiineihin muuton jälkeen.",
                consent=True,
                existing_support=False,
            )
            convene_meeting(
                actor=convener,
                concern=concern,
                starts_at=self._at(training_day + timedelta(days=14), time(8)),
                duration_minutes=90,
                place="",
                invitee_ids=[people[n].pk for n in ("Mikko Harju", "Leena Koivisto")],
                room_id=kielo.pk,
                confirm_double_booking=True,
            )
        for name, kind, starts, ends, weekdays in (
            ("Antti Rinne", Absence.Kind.TRAINING, training_day, training_day, []),
            # Part-time: Fridays off for the rest of the season.
            ("Heidi Mäkelä", Absence.Kind.PART_TIME, today, today + timedelta(days=180), [4]),
            (
                "Leena Koivisto",
                Absence.Kind.HOLIDAY,
                training_day + timedelta(days=21),
                training_day + timedelta(days=25),
                [],
            ),
        ):
            Absence.objects.get_or_create(
                professional=people[name],
                kind=kind,
                defaults={"starts_on": starts, "ends_on": ends, "weekdays": weekdays},
            )

    def _user(
        self, username: str, name: str, town: Municipality, role: str = User.Role.PROFESSIONAL
    ) -> User:
        first, _, last = name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "role": role, "municipality": town},
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _team(self, name, town, members) -> FamilyCentreTeam:
        team, _ = FamilyCentreTeam.objects.get_or_create(name=name, municipality=town)
        team.members.set(members)
        return team

    def _practice(self, team, *, weekday, starts, ends, rule, place, instructions) -> None:
        practice, _ = InvitationPractice.objects.get_or_create(
            team=team,
            defaults={
                "by_email": True,
                "by_phone": True,
                "deadline_rule": rule,
                "deadline_weekday": 0,
                "deadline_working_days": 5,
                "default_duration_minutes": 90,
                "default_place": place,
                "instructions": instructions,
            },
        )
        SlotWindow.objects.get_or_create(
            practice=practice, weekday=weekday, starts=starts, ends=ends
        )

    def _stories(self, people) -> None:
        """Three families at different steps of the path."""
        convener = people["Sanna Lehtola"].user
        lead = people["Mikko Harju"]
        nurse, psychologist = people["Leena Koivisto"], people["Antti Rinne"]
        today = timezone.localdate()

        # 1. Met last week; the plan is written and Mikko follows up.
        held = raise_concern(
            actor=convener,
            alias="Perhe K",
            children_birth_years=[today.year - 4, today.year - 1],
            email="perhe.k@koti.example",
            language="fi",
            channel="local_worker",
            topic_codes=["daily_rhythm", "parent_coping"],
            summary="Iltojen rytmi on vaikea ja äiti kertoo väsymyksestä. Isompi lapsi "
            "on päiväkodissa levoton iltapäivisin.",
            consent=True,
            existing_support=False,
        )
        last_thursday = today - timedelta(days=(today.weekday() - 3) % 7 or 7)
        starts = self._at(last_thursday, time(8, 30))
        meeting = convene_meeting(
            actor=convener,
            concern=held,
            starts_at=starts,
            duration_minutes=90,
            place="Päiväkoti Satakieli, Kielo-huone",
            invitee_ids=[lead.pk, nurse.pk, psychologist.pk],
            now=starts - timedelta(days=10),
        )
        self._happened(meeting, convened=starts - timedelta(days=10))
        record_meeting_held(
            actor=convener,
            meeting=meeting,
            attendee_ids=[lead.pk, nurse.pk, psychologist.pk],
            family_present=True,
            now=starts + timedelta(hours=2),
        )
        record_star_notes(
            actor=convener,
            meeting=meeting,
            notes={
                1: ("Leikkii mielellään, kielellinen kehitys ikätasoista.", "Nukahtaa myöhään."),
                3: ("Vanhemmat ovat lämpimiä ja tuntevat lapsensa.", "Äidin jaksaminen."),
                6: ("Isovanhemmat asuvat lähellä.", ""),
            },
        )
        record_plan(
            actor=convener,
            meeting=meeting,
            matters=[
                "Iltarutiini, jotta lapset nukahtaisivat aiemmin",
                "Äidin oma lepohetki viikoittain",
            ],
            actions=[
                {
                    "where": "home",
                    "text": "Kokeillaan kuvallista iltarutiinia kaksi viikkoa.",
                    "responsible": "family",
                    "due_on": today + timedelta(days=7),
                },
                {
                    "where": "everyday_environment",
                    "text": "Päiväkodissa rauhallinen hetki ennen välipalaa.",
                    "responsible": "professional",
                    "professional": people["Sanna Lehtola"].pk,
                },
                {
                    "where": "elsewhere",
                    "place": "Perhekulma ry",
                    "text": "Perhe tutustuu torstain perhekahvilaan.",
                },
            ],
            follow_up="Mikko soittaa perheelle kahden viikon päästä. Perhe voi soittaa tai "
            "lähettää viestin Mikolle arkisin.",
            lead_ids=[lead.pk],
            next_contact=today + timedelta(days=7),
        )
        # Written down the same day as the meeting.
        JointPlan.objects.filter(meeting=meeting).update(updated_at=starts + timedelta(hours=3))

        # 2. The meeting began an hour ago and waits to be recorded.
        waiting = raise_concern(
            actor=convener,
            alias="Perhe M",
            children_birth_years=[today.year - 6],
            email="perhe.m@koti.example",
            language="sv",
            channel="electronic",
            topic_codes=["parent_child_interaction"],
            summary="Vanhemmat toivovat keinoja lapsen raivokohtauksiin.",
            consent=True,
            existing_support=False,
        )
        now = timezone.localtime()
        starts = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0) - timedelta(
            hours=1
        )
        meeting = convene_meeting(
            actor=convener,
            concern=waiting,
            starts_at=starts,
            duration_minutes=60,
            place="Perheen koti",
            invitee_ids=[lead.pk, psychologist.pk],
            now=starts - timedelta(days=9),
        )
        self._happened(meeting, convened=starts - timedelta(days=9))

        self._follow_up_story(people, today)

        # 3. Raised today; nobody convened yet.
        raise_concern(
            actor=convener,
            alias="Perhe L",
            children_birth_years=[today.year - 3],
            phone=demo_phone(len(PEOPLE) + 1),
            language="fi",
            channel="local_worker",
            topic_codes=["new_life_situation"],
            summary="Uusi vauva perheessä, arjen rytmi hakee paikkaansa.",
            consent=True,
            existing_support=False,
        )

    def _follow_up_story(self, people, today: date) -> None:
        """4. Met six weeks ago; Mikko leads and convened the follow-up that
        has just begun: run it in the meeting room, review the plan there."""
        convener, lead = people["Sanna Lehtola"].user, people["Mikko Harju"]
        nurse = people["Leena Koivisto"]
        concern = raise_concern(
            actor=convener,
            alias="Perhe T",
            children_birth_years=[today.year - 5],
            email="perhe.t@koti.example",
            language="fi",
            channel="local_worker",
            topic_codes=["daily_rhythm"],
            summary="Aamut ovat kiireisiä ja lapsi itkee päiväkodin ovella.",
            consent=True,
            existing_support=False,
        )
        first_day = today - timedelta(days=42 + (today.weekday() - 3) % 7)
        starts = self._at(first_day, time(8, 30))
        first = convene_meeting(
            actor=convener,
            concern=concern,
            starts_at=starts,
            duration_minutes=90,
            place="Päiväkoti Satakieli, Kielo-huone",
            invitee_ids=[lead.pk, nurse.pk],
            now=starts - timedelta(days=10),
        )
        self._happened(first, convened=starts - timedelta(days=10))
        record_meeting_held(
            actor=convener,
            meeting=first,
            attendee_ids=[lead.pk, nurse.pk],
            family_present=True,
            now=starts + timedelta(hours=2),
        )
        record_star_notes(
            actor=convener,
            meeting=first,
            notes={1: ("Utelias ja liikkuvainen.", "Aamuerot ovat vaikeita."), 2: ("", "")},
        )
        record_placements(actor=convener, meeting=first, placements={1: 4, 3: 5, 6: 6})
        record_plan(
            actor=convener,
            meeting=first,
            matters=["Rauhallisemmat aamut", "Helpompi ero päiväkodin ovella"],
            actions=[
                {
                    "where": "home",
                    "text": "Vaatteet ja reppu valmiiksi illalla.",
                    "responsible": "family",
                },
                {
                    "where": "everyday_environment",
                    "text": "Sama aikuinen vastaan aamuisin.",
                    "responsible": "professional",
                    "professional": people["Sanna Lehtola"].pk,
                    "due_on": first_day + timedelta(days=14),
                },
            ],
            follow_up="Mikko soittaa perheelle joka toinen viikko.",
            lead_ids=[lead.pk],
            next_contact=today - timedelta(days=2),
        )
        JointPlan.objects.filter(meeting=first).update(updated_at=starts + timedelta(hours=3))
        now = timezone.localtime()
        follow_starts = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
        follow = convene_meeting(
            actor=lead.user,
            concern=concern,
            starts_at=follow_starts,
            duration_minutes=60,
            place="Perhekeskus, Kielo",
            invitee_ids=[convener.professional.pk, nurse.pk],
            now=follow_starts - timedelta(days=8),
            confirm_double_booking=True,
        )
        self._happened(follow, convened=follow_starts - timedelta(days=8))

    @staticmethod
    def _happened(meeting: Meeting, *, convened: datetime) -> None:
        """Date the story of a meeting convened in the past as it happened.

        The services stamp their rows with the real time of the command; in
        the demo the family's concern was raised, the meeting convened and its
        invitations sent days before the meeting, and the delivered
        invitations are not sent again by the worker."""
        raised = convened - timedelta(days=2)
        Family.objects.filter(concerns__meetings=meeting).update(created_at=raised)
        Concern.objects.filter(meetings=meeting).update(created_at=raised)
        Meeting.objects.filter(pk=meeting.pk).update(created_at=convened)
        OutboxMessage.objects.filter(meeting=meeting).update(
            created_at=convened,
            status=OutboxMessage.Status.SENT,
            attempts=1,
            next_attempt_at=None,
            sent_at=convened + timedelta(minutes=2),
        )

    @staticmethod
    def _at(day: date, at: time) -> datetime:
        return timezone.make_aware(datetime.combine(day, at))
