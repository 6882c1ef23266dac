"""Housekeeping run by beat: stored files that nothing refers to any more.

A document removed from the production passport and attached to no
application is deleted; so is any stored file that no row names (a deleted
document's, an upload whose transaction rolled back) once it is older than
``FILE_GRACE``: an upload is stored a moment before its row commits, so
younger files are left alone.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select

from permits.extensions import db
from permits.models import ApplicationDocument, Document, LocationPhoto, PermitVersion, utcnow
from permits.storage import storage

log = logging.getLogger(__name__)

FILE_GRACE = dt.timedelta(hours=1)


def _unused():
    attached = select(ApplicationDocument.id).where(ApplicationDocument.document_id == Document.id).exists()
    return (Document.in_passport.is_(False), ~attached)


def delete_unused_documents() -> int:
    """Documents out of the passport and on no application; flushes, the caller commits.
    The conditions are repeated in the DELETE, so a document attached meanwhile stays."""
    ids = db.session.execute(select(Document.id).where(*_unused())).scalars().all()
    if not ids:
        return 0
    result = db.session.execute(
        delete(Document).where(Document.id.in_(ids), *_unused()).execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def referenced_keys() -> set[str]:
    keys: set[str] = set()
    for column in (Document.storage_key, LocationPhoto.storage_key, PermitVersion.storage_key):
        keys.update(db.session.execute(select(column).where(column != "")).scalars())
    return keys


def delete_unreferenced_files(now: dt.datetime | None = None) -> int:
    """The stored files no row names and older than FILE_GRACE (run after the
    documents' deletion is committed: a failure then leaves a file without a
    row, collected next time, never a row without its file)."""
    now = now or utcnow()
    keep = referenced_keys()
    store = storage()
    deleted = 0
    for key, written_at in list(store.stored()):
        if key in keep or written_at > now - FILE_GRACE:
            continue
        store.delete(key)
        deleted += 1
    if deleted:
        log.info("Deleted %d stored file(s) that nothing refers to", deleted)
    return deleted
