"""Word (.docx): sections at paragraphs styled Title or Heading 1-9, tables as rows of text (python-docx)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from piper.knowledge.extract import ExtractionError
from piper.knowledge.extract.text_files import squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

_HEADING_STYLE = re.compile(r"^Heading\s*([1-9])$", re.IGNORECASE)


def read_docx(path: Path, document: str) -> ExtractedDocument:
    """Read a .docx file in document order: paragraphs and tables of the body."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError, ValueError) as error:
        raise ExtractionError(f"{path} is not a readable Word document: {error}", details={"reason": "corrupt"}) from None

    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    blocks: list[str] = []
    title = (word.core_properties.title or "").strip()

    def flush() -> None:
        text = squeeze_blank_lines("\n\n".join(blocks))
        if text:
            sections.append(Section(heading_path=tuple(name for _, name in stack), text=text))
        blocks.clear()

    for block in word.iter_inner_content():
        if isinstance(block, Table):
            blocks.append(_table_text(block))
            continue

        text = block.text.strip()
        if not text:
            continue
        level = _heading_level(block)
        if level is None:
            blocks.append(text)
            continue
        if level == 0:
            title = title or text
            continue
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, " ".join(text.split())))
    flush()

    return ExtractedDocument(path=document, title=title or title_from_path(path), sections=sections, kind="docx")


def _heading_level(paragraph: Any) -> int | None:
    """Return 0 for the Title style, 1-9 for Heading 1-9, None for body text."""
    style = paragraph.style.name if paragraph.style is not None else ""
    if style == "Title":
        return 0
    match = _HEADING_STYLE.match(style)
    return int(match.group(1)) if match else None


def _table_text(table: Any) -> str:
    """Render a table as one line per row, cells separated by `` | ``; merged cells appear once."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:
                cells.append(text)
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
