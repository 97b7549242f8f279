"""Plain text: paragraphs under the file's title, or reStructuredText when the file is written in it.

Many ``.txt`` files are reStructuredText (Django's documentation, the
Python PEPs). A heading underlined with a row of punctuation as long as the
heading marks such a file, and the rst reader reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

from piper.knowledge.extract.text_files import read_text, squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

_ADORNMENT_CHARACTERS = "=-~^\"'`#*+:.<>_"
_UNDERLINED_HEADING = re.compile(
    r"^(?P<heading>[^\s].*[^\s]|[^\s])\n(?P<line>([" + re.escape(_ADORNMENT_CHARACTERS) + r"])\3+)$", re.MULTILINE
)
MAX_TITLE_LENGTH = 120
"""A first line longer than this, in characters, is prose rather than a title."""


def looks_like_rst(text: str) -> bool:
    """Return True when ``text`` has a heading underlined with punctuation at least as long as the heading."""
    for match in _UNDERLINED_HEADING.finditer(text):
        heading = match.group("heading")
        if len(match.group("line")) >= len(heading) >= 2 and not set(heading) <= set(_ADORNMENT_CHARACTERS):
            return True
    return False


def read_plain_text(path: Path, document: str) -> ExtractedDocument:
    """Read a text file; the first short line becomes the title when it is a paragraph of its own and no sentence."""
    text = read_text(path)
    if looks_like_rst(text):
        from piper.knowledge.extract.restructuredtext import read_rst

        return read_rst(path, document)

    body = squeeze_blank_lines(text)
    title = title_from_path(path)
    first_paragraph, _, rest = body.partition("\n\n")
    # A first line ending in a full stop is a sentence of the body, not a title.
    is_title = "\n" not in first_paragraph and len(first_paragraph) <= MAX_TITLE_LENGTH and not first_paragraph.rstrip().endswith(".")
    if first_paragraph and is_title and rest:
        title = first_paragraph.strip()
        body = rest
    sections = [Section(heading_path=(), text=body)] if body else []
    return ExtractedDocument(path=document, title=title, sections=sections, kind="text")
