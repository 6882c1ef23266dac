"""Demo applications in every state, made through the front door: each is
created and moved by the services, as the right actor, at plausible moments
in the past, so the demo is always a state the process can reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from permits.extensions import db
from permits.models import Application, Location, ReviewTask, User
from permits.services import applications, deadlines, ledger, payments, workflow
from permits.services.context import at, calendar, now_utc

DAY = dt.timedelta(days=1)


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email_normalised == email)).scalar_one()


def _site(slug: str) -> Location:
    return db.session.execute(select(Location).where(Location.slug == slug)).scalar_one()


def _reviewer_for(review: ReviewTask) -> User:
    """A demo reviewer of the organisation holding the review."""
    for membership in review.organisation.memberships:
        if membership.role == "reviewer":
            return membership.user
    return review.organisation.memberships[0].user


def _open(application: Application, kind: str | None = None) -> list[ReviewTask]:
    db.session.refresh(application)
    return [r for r in application.reviews if r.is_open and (kind is None or r.kind == kind)]


def _decide(review: ReviewTask, action: str, when: dt.datetime, **kwargs) -> None:
    """The review's organisation decides, at ``when`` (every row it stamps agrees)."""
    with at(when):
        workflow.decide(review, _reviewer_for(review), action, **kwargs)


def _decide_all(application: Application, kind: str, when: dt.datetime, action: str = "approve", **kwargs) -> None:
    for review in _open(application, kind):
        _decide(review, action, when, **kwargs)
    db.session.flush()


FINANCE_OFFICER = "finance@demo.filmpermit.test"


def _pay(application: Application, when: dt.datetime) -> None:
    """The commission's finance officer records the producer's transfer of
    the whole balance (process version 3: the permit waits for the fee)."""
    db.session.refresh(application)
    if application.state != "awaiting_payment":
        return
    with at(when):
        invoice = ledger.fee_invoice(application.id)
        payments.record_payment(_user(FINANCE_OFFICER), invoice, amount=ledger.balance_of(application),
                                paid_on=calendar().local_date(when), bank_reference=f"IBA-{application.reference}")
    db.session.flush()


def _submit(application: Application, producer: User, when: dt.datetime) -> None:
    with at(when):
        workflow.submit(application, producer)


def _book(application: Application, producer: User, slug: str, start: dt.date, days: int, crew: int) -> None:
    """Book a site, moving the dates a week on while they hit a closure."""
    site = _site(slug)
    for _week in range(30):
        end = start + (days - 1) * DAY
        if not applications.booking_problems(site, start, end, crew):
            applications.add_booking(application, producer, site, start=start, end=end, crew_on_site=crew,
                                     daily_start=dt.time(8), daily_end=dt.time(19))
            return
        start += 7 * DAY
    raise RuntimeError(f"no free dates found for the demo at {slug}")


def _draft(producer: User, title: str, kind: str, sites: list[tuple[str, int, int]], first_day: dt.date,
           activities=(), crew: int = 20, synopsis: str = "") -> Application:
    application = applications.create_draft(
        producer, title=title, production_type=kind, activities=list(activities), crew_total=crew, synopsis=synopsis
    )
    application.local_contact = f"{producer.name}, {producer.email}"
    application.completed_sections = ["company", "production", "sites", "activities", "crew", "documents", "declaration"]
    application.declaration_name = producer.name
    offset = 0
    for slug, days, site_crew in sites:
        _book(application, producer, slug, first_day + offset * DAY, days, site_crew)
        offset += days + 2
    db.session.flush()
    return application


SCENARIOS: list[tuple[str, Callable]] = []


def scenario(title: str):
    def register(fn):
        SCENARIOS.append((title, fn))
        return fn

    return register


@scenario("Caspian Lights")
def draft_only(title, now, today):
    _draft(_user("nigar.producer@demo.filmpermit.test"), title, "commercial",
           [("baku-boulevard", 2, 25)], today + 40 * DAY, activities=["night_work"],
           synopsis="A night-time commercial for a lighting brand along the seafront.")


@scenario("The Silk Caravan")
def screening(title, now, today):
    producer = _user("camille.producer@demo.filmpermit.test")
    application = _draft(producer, title, "feature", [("sheki-caravanserai", 4, 30), ("sheki-khans-palace", 1, 8)],
                         today + 45 * DAY, synopsis="A period drama following a 19th-century silk merchant.")
    _submit(application, producer, now - 2 * DAY)


@scenario("Fire Mountain")
def parallel(title, now, today):
    producer = _user("asel.producer@demo.filmpermit.test")
    application = _draft(producer, title, "documentary", [("yanar-dag", 2, 12), ("ateshgah", 2, 10)],
                         today + 30 * DAY, activities=["drone"],
                         synopsis="A documentary about Absheron's eternal fires and the Zoroastrian heritage.")
    _submit(application, producer, now - 3 * DAY)
    _decide_all(application, "ministry_screening", now - 2 * DAY)


@scenario("Stones That Speak")
def waiting_on_producer(title, now, today):
    producer = _user("tural.producer@demo.filmpermit.test")
    application = _draft(producer, title, "documentary", [("gobustan-rock-art", 3, 15)], today + 35 * DAY,
                         activities=["drone"], synopsis="Gobustan's petroglyphs, filmed at dawn and dusk.")
    _submit(application, producer, now - 4 * DAY)
    _decide_all(application, "ministry_screening", now - 3 * DAY)
    owner_review = _open(application, "site_owner")[0]
    _decide(owner_review, "request_information", now - 1 * DAY, reason="Please send the drone operator's licence and a map of the take-off points.")


@scenario("Mud and Thunder")
def overdue(title, now, today):
    producer = _user("daniyar.producer@demo.filmpermit.test")
    application = _draft(producer, title, "music_video", [("dashgil-mud-volcanoes", 2, 20)], today + 25 * DAY,
                         synopsis="A music video among the bubbling mud volcanoes.")
    _submit(application, producer, now - 14 * DAY)
    _decide_all(application, "ministry_screening", now - 13 * DAY)


@scenario("The Maiden's Tower")
def final_review(title, now, today):
    producer = _user("ilkin.producer@demo.filmpermit.test")
    application = _draft(producer, title, "series", [("maiden-tower", 2, 12), ("icherisheher", 3, 40)],
                         today + 28 * DAY, synopsis="A mystery series set in Baku's Old City.")
    _submit(application, producer, now - 8 * DAY)
    _decide_all(application, "ministry_screening", now - 7 * DAY)
    _decide_all(application, "tourism", now - 4 * DAY)
    _decide_all(application, "site_owner", now - 3 * DAY, action="approve_with_conditions",
                conditions=["A museum guide must be present at all times.", "No filming from 12:00 to 14:00."])


@scenario("Lands of Fire")
def approved(title, now, today):
    producer = _user("julien.producer@demo.filmpermit.test")
    application = _draft(producer, title, "feature", [("icherisheher", 3, 40), ("candy-cane-mountains", 2, 30)],
                         today + 20 * DAY, activities=["drone", "animals"],
                         synopsis="A road movie from the Old City to the striped hills of Khizi.")
    _submit(application, producer, now - 12 * DAY)
    _decide_all(application, "ministry_screening", now - 11 * DAY)
    _decide_all(application, "site_owner", now - 8 * DAY, action="approve_with_conditions",
                conditions=["A museum guide must be present at all times."])
    _decide_all(application, "tourism", now - 7 * DAY)
    _decide_all(application, "aviation", now - 7 * DAY, action="approve_with_conditions",
                conditions=["Drone flights below 120 m and at least 150 m from the Baku–Guba highway."])
    _decide_all(application, "ministry_final", now - 6 * DAY)
    _pay(application, now - 5 * DAY)


@scenario("Highland Night Race")
def rejected(title, now, today):
    producer = _user("igor.producer@demo.filmpermit.test")
    application = _draft(producer, title, "commercial", [("highland-park", 1, 50)], today + 15 * DAY,
                         activities=["road_closure", "pyrotechnics", "night_work"],
                         synopsis="A car commercial with pyrotechnics at night.")
    _submit(application, producer, now - 6 * DAY)
    [screening_review] = _open(application, "ministry_screening")
    _decide(screening_review, "reject", now - 5 * DAY, reason="Pyrotechnics and a road closure at Highland Park need 10 business days' notice and a police plan.")


@scenario("Goygol Reflections")
def withdrawn(title, now, today):
    producer = _user("nigar.producer@demo.filmpermit.test")
    application = _draft(producer, title, "stills", [("nohur-lake", 1, 6)], today + 18 * DAY,
                         synopsis="A fashion stills shoot by the lake.")
    _submit(application, producer, now - 5 * DAY)
    with at(now - 4 * DAY):
        workflow.withdraw(application, producer, reason="The shoot moved to next season.")


@scenario("The Coppersmith of Lahij")
def lapsed(title, now, today):
    producer = _user("asel.producer@demo.filmpermit.test")
    application = _draft(producer, title, "student", [("lahij", 2, 8)], today + 60 * DAY,
                         synopsis="A student short about a coppersmith's family.")
    _submit(application, producer, now - 40 * DAY)
    _decide_all(application, "ministry_screening", now - 39 * DAY)
    owner_review = _open(application, "site_owner")[0]
    _decide(owner_review, "request_information", now - 38 * DAY, reason="Please confirm the number of vehicles and where they will park.")


@scenario("Shusha Dawn")
def site_refused(title, now, today):
    producer = _user("camille.producer@demo.filmpermit.test")
    application = _draft(producer, title, "documentary", [("jidir-duzu", 2, 20), ("heydar-aliyev-center", 1, 20)],
                         today + 50 * DAY, synopsis="Karabakh horses at Jidir Duzu and modern Baku.")
    _submit(application, producer, now - 9 * DAY)
    _decide_all(application, "ministry_screening", now - 8 * DAY)
    _decide_all(application, "tourism", now - 6 * DAY)
    for review in _open(application, "site_owner"):
        if review.organisation.key == "shusha":
            _decide(review, "reject", now - 5 * DAY,
                    reason="Jidir Duzu is reserved for the Kharibulbul festival preparations on these dates.")
        else:
            _decide(review, "approve", now - 5 * DAY)


# -- process version 2: the agencies and the fast track ------------------------------


@scenario("Boulevard Chase")
def police_review(title, now, today):
    """Through the police: a road closure and prop weapons on the seafront."""
    producer = _user("ilkin.producer@demo.filmpermit.test")
    application = _draft(producer, title, "feature", [("baku-boulevard", 2, 40)], today + 26 * DAY,
                         activities=["road_closure", "prop_weapons"], crew=60,
                         synopsis="An action feature: a chase along the seafront boulevard, with replica pistols.")
    application.safety_notes = "Licensed armourer on set; the road is closed by the traffic police, with marshals."
    _submit(application, producer, now - 9 * DAY)
    _decide_all(application, "ministry_screening", now - 8 * DAY)
    _decide_all(application, "police", now - 6 * DAY, action="approve_with_conditions",
                conditions=["The road may be closed only from 06:00 to 09:00, by traffic police officers.",
                            "Replica weapons stay in the armourer's locked case between takes."])
    _decide_all(application, "tourism", now - 5 * DAY)
    _decide_all(application, "site_owner", now - 5 * DAY)
    _decide_all(application, "ministry_final", now - 4 * DAY)
    _pay(application, now - 3 * DAY)


@scenario("Sky over Khizi")
def refused_by_aviation(title, now, today):
    """Refused by civil aviation, with its reason; the commission then refuses the application."""
    producer = _user("asel.producer@demo.filmpermit.test")
    application = _draft(producer, title, "documentary", [("candy-cane-mountains", 2, 10)], today + 33 * DAY,
                         activities=["drone"], crew=10,
                         synopsis="Aerial views of the striped hills of Khizi, at sunrise and sunset.")
    application.safety_notes = "One certified remote pilot and an observer; take-off from the car park only."
    _submit(application, producer, now - 10 * DAY)
    _decide_all(application, "ministry_screening", now - 9 * DAY)
    _decide_all(application, "site_owner", now - 8 * DAY)
    _decide_all(application, "tourism", now - 8 * DAY)
    _decide_all(application, "aviation", now - 7 * DAY, action="reject",
                reason="The flight plan asks for 300 m above ground and crosses the Baku–Guba highway. Drones may fly "
                       "at most 120 m high and 150 m away from the road here; file a new flight plan within these limits.")
    _decide_all(application, "ministry_final", now - 6 * DAY, action="reject",
                reason="Civil aviation refused the drone flights as planned. Apply again with a new flight plan.")


@scenario("Flames of Yanar Dag")
def emergency_review(title, now, today):
    """Through the emergency services: pyrotechnics and open flames at the burning hillside."""
    producer = _user("igor.producer@demo.filmpermit.test")
    application = _draft(producer, title, "music_video", [("yanar-dag", 1, 25)], today + 32 * DAY,
                         activities=["pyrotechnics", "open_flames"], crew=30,
                         synopsis="A music video with fire dancers and sparklers in front of the burning hillside.")
    application.safety_notes = "Licensed pyrotechnician, fire extinguishers and a first-aid point on set."
    _submit(application, producer, now - 3 * DAY)
    _decide_all(application, "ministry_screening", now - 2 * DAY)
    _decide_all(application, "emergency", now - 1 * DAY, action="approve_with_conditions",
                conditions=["A fire crew of the Ministry of Emergency Situations is on site during every effect."])


@scenario("Morning on White City")
def fast_track(title, now, today):
    """The fast track: a simple shoot at a site under standing consent, from
    submission to permit within a business day."""
    producer = _user("tural.producer@demo.filmpermit.test")
    application = _draft(producer, title, "commercial", [("white-city", 1, 8)], today + 12 * DAY, crew=8,
                         synopsis="A coffee commercial: a morning walk along the White City boulevard.")
    cal = calendar()
    day = cal.subtract_business_days(cal.local_date(now), 3)
    filed = dt.datetime.combine(day, dt.time(10), tzinfo=cal.zone).astimezone(dt.UTC)  # 10:00 in Baku
    _submit(application, producer, filed)
    _decide_all(application, "commission_decision", filed + dt.timedelta(hours=5))
    _pay(application, filed + dt.timedelta(hours=6))


# -- process version 3: money ------------------------------------------------------------


@scenario("Gardens of Ganja")
def awaiting_payment(title, now, today):
    """Approved, the permit waiting for the fee; the commission's bank
    statement brought a transfer nobody can place yet (for the finance page)."""
    producer = _user("julien.producer@demo.filmpermit.test")
    application = _draft(producer, title, "documentary", [("maiden-tower", 1, 10)], today + 24 * DAY,
                         synopsis="A short documentary about the gardens and gates of the Old City.")
    _submit(application, producer, now - 6 * DAY)
    _decide_all(application, "ministry_screening", now - 5 * DAY)
    _decide_all(application, "tourism", now - 3 * DAY)
    _decide_all(application, "site_owner", now - 3 * DAY)
    _decide_all(application, "ministry_final", now - 1 * DAY)
    day = calendar().local_date(now - 1 * DAY)
    statement = (f"date;amount;reference;bank reference;payer\n"
                 f"{day:%d.%m.%Y};150,00;film permit fee;IBA-DEMO-STATEMENT-1;Kaspi Studio MMC\n").encode()
    with at(now - 1 * DAY):
        payments.import_statement(_user(FINANCE_OFFICER), "demo-statement.csv", statement)


def seed_applications(now: dt.datetime | None = None) -> int:
    """Create the demo applications that do not exist yet; returns how many."""
    now = now or now_utc()
    today = calendar().local_date(now)
    existing = set(db.session.execute(select(Application.title)).scalars())
    made = 0
    for title, make in SCENARIOS:
        if title in existing:
            continue
        make(title, now, today)
        db.session.flush()
        made += 1
    if made:
        # Time has passed for the older ones: reminders, escalations, the lapse.
        db.session.commit()
        deadlines.sweep(now)
    return made
