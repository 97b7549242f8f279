"""The knowledge base as the CLI and the chat use it: add, list, remove, reindex, search, ask, summarize, analyze.

Records in the SQL database store which files are indexed and at which
content hash. The :class:`~piper.knowledge.index.KnowledgeIndex` stores their
passages. The two stores cannot share a transaction, so every change to a
document's passages is bracketed by its record: ``indexing`` before the
index is touched, ``ready`` after. A record left ``indexing`` (an interrupted
``add``) and passages without a record (an interrupted ``rm``) are repaired
by the next ``add``, and search never returns passages of a document that
is not ``ready``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piper.errors import NotFoundError, UsageError
from piper.knowledge.discovery import FoundFile, SkippedFile, discover
from piper.knowledge.extract import ExtractionError, extract
from piper.knowledge.matching import best_match, records_at
from piper.knowledge.reports import AddReport, DocumentState, IngestProgress, NoProgress, SearchResult

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.knowledge.index import KnowledgeIndex
    from piper.knowledge.model import ExtractedDocument, SearchHit
    from piper.storage import Database
    from piper.storage.repositories.documents import DocumentRecord

logger = logging.getLogger(__name__)

BYTES_PER_MB = 1024 * 1024


class KnowledgeBase:
    """Documents in the SQL records and their passages in the knowledge index, kept in step."""

    def __init__(self, database: Database, settings: Settings, *, index: KnowledgeIndex | None = None) -> None:
        self.database = database
        self.settings = settings
        self._index = index

    @property
    def index(self) -> KnowledgeIndex:
        if self._index is None:
            from piper.knowledge.index import KnowledgeIndex

            self._index = KnowledgeIndex()
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()

    # --- Adding -------------------------------------------------------------------------

    async def add(
        self, arguments: list[str], *, follow_links: bool | None = None, progress: IngestProgress | None = None
    ) -> AddReport:
        """Index the files below ``arguments``; unchanged files are left alone.

        Raises:
            UsageError: for a path that does not exist.
        """
        progress = progress or NoProgress()
        settings = self.settings.documents
        found = discover(
            arguments,
            max_file_size=int(settings.max_file_size_mb * BYTES_PER_MB),
            follow_links=settings.follow_links if follow_links is None else follow_links,
        )
        report = AddReport(skipped=list(found.skipped))
        report.repaired = await self._repair()

        records = {record.path: record for record in await self.database.documents.list()}
        indexed = self.index.documents()
        progress.reading(len(found.files))
        for file in found.files:
            await self._add_file(file, records.get(str(file.path)), indexed, report)
            progress.read(file.display)

        report.embedded = self._embed(progress)
        return report

    async def _add_file(
        self, file: FoundFile, record: DocumentRecord | None, indexed: set[str], report: AddReport
    ) -> None:
        from piper.knowledge.embeddings import sha256_of

        path = str(file.path)
        try:
            digest = sha256_of(file.path)
        except OSError as error:
            report.skipped.append(SkippedFile(file.display, f"cannot read the file: {error.strerror}"))
            return
        if record is not None and record.status == "ready" and record.sha256 == digest and path in indexed:
            report.unchanged.append(file.display)
            mtime = dt.datetime.fromtimestamp(file.mtime, dt.timezone.utc)
            if record.mtime != mtime or record.size != file.size:
                # Same content with a new modification time: keep 'list' from calling it modified.
                await self.database.documents.set_file_state(path, size=file.size, mtime=mtime)
            return

        try:
            document = extract(file.path, document=path)
        except ExtractionError as error:
            report.skipped.append(SkippedFile(file.display, _reason(error)))
            return
        except OSError as error:
            report.skipped.append(SkippedFile(file.display, f"cannot read the file: {error.strerror}"))
            return

        count = await self._index_document(document, file, digest)
        if count == 0:
            report.skipped.append(SkippedFile(file.display, _no_text_reason(file.kind)))
            return
        report.passages += count
        (report.updated if record is not None else report.added).append(file.display)

    async def _index_document(self, document: ExtractedDocument, file: FoundFile, digest: str) -> int:
        """Replace the document's passages, bracketed by its record; return the passage count (0: nothing indexed)."""
        from piper.knowledge.passages import split_document

        passages = split_document(document)
        path = str(file.path)
        if not passages:
            # A file that lost all its text leaves the knowledge base rather than keeping stale passages.
            await self.database.documents.remove(path)
            self.index.remove_document(path)
            return 0

        await self.database.documents.begin_indexing(
            path,
            display_path=file.display,
            title=document.title,
            kind=document.kind,
            sha256=digest,
            size=file.size,
            mtime=dt.datetime.fromtimestamp(file.mtime, dt.timezone.utc),
        )
        metadata = {"title": document.title, "display_path": file.display, "kind": document.kind, "sha256": digest}
        self.index.add_document(path, passages, metadata=metadata)
        await self.database.documents.mark_ready(path, passage_count=len(passages))
        return len(passages)

    def _embed(self, progress: IngestProgress) -> int:
        pending = self.index.pending_count()
        if not pending:
            return 0
        progress.embedding(pending)
        return self.index.embed_pending(progress=progress.embedded)

    async def _repair(self) -> list[str]:
        """Finish what an interrupted add or rm left: re-index records not ``ready``, drop passages without a record."""
        repaired: list[str] = []
        records = await self.database.documents.list()
        known = {record.path for record in records}
        for orphan in sorted(self.index.documents() - known):
            logger.info("Removing passages of %s, which has no document record", orphan)
            self.index.remove_document(orphan)
            repaired.append(orphan)

        for record in records:
            if record.status == "ready":
                continue
            logger.info("Re-indexing %s, left half indexed by an interrupted run", record.display_path)
            repaired.append(record.display_path)
            if not await self._reindex_record(record):
                await self.database.documents.remove(record.path)
                self.index.remove_document(record.path)
        return repaired

    async def _reindex_record(self, record: DocumentRecord) -> bool:
        """Index a recorded document again from its file; return False when the file is gone or unreadable."""
        from piper.knowledge.embeddings import sha256_of

        path = Path(record.path)
        try:
            status = path.stat()
            digest = sha256_of(path)
            document = extract(path, document=record.path)
        except (OSError, ExtractionError) as error:
            logger.warning("Re-indexing %s failed: %s", record.display_path, error)
            return False
        file = FoundFile(path=path, display=record.display_path, kind=record.kind, size=status.st_size, mtime=status.st_mtime)
        return await self._index_document(document, file, digest) > 0

    # --- Listing, removing, rebuilding ---------------------------------------------------

    async def list(self) -> list[DocumentState]:
        """Return every document with its state on disk."""
        return [DocumentState(record, _disk_state(record)) for record in await self.database.documents.list()]

    async def remove(self, arguments: list[str]) -> list[str]:
        """Remove the documents at these paths, or below these folders; return their paths as added.

        A path matches a document by its absolute path or by the path as
        added, so a file already deleted from disk can still be removed.

        Raises:
            NotFoundError: when an argument matches no document; nothing is removed then.
        """
        records = await self.database.documents.list()
        chosen: dict[str, DocumentRecord] = {}
        unmatched = []
        for argument in arguments:
            matches = records_at(records, argument)
            if not matches:
                unmatched.append(argument)
            chosen.update((record.path, record) for record in matches)
        if unmatched:
            raise NotFoundError(
                f"No document in the knowledge base at {', '.join(unmatched)}.",
                hint="See the documents with 'piper docs list'.",
                details={"not_found": unmatched},
            )

        # The record goes first: passages left by an interruption have no record, so search
        # ignores them and the next add deletes them.
        for record in chosen.values():
            await self.database.documents.remove(record.path)
            self.index.remove_document(record.path)
        return sorted(record.display_path for record in chosen.values())

    async def reindex(self, *, progress: IngestProgress | None = None) -> AddReport:
        """Rebuild the index from the files on disk; documents whose file is gone are removed.

        Every record is marked ``indexing`` before the index is emptied, so an
        interrupted rebuild is finished by the next add.
        """
        progress = progress or NoProgress()
        report = AddReport()
        records = await self.database.documents.list()
        await self.database.documents.mark_all_indexing()
        self.index.reset()

        progress.reading(len(records))
        for record in records:
            if await self._reindex_record(record):
                report.updated.append(record.display_path)
                refreshed = await self.database.documents.get(record.path)
                report.passages += refreshed.passage_count if refreshed else 0
            else:
                await self.database.documents.remove(record.path)
                report.skipped.append(SkippedFile(record.display_path, "removed: the file is missing, unreadable or empty"))
            progress.read(record.display_path)

        report.embedded = self._embed(progress)
        return report

    # --- Reading ------------------------------------------------------------------------

    async def search(self, query: str, *, k: int | None = None, folder: str | None = None) -> list[SearchResult]:
        """Return the best passages for ``query``, best first, from ready documents (under ``folder`` if given).

        Raises:
            UsageError: for an empty query or a ``k`` below 1.
            NotFoundError: when ``folder`` contains no document of the knowledge base.
        """
        if not query.strip():
            raise UsageError("The search query is empty.", hint="Give the words to search for, in quotes.")
        limit = k if k is not None else self.settings.documents.search_results
        if limit < 1:
            raise UsageError(f"-k must be at least 1, got {limit}.")

        records = {record.path: record for record in await self.database.documents.list()}
        ready = {path: record for path, record in records.items() if record.status == "ready"}
        if not ready:
            return []
        # Passages of documents not ready (or without a record) may take places in the ranking; ask for enough.
        hidden = len(self.index.documents() - set(ready))
        scope = os.path.abspath(folder) if folder is not None else None
        if scope is not None and not any(path == scope or path.startswith(os.path.join(scope, "")) for path in ready):
            raise NotFoundError(
                f"No document in the knowledge base is in the folder {folder} ({scope}).",
                hint="Give a folder that 'piper docs list' shows documents in, relative to the current folder or absolute.",
            )
        hits: list[SearchHit] = self.index.search(query, k=limit + (limit if hidden else 0), folder=scope)

        results = []
        for hit in hits:
            record = ready.get(hit.passage.document)
            if record is None:
                continue
            passage = hit.passage
            results.append(SearchResult(record.display_path, record.title, passage.text, hit.score, passage.heading, record.path))
        return results[:limit]

    async def find(self, name: str) -> DocumentRecord:
        """Return the document that ``name`` refers to: a path (as added or absolute), a file name or a title.

        Raises:
            NotFoundError: when no document matches, or several match equally well.
        """
        records = await self.database.documents.list()
        if not records:
            raise NotFoundError("The knowledge base is empty.", hint="Add documents with 'piper docs add PATH'.")
        return best_match(records, name)

    async def read(self, record: DocumentRecord) -> ExtractedDocument:
        """Extract the document's current text from its file.

        Raises:
            NotFoundError: when the file is gone.
            ExtractionError: when it can no longer be read.
        """
        path = Path(record.path)
        if not path.exists():
            raise NotFoundError(
                f"{record.display_path} is in the knowledge base but no longer on disk.",
                hint=f"Remove it with 'piper docs rm {record.display_path}'.",
            )
        return extract(path, document=record.path)

    async def analyze(self, name: str) -> dict[str, Any]:
        """Describe a document: columns and their statistics for a CSV file, its structure otherwise."""
        record = await self.find(name)
        result: dict[str, Any] = {
            "document": record.display_path,
            "title": record.title,
            "kind": record.kind,
            "size": record.size,
            "passages": record.passage_count,
        }
        if record.kind == "csv":
            from piper.knowledge.csv_analysis import analyze_csv

            if not Path(record.path).exists():
                await self.read(record)  # Raises the "no longer on disk" error.
            result.update(analyze_csv(Path(record.path)))
            return result

        document = await self.read(record)
        headings = [" > ".join(section.heading_path) for section in document.sections if section.heading_path]
        result.update(
            sections=len(document.sections),
            words=sum(len(section.text.split()) for section in document.sections),
            headings=list(dict.fromkeys(headings)),
        )
        return result


def _reason(error: ExtractionError) -> str:
    reason = error.details.get("reason")
    if reason == "encrypted":
        return "encrypted PDF (needs a password)"
    if reason == "corrupt":
        return f"cannot be parsed: {error.message.split(': ', 1)[-1]}"
    return error.message


def _disk_state(record: DocumentRecord) -> str:
    try:
        status = os.stat(record.path)
    except OSError:
        return "missing"
    modified = dt.datetime.fromtimestamp(status.st_mtime, dt.timezone.utc)
    if status.st_size != record.size or abs((modified - record.mtime).total_seconds()) > 1e-3:
        return "modified"
    return "present"


def _no_text_reason(kind: str) -> str:
    if kind == "pdf":
        return "no text found (a scanned PDF has no text layer)"
    return "no text found besides its title and headings"
