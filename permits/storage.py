"""File storage behind one small interface.

Files are stored under random names outside the static folder; the database
keeps the original name and content type. ``LocalStorage`` is the default; an
S3-compatible backend only has to implement the same five methods.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app


class Storage(Protocol):
    def save(self, stream: BinaryIO) -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def stored(self) -> Iterator[tuple[str, dt.datetime]]: ...


KEY_CHARACTERS = frozenset("0123456789abcdef")


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        # Keys are ours (hex); anything else is refused rather than resolved.
        if not key or not all(c in KEY_CHARACTERS for c in key):
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def save(self, stream: BinaryIO) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            while chunk := stream.read(64 * 1024):
                out.write(chunk)
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except ValueError:
            return False

    def stored(self) -> Iterator[tuple[str, dt.datetime]]:
        """Every stored key with the time it was written (UTC)."""
        for folder in self.root.iterdir():
            if not (folder.is_dir() and len(folder.name) == 2 and set(folder.name) <= KEY_CHARACTERS):
                continue
            for path in folder.iterdir():
                if path.is_file() and path.name.startswith(folder.name) and set(path.name) <= KEY_CHARACTERS:
                    yield path.name, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def init_storage(app: Flask) -> None:
    app.extensions["storage"] = LocalStorage(app.config["UPLOAD_DIR"])


def storage() -> Storage:
    return current_app.extensions["storage"]
