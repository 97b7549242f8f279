"""Result types of the knowledge base: progress callbacks, add and reindex outcomes, document states and search results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from piper.knowledge.discovery import SkippedFile

if TYPE_CHECKING:
    from piper.storage.repositories.documents import DocumentRecord


class IngestProgress(Protocol):
    """Receives progress of an add or a reindex; the CLI draws it as a progress bar."""

    def reading(self, total: int) -> None:
        """Called when reading ``total`` files starts."""

    def read(self, display_path: str) -> None:
        """Called after each file is read, whether it was indexed, unchanged or skipped."""

    def embedding(self, total: int) -> None:
        """Called when embedding ``total`` passages starts."""

    def embedded(self, count: int) -> None:
        """Called after each batch with the number of passages it embedded."""


class NoProgress:
    """Progress that goes nowhere, for callers that show none."""

    def reading(self, total: int) -> None:
        pass

    def read(self, display_path: str) -> None:
        pass

    def embedding(self, total: int) -> None:
        pass

    def embedded(self, count: int) -> None:
        pass


@dataclass
class AddReport:
    """Outcome of an add or a reindex for each file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    """Documents an earlier, interrupted add or rm had left half done."""

    passages: int = 0
    """Passages written by this add."""

    embedded: int = 0
    """Passages embedded by this add, including ones an earlier run left waiting."""

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"path": skip.path, "reason": skip.reason} for skip in self.skipped],
            "repaired": self.repaired,
            "passages": self.passages,
            "embedded": self.embedded,
        }


@dataclass(frozen=True)
class DocumentState:
    """A document record and what is on disk now."""

    record: DocumentRecord
    on_disk: str
    """``present``, ``modified`` (size or modification time differ from the record) or ``missing``."""

    def to_json(self) -> dict[str, Any]:
        return {**self.record.to_json(), "on_disk": self.on_disk}


@dataclass(frozen=True)
class SearchResult:
    """One passage found by a search, in the shape of ``piper docs search --json``."""

    document: str
    """The path as added."""

    title: str
    text: str
    score: float
    heading: str
    path: str
    """Absolute path of the document."""

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "title": self.title,
            "text": self.text,
            "score": round(self.score, 6),
            "location": {"heading": self.heading},
        }
