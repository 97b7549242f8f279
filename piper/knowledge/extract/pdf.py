"""PDF: text per page with pypdf, under the headings of the PDF's outline (bookmarks) when it has one.

A PDF that pypdf cannot parse (damaged, truncated, not a PDF) or that needs a
password raises :class:`ExtractionError`, so ``add`` skips it with the reason.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from piper.knowledge.extract import ExtractionError
from piper.knowledge.extract.text_files import squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

logger = logging.getLogger(__name__)


def read_pdf(path: Path, document: str) -> ExtractedDocument:
    """Read the text layer of a PDF; a scanned PDF without one gives no sections."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    # pypdf logs a warning for each damage it works around; the skip reason already reports the problem.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(f"{path} is an encrypted PDF that needs a password.", details={"reason": "encrypted"})
        pages = [page.extract_text() or "" for page in reader.pages]
        outline = _outline_starts(reader)
        metadata_title = (reader.metadata.title if reader.metadata else None) or ""
    except ExtractionError:
        raise
    except FileNotDecryptedError:
        raise ExtractionError(f"{path} is an encrypted PDF that needs a password.", details={"reason": "encrypted"}) from None
    except PyPdfError as error:
        raise ExtractionError(f"{path} is not a readable PDF: {error}", details={"reason": "corrupt"}) from None
    except Exception as error:  # noqa: BLE001 - pypdf raises plain ValueError, KeyError, TypeError... on damaged files
        logger.debug("pypdf failed on %s", path, exc_info=True)
        raise ExtractionError(f"{path} is not a readable PDF: {type(error).__name__}: {error}", details={"reason": "corrupt"}) from None

    sections: list[Section] = []
    for number, page_text in enumerate(pages):
        text = squeeze_blank_lines(page_text)
        if not text:
            continue
        heading_path = _heading_at(outline, number) or (f"Page {number + 1}",)
        if sections and sections[-1].heading_path == heading_path:
            sections[-1] = Section(heading_path=heading_path, text=sections[-1].text + "\n\n" + text)
        else:
            sections.append(Section(heading_path=heading_path, text=text))

    title = " ".join(str(metadata_title).split()) or title_from_path(path)
    return ExtractedDocument(path=document, title=title, sections=sections, kind="pdf")


def _outline_starts(reader: Any) -> list[tuple[int, tuple[str, ...]]]:
    """Return (first page index, heading path) for each outline entry, ordered by page."""
    starts: list[tuple[int, tuple[str, ...]]] = []

    def walk(entries: list[Any], parents: tuple[str, ...]) -> None:
        last: tuple[str, ...] = parents
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, last)
                continue
            title = " ".join(str(getattr(entry, "title", "") or "").split())
            page = reader.get_destination_page_number(entry)
            last = parents + (title,)
            if title and page is not None and page >= 0:
                starts.append((page, last))

    try:
        walk(list(reader.outline), ())
    except Exception:  # noqa: BLE001 - a damaged outline only costs the headings, not the text
        logger.debug("Reading the outline failed", exc_info=True)
        return []
    return sorted(starts, key=lambda start: start[0])


def _heading_at(outline: list[tuple[int, tuple[str, ...]]], page: int) -> tuple[str, ...] | None:
    current = None
    for first_page, heading_path in outline:
        if first_page > page:
            break
        current = heading_path
    return current
