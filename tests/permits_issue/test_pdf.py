"""The permit PDF: made by the task after approval, with everything printed."""

import hashlib

from permits.extensions import db
from permits.models import PermitVersion
from tests import clock
from tests.permits_issue.helpers import CONDITION, approved, pdf_bytes, pdf_text, qr_urls, render_pending
from tests.services.scenario import build_world


def test_approval_queues_a_pending_version_that_the_task_renders(db, app):
    world = build_world()
    _application, permit = approved(world)
    [version] = permit.versions
    assert version.status == "pending" and version.version == 1
    render_pending(permit)
    version = db.session.get(PermitVersion, version.id)
    assert version.status == "ready"
    data = pdf_bytes(version)
    assert data.startswith(b"%PDF")
    assert version.sha256 == hashlib.sha256(data).hexdigest()


def _named_world(language: str):
    world = build_world()
    world.producer.language = language
    world.owner_a.name_az = "İçərişəhər Qoruğu"
    world.site_a.name_az, world.site_a.name_ru = "Qız qalası", "Девичья башня"
    world.site_b.name_az, world.site_b.name_ru = "Yanar Dağ", "Янардаг"
    world.site_a.region = world.site_b.region = "absheron_khizi"
    db.session.commit()
    return world


def test_azerbaijani_producer_gets_an_azerbaijani_permit(db, app):
    world = _named_world("az")
    application, permit = approved(world)
    render_pending(permit)
    text = pdf_text(pdf_bytes(permit.versions[0]))
    assert permit.number in text
    assert permit.short_code in text
    assert "İcazə nömrəsi" in text and "Permit number" not in text
    # Site and region named in Azerbaijani; never the region's key.
    assert "Qız qalası — Abşeron-Xızı" in text and "Yanar Dağ" in text
    assert "Maiden Tower" not in text and "absheron_khizi" not in text
    # Dates as permits.formats writes them in Azerbaijani.
    assert "7 iyn 2027 – 9 iyn 2027" in text
    assert "08:00–20:00" in text
    assert CONDITION in text
    assert "The Silk Road" in text and "Lumière SAS" in text
    # The conditions are grouped under the organisation that set them.
    organisation = next(r.organisation for r in application.reviews if r.conditions)
    assert organisation.translated("name", "az") in text


def test_english_speaking_producer_gets_azerbaijani_with_english_alongside(db, app):
    world = _named_world("en")
    _application, permit = approved(world)
    render_pending(permit)
    text = pdf_text(pdf_bytes(permit.versions[0]))
    assert "İcazə nömrəsi / Permit number" in text
    assert "Qız qalası / Maiden Tower — Abşeron-Xızı / Absheron-Khizi" in text
    assert "Yanar Dağ / Yanar Dag" in text
    assert "absheron_khizi" not in text
    # "7 iyn 2027" and "7 Jun 2027" differ: both are printed.
    assert "7 iyn 2027 – 9 iyn 2027 / 7 Jun 2027 – 9 Jun 2027" in text
    assert "Fransa / France" in text  # the company's country, named


def test_russian_speaking_producer_gets_azerbaijani_with_russian_alongside(db, app):
    world = _named_world("ru")
    _application, permit = approved(world)
    render_pending(permit)
    text = pdf_text(pdf_bytes(permit.versions[0]))
    assert "İcazə nömrəsi / Номер разрешения" in text
    assert "Permit number" not in text
    assert "Qız qalası / Девичья башня — Abşeron-Xızı / Абшерон-Хызы" in text
    assert "7 iyn 2027 – 9 iyn 2027 / 7 июн. 2027 – 9 июн. 2027" in text
    assert "absheron_khizi" not in text and "Maiden Tower" not in text


def test_qr_code_decodes_to_the_public_verification_url(db, app):
    world = build_world()
    _application, permit = approved(world)
    render_pending(permit)
    urls = qr_urls(pdf_bytes(permit.versions[0]))
    assert urls == [app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{permit.verification_token}"]


def test_catch_up_renders_versions_whose_nudge_was_lost(db, app):
    import datetime as dt

    from permits.tasks import catch_up_permit_pdfs

    world = build_world()
    _application, permit = approved(world)
    version = permit.versions[0]
    version.created_at = clock.now() - dt.timedelta(minutes=10)
    db.session.commit()
    assert catch_up_permit_pdfs() == 1
    db.session.expire_all()
    assert db.session.get(PermitVersion, version.id).status == "ready"
    assert catch_up_permit_pdfs() == 0


def test_nudge_after_commit_never_raises_when_the_broker_is_down(db, app, monkeypatch):
    from permits import dispatch

    calls = []

    def broken(name, args=(), **kwargs):
        calls.append((name, tuple(args)))
        if name == "permits.tasks.render_permit_pdf":
            raise ConnectionError("broker down")

    monkeypatch.setattr(app.extensions["celery"], "send_task", broken)
    dispatch.reset_broker_backoff()
    world = build_world()
    _application, permit = approved(world)  # commits: the listener rings, the broker fails, nothing raises
    assert ("permits.tasks.render_permit_pdf", (permit.versions[0].id,)) in calls
    assert permit.versions[0].status == "pending"
