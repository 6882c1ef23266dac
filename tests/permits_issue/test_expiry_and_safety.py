"""Expiry by the deadline sweep; user text that must never be fetched or
interpreted; what is filming at a site."""

import datetime as dt
import socket
import threading

import time_machine
from sqlalchemy import select

from permits.models import Deadline
from permits.services import deadlines, workflow
from tests.permits_issue.helpers import approved, pdf_bytes, pdf_text, render_pending
from tests.services.scenario import MONDAY, build_world


def test_the_sweep_expires_the_permit_after_its_last_shoot_day(db, client):
    world = build_world()
    application, permit = approved(world)  # shoots 7-9 June 2027
    assert permit.valid_until == dt.date(2027, 6, 9)
    with time_machine.travel(dt.datetime(2027, 6, 9, 19, 0, tzinfo=dt.UTC), tick=False):  # 23:00 in Baku, last day
        deadlines.sweep()
        db.session.refresh(permit)
        assert permit.status == "valid"
    with time_machine.travel(dt.datetime(2027, 6, 9, 20, 1, tzinfo=dt.UTC), tick=False):  # 00:01 on 10 June in Baku
        deadlines.sweep()
    db.session.refresh(permit)
    db.session.refresh(application)
    assert permit.status == "expired" and application.state == "expired"
    fired = db.session.execute(select(Deadline).where(Deadline.kind == "permit_expiry")).scalar_one()
    assert fired.status == "fired"
    assert "has expired" in client.get(f"/verify/{permit.verification_token}").data.decode()


class _Listener:
    """A loopback TCP listener that records any connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self._stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


def test_markup_and_urls_in_user_text_are_printed_literally_and_never_fetched(db, app, client):
    listener = _Listener()
    try:
        hostile_title = f'<img src=http://127.0.0.1:{listener.port}/x> <a href="file:///etc/passwd">x</a>'
        hostile_condition = f"file:///etc/passwd <img src='http://127.0.0.1:{listener.port}/y'/> & <b>bold</b>"
        world = build_world()
        _application, permit = approved(world, title=hostile_title, condition=hostile_condition)
        render_pending(permit)
        text = pdf_text(pdf_bytes(permit.versions[0]))
        page = client.get(f"/verify/{permit.verification_token}").data.decode()
    finally:
        listener.close()
    assert listener.connections == 0
    assert f"<img src=http://127.0.0.1:{listener.port}/x>" in text
    assert "file:///etc/passwd" in text and "<b>bold</b>" in text
    assert "root:x:0:0" not in text
    # The web page escapes it too.
    assert "&lt;img src=http://127.0.0.1" in page and "<img src=http://127.0.0.1" not in page


def test_filming_now_lists_valid_permits_only(db, client, app):
    from flask import render_template

    world = build_world()
    application, _permit = approved(world)
    application.local_contact = "Site manager on duty: +994 12 000 00 00"
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}), time_machine.travel(
        dt.datetime(2027, 6, 8, 8, 0, tzinfo=dt.UTC), tick=False
    ):
        html = render_template("locations/_filming_now.html", location=world.site_a)
        assert "The Silk Road" in html and "Filming now" in html and "+994 12 000 00 00" in html
        assert "08:00–20:00" in html
        other = render_template("locations/_filming_now.html", site=world.site_b)
        assert "The Silk Road" in other
    workflow.revoke(application, world.ministry_supervisor, "Safety", now=MONDAY)
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template("locations/_filming_now.html", location=world.site_a)
    assert "The Silk Road" not in html and "No filming with a permit" in html


def test_without_a_residents_contact_the_site_page_gives_the_commissions_number_never_the_producers(db, client, app):
    world = build_world()
    world.ministry.phone = "+994 12 505 00 00"
    application, _permit = approved(world)
    application.local_contact = ""
    application.contact_phone = "+33 6 12 34 56 78"
    company = application.company
    company.contact_phone, company.contact_email = "+33 1 99 00 12 34", "office@lumiere.test"
    db.session.commit()
    with time_machine.travel(dt.datetime(2027, 6, 8, 8, 0, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/sites/{world.site_a.slug}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The Silk Road" in html
    assert "The film commission: +994 12 505 00 00" in html
    for private in ("+33 1 99 00 12 34", "office@lumiere.test", "+33 6 12 34 56 78", world.producer.email):
        assert private not in html

    application.local_contact = "Location manager: +994 50 111 22 33"
    db.session.commit()
    with time_machine.travel(dt.datetime(2027, 6, 8, 8, 0, tzinfo=dt.UTC), tick=False):
        html = client.get(f"/sites/{world.site_a.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Location manager: +994 50 111 22 33" in html and "The film commission:" not in html
