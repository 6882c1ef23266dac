"""The local mailbox pages by key, newest first, and filters by recipient
and subject (it showed the newest 200 e-mails and nothing more)."""

from __future__ import annotations

import os
import re

from permits.dev import views as mailbox_views
from permits.notifications.delivery import mailbox_dir
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login


def _write(index: int, to: str, subject: str) -> None:
    path = mailbox_dir() / f"m{index:04d}.eml"
    path.write_bytes(f"To: {to}\r\nSubject: {subject}\r\nContent-Language: en\r\n\r\nBody {index}\r\n".encode())
    stamp = 1_800_000_000 + index  # a fixed, increasing moment per message: no clock involved
    os.utime(path, (stamp, stamp))


def _rows(html: str) -> list[str]:
    return re.findall(r'data-mail="(\w+)"', html)


def test_the_mailbox_pages_by_key_and_filters(app, db, client, monkeypatch):
    monkeypatch.setattr(mailbox_views, "PAGE_SIZE", 5)
    for index in range(12):
        to = "producer@example.test" if index % 3 == 0 else f"reviewer{index}@example.test"
        _write(index, to, f"Screening passed: application AZF-2027-{index:06d}" if index % 2 else f"Invoice {index}")
    admin = UserFactory(email="root@example.test", is_platform_admin=True)
    db.session.commit()
    login(client, admin.email, PASSWORD)

    first = client.get("/dev/mailbox").get_data(as_text=True)
    assert _rows(first) == ["m0011", "m0010", "m0009", "m0008", "m0007"]
    older = re.search(r'href="([^"]*before=[^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert _rows(second) == ["m0006", "m0005", "m0004", "m0003", "m0002"]
    assert 'rel="prev"' in second  # back to the newest
    third = client.get(re.search(r'href="([^"]*before=[^"]*)" rel="next"', second).group(1).replace("&amp;", "&"))
    assert _rows(third.get_data(as_text=True)) == ["m0001", "m0000"]
    assert 'rel="next"' not in third.get_data(as_text=True)

    # A new e-mail arriving meanwhile does not shift the older pages (key, not offset).
    _write(12, "late@example.test", "Late")
    assert _rows(client.get(older).get_data(as_text=True)) == ["m0006", "m0005", "m0004", "m0003", "m0002"]

    # Filters: the recipient, the subject's text (any case), and both; paging keeps them.
    by_to = client.get("/dev/mailbox?to=PRODUCER@").get_data(as_text=True)
    assert _rows(by_to) == ["m0009", "m0006", "m0003", "m0000"]
    by_subject = client.get("/dev/mailbox?subject=screening+passed").get_data(as_text=True)
    assert _rows(by_subject) == ["m0011", "m0009", "m0007", "m0005", "m0003"]
    next_page = re.search(r'href="([^"]*before=[^"]*)" rel="next"', by_subject).group(1).replace("&amp;", "&")
    assert "subject=screening" in next_page
    assert _rows(client.get(next_page).get_data(as_text=True)) == ["m0001"]
    both = client.get("/dev/mailbox?to=producer&subject=AZF").get_data(as_text=True)
    assert _rows(both) == ["m0009", "m0003"]
    none = client.get("/dev/mailbox?to=nobody").get_data(as_text=True)
    assert _rows(none) == [] and "No e-mail matches these filters." in none
    # A key that is not one is ignored (the newest page).
    assert _rows(client.get("/dev/mailbox?before=x' OR 1=1").get_data(as_text=True))[0] == "m0012"
