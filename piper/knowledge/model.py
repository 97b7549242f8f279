"""Data passed between knowledge-base extraction, passage splitting and the search index."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, in document order.

    ``heading_path`` lists the enclosing headings from the outermost down;
    it is empty for text before the first heading.
    """

    heading_path: tuple[str, ...]
    text: str


@dataclass
class ExtractedDocument:
    """The readable text of one file, split into sections by its structure.

    ``path`` is the document's identity in the index (the path as added);
    ``kind`` names the format (``markdown``, ``rst``, ``text``, ``html``,
    ``pdf``, ``docx``, ``csv``).
    """

    path: str
    title: str
    sections: list[Section] = field(default_factory=list)
    kind: str = "text"


@dataclass(frozen=True)
class Passage:
    """A search unit: a piece of one document sized for the embedding model.

    ``heading`` is the heading path joined with " > "; ``ordinal`` is the
    passage's position within its document, starting at 0.
    """

    document: str
    title: str
    heading: str
    text: str
    ordinal: int


@dataclass(frozen=True)
class SearchHit:
    """A passage returned by a search, with its relevance score (higher is better)."""

    passage: Passage
    score: float
