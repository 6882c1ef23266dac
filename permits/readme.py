"""Keeps the README's process diagram equal to the one the code generates."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- process-diagram:start -->"
END = "<!-- process-diagram:end -->"


def diagram_block(mermaid: str) -> str:
    return f"{START}\n```mermaid\n{mermaid}```\n{END}"


def current_block(text: str) -> str:
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end]


def write_diagram(mermaid: str, path: Path = README) -> None:
    text = path.read_text()
    path.write_text(text.replace(current_block(text), diagram_block(mermaid)))
