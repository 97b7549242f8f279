"""Decoding text files whose encoding nobody declared."""

from __future__ import annotations

from pathlib import Path


def read_text(path: Path) -> str:
    """Return the file's text: UTF-8 (with or without a byte order mark), else Windows-1252, else Latin-1.

    Latin-1 maps every byte, so a file always decodes. Line endings become ``\\n``.
    """
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def title_from_path(path: Path) -> str:
    """Return a readable title from a file name: ``release_notes-2.md`` gives ``release notes 2``."""
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def squeeze_blank_lines(text: str) -> str:
    """Strip trailing spaces and collapse runs of blank lines to one, keeping paragraph breaks."""
    lines = [line.rstrip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    return "\n".join(kept).strip()
