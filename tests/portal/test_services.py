"""Service rules of the portal: sections, bookings, quotes, documents, submission."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from permits.models import LocationBlackout, WorkflowEvent
from permits.services import ServiceError, StaleVersion, applications, documents
from permits.services.quotes import timeline_for
from tests import clock
from tests.portal.conftest import JPEG, PNG, complete_draft, future, pdf_bytes, upload
from tests.services.scenario import submitted

# ----------------------------------------------------------------------------- documents


@pytest.mark.parametrize(
    ("head", "tail", "expected"),
    [
        (b"%PDF-1.7\n", b"...%%EOF\n", "application/pdf"),
        (b"%PDF-1.7\n", b"no end marker", None),
        (b"MZ\x90\x00", b"", None),
        (b"<html><body>", b"%%EOF", None),
        (b"  %PDF-1.4", b"%%EOF", None),
        (PNG[:16], b"", "image/png"),
        (JPEG[:16], b"", "image/jpeg"),
        (b"GIF89a", b"", None),
    ],
)
def test_content_is_recognised_by_its_bytes(head, tail, expected):
    assert documents.sniff(head, tail) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ana\\Insurance 2027.pdf", "Insurance 2027.pdf"),
        ("evil\x00name\r\n.pdf", "evilname.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        ("Sığorta — şəhadətnamə.pdf", "Sığorta — şəhadətnamə.pdf"),
    ],
)
def test_file_names_are_sanitised(given, expected):
    assert documents.sanitise_filename(given, "application/pdf") == expected


@pytest.mark.parametrize(
    ("company", "insured", "same"),
    [
        ("Lumière SAS", "LUMIERE S.A.S.", True),
        ("Caspian Pictures LLC", "Caspian Pictures, Ltd.", True),
        ("Xəzər Film MMC", "Xəzər Film", True),
        ("Steppe Films TOO", "STEPPE FILMS", True),
        ("Caspian Pictures LLC", "Caspian Studios LLC", False),
    ],
)
def test_insured_names_are_compared_without_case_punctuation_or_legal_form(company, insured, same):
    assert documents.names_match(company, insured) is same


def test_a_renamed_executable_is_refused(world):
    with pytest.raises(ServiceError) as refused:
        documents.add_to_passport(world.producer, upload(b"MZ\x90\x00" + b"\x00" * 100, "cert.pdf"), kind="other")
    assert refused.value.field == "file"


def test_insurance_needs_an_expiry_date_and_an_insured_name(world):
    with pytest.raises(ServiceError) as refused:
        documents.add_to_passport(world.producer, upload(pdf_bytes()), kind="insurance", insured_name="Lumière SAS")
    assert refused.value.field == "expires_on"
    with pytest.raises(ServiceError) as refused:
        documents.add_to_passport(world.producer, upload(pdf_bytes()), kind="insurance", expires_on=future(400))
    assert refused.value.field == "insured_name"


def test_stored_documents_keep_a_clean_name_a_hash_and_a_random_key(world):
    document = documents.add_to_passport(world.producer, upload(pdf_bytes(), "../../etc/passwd.pdf"), kind="other")
    assert document.original_filename == "passwd.pdf"
    assert document.content_type == "application/pdf"
    assert len(document.sha256) == 64
    assert "passwd" not in document.storage_key
    assert documents.read(document).read() == pdf_bytes()


def test_an_application_holds_at_most_twenty_documents(world, db):
    app = applications.create_draft(world.producer)
    for n in range(documents.MAX_DOCUMENTS_PER_APPLICATION):
        documents.upload_to_application(app, world.producer, upload(pdf_bytes(str(n)), f"{n}.pdf"), kind="other")
    with pytest.raises(ServiceError, match="at most 20"):
        documents.upload_to_application(app, world.producer, upload(pdf_bytes("x"), "x.pdf"), kind="other")


def test_document_checks_flag_missing_expired_short_and_misnamed_papers(world, db):
    app = complete_draft(world, activities=["drone"])
    assert not [c for c in documents.document_checks(app) if c.blocking]
    # Drone declared: civil aviation needs the UAV's registration (and the rest).
    app.documents = [link for link in app.documents if link.document.kind != "uav_registration"]
    db.session.flush()
    messages = [c.message for c in documents.document_checks(app)]
    assert messages == ["Civil aviation review needs this document: UAV registration certificate."]
    insurance = next(link.document for link in app.documents if link.document.kind == "insurance")
    insurance.expires_on = clock.today() - dt.timedelta(days=1)
    assert any("expired" in c.message and c.blocking for c in documents.document_checks(app))
    insurance.expires_on = app.last_shoot_date - dt.timedelta(days=1)
    assert any("before your last shoot day" in c.message and c.blocking for c in documents.document_checks(app))
    insurance.expires_on = app.last_shoot_date + dt.timedelta(days=1)
    soon = documents.document_checks(app, today=app.last_shoot_date - dt.timedelta(days=5))
    assert any("ends soon" in c.message and not c.blocking for c in soon)
    insurance.insured_name = "Somebody Else Ltd"
    assert any("not of your company" in c.message and c.blocking for c in documents.document_checks(app))
    app.documents = []
    db.session.flush()
    assert any("insurance certificate" in c.message for c in documents.document_checks(app))


# ----------------------------------------------------------------------------- bookings and sections


def test_bookings_refuse_past_dates_too_many_people_and_blackouts(world, db):
    app = applications.create_draft(world.producer)
    with pytest.raises(ServiceError) as refused:
        applications.add_site_booking(app, world.producer, world.site_a, start=clock.today(), end=future(), crew_on_site=5)
    assert refused.value.field == "start_date"
    with pytest.raises(ServiceError) as refused:
        applications.add_site_booking(app, world.producer, world.site_a, start=future(), end=future(), crew_on_site=41)
    assert refused.value.field == "crew_on_site" and "40" in refused.value.message
    db.session.add(LocationBlackout(location_id=world.site_a.id, start_date=future(50), end_date=future(52), reason="Festival"))
    db.session.flush()
    db.session.refresh(world.site_a)
    with pytest.raises(ServiceError, match="closed to filming"):
        applications.add_site_booking(app, world.producer, world.site_a, start=future(49), end=future(51), crew_on_site=5)


def test_overlapping_bookings_are_a_warning_not_a_block(world, db):
    submitted(world, start=future(), days=3, crew=10, now=None)
    app = applications.create_draft(world.producer)
    applications.add_site_booking(app, world.producer, world.site_b, start=future(46), end=future(49), crew_on_site=5)
    warnings = applications.booking_warnings(app)
    assert [w.kind for w in warnings] == ["conflict"]


def test_sections_move_from_not_started_to_completed(world, db):
    app = applications.create_draft(world.producer)
    assert applications.section_status(app, "production") == "not_started"
    applications.save_production(app, world.producer, title="Draft", production_type="feature", country_of_origin="fr",
                                 synopsis="", complete=False)
    assert applications.section_status(app, "production") == "in_progress"
    with pytest.raises(ServiceError) as refused:
        applications.save_production(app, world.producer, title="Draft", production_type="feature",
                                     country_of_origin="FR", synopsis="short", complete=True)
    assert refused.value.field == "synopsis"
    applications.save_production(app, world.producer, title="Draft", production_type="feature", country_of_origin="FR",
                                 synopsis="A long enough synopsis of the film.", complete=True)
    assert applications.section_status(app, "production") == "completed"
    assert app.country_of_origin == "FR"


def test_declaring_a_drone_reopens_the_documents_section(world, db):
    app = complete_draft(world)
    assert "documents" in app.completed_sections
    applications.save_activities(app, world.producer, activities=["drone"], safety_notes="Licensed pilot, 50 m ceiling.",
                                 complete=True)
    assert "documents" not in app.completed_sections
    # Each missing document is named, in one message.
    with pytest.raises(ServiceError) as refusal:
        applications.mark_section(app, world.producer, "documents", True)
    for name in ("UAV registration certificate", "Remote pilot certificate", "Drone flight plan"):
        assert name in refusal.value.message


def test_submission_needs_every_section(world, db):
    app = applications.create_draft(world.producer)
    with pytest.raises(ServiceError, match="Complete this section"):
        applications.submit_application(app, world.producer, app.version)


def test_a_stale_check_page_is_refused(world, db):
    app = complete_draft(world)
    with pytest.raises(StaleVersion):
        applications.submit_application(app, world.producer, app.version - 1)


def test_a_complete_draft_is_submitted_and_a_late_one_is_flagged(world, db):
    app = complete_draft(world, start=clock.business_days_ahead(1))  # well inside any lead time
    assert applications.booking_warnings(app)[0].kind == "late"
    applications.submit_application(app, world.producer, app.version)
    db.session.commit()
    assert app.state == "submitted" and app.reference
    actions = set(db.session.execute(select(WorkflowEvent.action).where(WorkflowEvent.application_id == app.id)).scalars())
    assert {"submit", "flagged_late", "open"} <= actions


def test_the_public_quote_gives_the_same_numbers_as_the_application(world, db):
    start = future(60)
    app = complete_draft(world, start=start, activities=["drone"], crew=20)
    expected = timeline_for(app)
    plan = applications.plan(
        [applications.PlannedSite(world.site_a, start, start + dt.timedelta(days=1), 20)],
        activities=["drone"], country_of_origin="FR",
    )
    assert plan.timeline.tier == expected.tier
    assert plan.timeline.quote == expected.quote
    assert plan.timeline.reviews == expected.reviews
    assert plan.timeline.latest_submission == expected.latest_submission
    assert plan.timeline.earliest_permit == expected.earliest_permit
    assert plan.timeline.quote.total == Decimal("150.00") + 2 * world.site_a.fee_per_day


def test_draft_for_site_reuses_the_newest_draft(world, db):
    first = applications.draft_for_site(world.producer)
    again = applications.draft_for_site(world.producer)
    assert first.id == again.id
