"""Turning files into :class:`~piper.knowledge.model.ExtractedDocument`: one reader per format.

Each reader keeps the file's structure (headings, sections) so that passages
carry their heading path. Libraries a format needs (docutils, pypdf,
python-docx) are imported by its reader, only when a file of that kind is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from piper.errors import PiperError

if TYPE_CHECKING:
    from piper.knowledge.model import ExtractedDocument

KINDS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".rst": "rst",
    ".rest": "rst",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".csv": "csv",
    ".tsv": "csv",  # The CSV reader detects the tab delimiter.
}
"""File extension (lower case) to document kind."""

BINARY_KINDS = frozenset({"pdf", "docx"})
"""Kinds whose files are binary by design, so the NUL-byte check for binary files does not apply to them."""


class ExtractionError(PiperError):
    """A file that cannot be read as its kind: corrupt, encrypted or not what its extension says."""


def kind_of(path: Path) -> str | None:
    """Return the document kind for ``path``'s extension, or None for a format Piper does not read."""
    return KINDS.get(path.suffix.lower())


def extract(path: Path, *, document: str | None = None) -> ExtractedDocument:
    """Read ``path`` into sections by its format.

    Args:
        path: The file to read.
        document: The document's identity in the index; defaults to ``str(path)``.

    Raises:
        ExtractionError: for an unsupported extension or a file that cannot be parsed.
    """
    kind = kind_of(path)
    if kind is None:
        raise ExtractionError(f"{path} has the unsupported extension {path.suffix or '(none)'!r}.")

    reader = _reader(kind)
    return reader(path, document or str(path))


def _reader(kind: str) -> Callable[[Path, str], ExtractedDocument]:
    if kind == "markdown":
        from piper.knowledge.extract.markdown import read_markdown

        return read_markdown
    if kind == "rst":
        from piper.knowledge.extract.restructuredtext import read_rst

        return read_rst
    if kind == "text":
        from piper.knowledge.extract.plain_text import read_plain_text

        return read_plain_text
    if kind == "html":
        from piper.knowledge.extract.html_page import read_html

        return read_html
    if kind == "pdf":
        from piper.knowledge.extract.pdf import read_pdf

        return read_pdf
    if kind == "docx":
        from piper.knowledge.extract.word import read_docx

        return read_docx
    from piper.knowledge.extract.csv_table import read_csv

    return read_csv
