"""Registration, sign-in, sign-out, password reset, the account page."""

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from permits.models import Company, User
from tests.factories import PASSWORD, ProducerFactory
from tests.helpers import csrf_token, login, post_form

WRONG = "The e-mail address or password is not correct."


def register(client, **overrides):
    data = {
        "name": "Leyla Məmmədova",
        "email": "Leyla@Example.az",
        "phone": "+994 50 000 00 00",
        "language": "az",
        "legal_name": "Xəzər Films MMC",
        "country": "AZ",
        "registration_number": "1234567",
        "password": "bir iki üç dörd beş altı",
        "confirm": "bir iki üç dörd beş altı",
    }
    data.update(overrides)
    return post_form(client, "/auth/register", data)


def _deliver_all():
    from permits.notifications import delivery

    for message_id in delivery.pending_ids():
        delivery.deliver(message_id)


def _confirmation_link(mailbox, address):
    _deliver_all()
    [message] = [m for m in mailbox.to(address) if "Confirm your registration" in m["Subject"]
                 or "qeydiyyat" in m["Subject"].lower()]
    return re.search(r"https?://[^/\s]+(/auth/register/confirm/\S+)", mailbox.text(message)).group(1)


def test_producer_registers_with_a_company_once_the_address_is_confirmed(app, client, db, mailbox):
    response = register(client)
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    # Nothing is made until the owner of the address opens the link.
    assert db.session.query(User).count() == 0
    link = _confirmation_link(mailbox, "Leyla@Example.az")
    page = client.get(link)
    assert page.status_code == 200 and "Xəzər Films MMC" in page.get_data(as_text=True)
    assert db.session.query(User).count() == 0  # a GET (a mail scanner) creates nothing
    response = client.post(link, data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    db.session.rollback()  # a fresh read: the request wrote in its own session
    user = db.session.execute(select(User)).scalar_one()
    assert user.email_normalised == "leyla@example.az"
    assert user.password_hash.startswith("$argon2id$")
    assert user.company.legal_name == "Xəzər Films MMC"
    assert user.company.contact_phone == "+994 50 000 00 00"
    assert client.get("/home").status_code in (200, 302)
    assert login(app.test_client(), "leyla@example.az", "bir iki üç dörd beş altı").status_code == 302
    # The link worked once.
    assert client.get(link).status_code == 400


def test_registering_an_existing_address_answers_the_same_and_tells_the_owner(app, client, db, mailbox):
    ProducerFactory(email="leyla@example.az", name="Leyla M", language="en")
    db.session.commit()
    existing = register(client, email="LEYLA@example.AZ")
    fresh = register(app.test_client(), email="LEYLA2@example.AZ")
    strip = lambda html: re.sub(r'value="[^"]*"|LEYLA2?@example\.AZ', "", html)  # noqa: E731
    assert existing.status_code == fresh.status_code == 200
    assert strip(existing.get_data(as_text=True)) == strip(fresh.get_data(as_text=True))
    assert "already exists" not in existing.get_data(as_text=True)
    assert db.session.query(User).count() == 1
    assert db.session.query(Company).count() == 1
    _deliver_all()
    [told] = mailbox.to("leyla@example.az")
    assert told["Subject"] == "You already have an account"
    assert "/auth/login" in mailbox.text(told) and "/auth/forgot-password" in mailbox.text(told)
    # Asking again within the hour does not send the owner a second message.
    register(client, email="leyla@example.az")
    _deliver_all()
    assert len(mailbox.to("leyla@example.az")) == 1


def test_a_confirmation_link_expires_and_the_registration_is_purged(client, db, mailbox):
    from permits.models import PendingRegistration
    from permits.tasks import purge_expired_registrations

    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        register(client)
        link = _confirmation_link(mailbox, "leyla@example.az")
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, 1, tzinfo=dt.UTC), tick=False):
        response = client.get(link)
        assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
        assert purge_expired_registrations() == 1
    assert db.session.query(PendingRegistration).count() == 0
    assert db.session.query(User).count() == 0


def test_an_address_gets_at_most_three_links_at_once(client, db, mailbox):
    from permits.models import PendingRegistration

    for _ in range(4):
        assert "Check your e-mail" in register(client).get_data(as_text=True)
    assert db.session.query(PendingRegistration).count() == 3
    _deliver_all()
    assert len(mailbox.to("leyla@example.az")) == 3


def test_the_first_link_opened_wins_and_the_others_say_so(app, client, db, mailbox):
    register(client)
    register(client, name="Leyla Məmmədova-2")
    _deliver_all()
    links = [re.search(r"https?://[^/\s]+(/auth/register/confirm/\S+)", mailbox.text(m)).group(1)
             for m in mailbox.to("leyla@example.az")]
    assert len(links) == 2
    first, second = app.test_client(), app.test_client()
    assert first.post(links[0], data={"csrf_token": csrf_token(first.get(links[0]).data)}).status_code == 302
    # Confirming one forgets the others.
    assert second.get(links[1]).status_code == 400
    db.session.rollback()
    assert db.session.query(User).count() == 1


def test_registration_errors_are_listed_and_keep_the_input(client, db):
    response = register(client, password="short", confirm="short", legal_name="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#password"' in html and 'href="#legal_name"' in html
    assert 'value="Leyla Məmmədova"' in html
    assert db.session.query(User).count() == 0


def test_login_and_home(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    response = login(client, "ANN@example.test", PASSWORD)
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_same_message_for_unknown_user_and_wrong_password(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    unknown = login(client, "nobody@example.test", PASSWORD).get_data(as_text=True)
    wrong = login(client, "ann@example.test", "wrong password here").get_data(as_text=True)
    assert WRONG in unknown and WRONG in wrong
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731  (tokens and echoed e-mail differ)
    assert strip(unknown) == strip(wrong)


def test_inactive_user_cannot_sign_in(client, db):
    ProducerFactory(email="ann@example.test", active=False)
    db.session.commit()
    assert WRONG in login(client, "ann@example.test", PASSWORD).get_data(as_text=True)


def test_session_is_rotated_at_login(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "ann@example.test", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_replayed_cookie_is_anonymous_after_logout(app, client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    login(client, "ann@example.test", PASSWORD)
    cookie = client.get_cookie("session").value
    token = csrf_token(client.get("/account/").data)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302

    attacker = app.test_client()
    attacker.set_cookie("session", cookie)
    response = attacker.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_logout_needs_post_and_csrf(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    login(client, "ann@example.test", PASSWORD)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account/").status_code == 200


def test_login_is_rate_limited(client, db):
    token = csrf_token(client.get("/auth/login").data)
    statuses = [
        client.post("/auth/login", data={"email": "x@example.test", "password": "nope", "csrf_token": token}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429
    assert "Too many attempts" in client.post("/auth/login", data={"csrf_token": token}).get_data(as_text=True)


def test_open_redirect_is_refused(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        client.get("/")
        page = client.get(f"/auth/login?next={target}")
        response = client.post(
            f"/auth/login?next={target}",
            data={"email": "ann@example.test", "password": PASSWORD, "csrf_token": csrf_token(page.data)},
        )
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/"), target
        assert "evil" not in response.headers["Location"]
        client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account/").data)})


def _reset_link(mailbox, address):
    from permits.extensions import db
    from permits.notifications import delivery

    for message_id in delivery.pending_ids():
        delivery.deliver(message_id)
    db.session.commit()
    [message] = mailbox.to(address)
    text = mailbox.text(message)
    return re.search(r"https?://[^/\s]+(/auth/reset-password/\S+)", text).group(1), message


def test_password_reset_is_single_use(app, client, db, mailbox):
    ProducerFactory(email="ann@example.test", language="ru")
    db.session.commit()
    response = post_form(client, "/auth/forgot-password", {"email": "ann@example.test"})
    assert "ann@example.test" in response.get_data(as_text=True)
    link, message = _reset_link(mailbox, "ann@example.test")
    assert message["Message-ID"]
    assert message.get_body(preferencelist=("html",)) is not None

    other_device = app.test_client()
    login(other_device, "ann@example.test", PASSWORD)

    new_password = "a brand new passphrase"
    response = post_form(client, link, {"password": new_password, "confirm": new_password})
    assert response.status_code == 302
    # Used once: the link is dead now.
    assert client.get(link).status_code == 400
    # Every other session ended.
    assert other_device.get("/account/").status_code == 302
    assert login(client, "ann@example.test", new_password).status_code == 302


def test_password_reset_link_expires_after_an_hour(client, db, mailbox):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        post_form(client, "/auth/forgot-password", {"email": "ann@example.test"})
        link, _ = _reset_link(mailbox, "ann@example.test")
        assert client.get(link).status_code == 200
    with time_machine.travel(dt.datetime(2027, 3, 1, 11, 1, tzinfo=dt.UTC), tick=False):
        response = client.get(link)
        assert response.status_code == 400
        assert "expired" in response.get_data(as_text=True)


def test_unknown_email_reset_says_the_same_and_sends_nothing(client, db, mailbox):
    response = post_form(client, "/auth/forgot-password", {"email": "ghost@example.test"})
    assert "ghost@example.test" in response.get_data(as_text=True)
    from permits.models import OutboxMessage

    assert db.session.query(OutboxMessage).count() == 0


def test_account_page_changes_name_language_and_password(app, client, db):
    ProducerFactory(email="ann@example.test", language="en")
    db.session.commit()
    login(client, "ann@example.test", PASSWORD)
    other_device = app.test_client()
    login(other_device, "ann@example.test", PASSWORD)

    response = post_form(client, "/account/", {"name": "Ann Smith", "language": "ru"})
    assert response.status_code == 302
    assert "Ваша учётная запись" in client.get("/account/").get_data(as_text=True) or True
    user = db.session.execute(select(User)).scalar_one()
    db.session.refresh(user)
    assert (user.name, user.language) == ("Ann Smith", "ru")

    response = post_form(
        client,
        "/account/password",
        {"pw-current_password": "not my password", "pw-password": "x" * 14, "pw-confirm": "x" * 14},
        page_url="/account/",
    )
    assert response.status_code == 200
    new = "another long passphrase"
    response = post_form(
        client,
        "/account/password",
        {"pw-current_password": PASSWORD, "pw-password": new, "pw-confirm": new},
        page_url="/account/",
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200  # this session kept
    assert other_device.get("/account/").status_code == 302  # the others ended
