"""KnowledgeIndex: add, remove and search document passages.

Adding a document stores its passages in SQLite with their keyword terms,
in one transaction, so they are keyword-searchable as soon as
:meth:`KnowledgeIndex.add_document` returns. :meth:`KnowledgeIndex.embed_pending`
then computes vectors in bulk and writes passages and vectors to the Chroma
collection. Search fuses BM25 over all passages with exact cosine
similarity over the passages embedded so far.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from piper import paths
from piper.knowledge.index.ranking import Candidate, reciprocal_rank_fusion
from piper.knowledge.index.store import PassageStore
from piper.knowledge.model import Passage, SearchHit

if TYPE_CHECKING:
    import numpy as np

    from piper.knowledge.index.vectors import VectorCollection

STORE_FOLDER = "knowledge"

EMBED_CHUNK = 512
"""Passages embedded and committed per step of :meth:`KnowledgeIndex.embed_pending`; an interruption loses at most one step."""

KEYWORD_CANDIDATES = 200
"""BM25 matches considered per search."""

EMBEDDING_CANDIDATES = 200
"""Nearest passages by cosine similarity considered per search."""


def default_folder() -> Path:
    """Return the store folder in Piper's data dir."""
    return paths.data_dir() / STORE_FOLDER


class KnowledgeIndex:
    """Passages of documents, searchable by keywords and by meaning, stored under one folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self._store = PassageStore(self.folder)
        self._vectors: VectorCollection | None = None
        self._matrix_lock = threading.Lock()
        self._matrix_generation = -1
        self._matrix: np.ndarray | None = None
        self._matrix_ids: list[int] = []
        self._matrix_documents: list[str] = []

    def close(self) -> None:
        self._store.close()

    def _collection(self) -> VectorCollection:
        if self._vectors is None:
            from piper.knowledge.index.vectors import VectorCollection

            self._vectors = VectorCollection(self.folder)
        return self._vectors

    # Writing

    def add_document(self, document: str, passages: list[Passage], *, metadata: dict) -> None:
        """Replace a document's passages; they are keyword-searchable at once and embedded by :meth:`embed_pending`."""
        title = passages[0].title if passages else str(metadata.get("title", ""))
        self._store.replace_document(document, title, passages, metadata)

    def remove_document(self, document: str) -> None:
        """Remove a document's passages from the keyword index and the Chroma collection (no error when absent)."""
        self._store.remove_document(document)
        self._delete_stale_vectors()

    def reset(self) -> None:
        """Remove every document and passage."""
        self._store.reset()
        self._collection().reset()
        self._store.forget_stale(self._store.stale_vector_ids())

    def embed_pending(self, progress: Callable[[int], None] | None = None) -> int:
        """Embed every passage that has no vector yet and return how many were embedded.

        ``progress`` is called with the number of passages each finished batch
        held. Work is committed every :data:`EMBED_CHUNK` passages, so an
        interrupted run keeps what it finished and the next run continues.
        """
        from piper.knowledge.embeddings import shared_model
        from piper.knowledge.passages import embedding_text

        self._delete_stale_vectors()
        model = shared_model()
        done = 0
        while True:
            batch = self._store.pending(EMBED_CHUNK)
            if not batch:
                return done
            vectors = model.embed_passages([embedding_text(stored.passage) for stored in batch], progress=progress)
            ids = [stored.id for stored in batch]
            self._collection().upsert(ids, [stored.passage for stored in batch], vectors)
            self._store.set_vectors(ids, [vector.tobytes() for vector in vectors])
            done += len(batch)

    def _delete_stale_vectors(self) -> None:
        stale = self._store.stale_vector_ids()
        if stale:
            self._collection().delete(stale)
            self._store.forget_stale(stale)

    # Reading

    def documents(self) -> set[str]:
        return self._store.documents()

    def passage_count(self) -> int:
        return self._store.passage_count()

    def pending_count(self) -> int:
        """Return the number of passages not embedded yet (found by keywords only)."""
        return self._store.pending_count()

    def search(self, query: str, *, k: int = 5, folder: str | None = None) -> list[SearchHit]:
        """Return the ``k`` best passages for a query, best first, from documents under ``folder`` if given."""
        keyword = [Candidate(id_, document, score) for id_, document, score in self._store.keyword_search(query, KEYWORD_CANDIDATES)]
        semantic = self._embedding_candidates(query, EMBEDDING_CANDIDATES)
        if folder is not None:
            keyword = [candidate for candidate in keyword if _under(candidate.document, folder)]
            semantic = [candidate for candidate in semantic if _under(candidate.document, folder)]
        ranked = reciprocal_rank_fusion(keyword, semantic)[:k]
        stored = self._store.passages([candidate.id for candidate in ranked])
        return [SearchHit(stored[candidate.id].passage, candidate.score) for candidate in ranked if candidate.id in stored]

    def _embedding_candidates(self, query: str, limit: int) -> list[Candidate]:
        import numpy as np

        matrix, ids, documents = self._load_matrix()
        if matrix is None or not ids:
            return []
        from piper.knowledge.embeddings import shared_model

        similarities = matrix @ shared_model().embed_one(query)
        top = np.argsort(-similarities)[:limit]
        return [Candidate(ids[index], documents[index], float(similarities[index])) for index in top]

    def _load_matrix(self) -> tuple[np.ndarray | None, list[int], list[str]]:
        import numpy as np

        with self._matrix_lock:
            generation = self._store.generation()
            if generation != self._matrix_generation:
                ids, documents, blobs = self._store.vectors()
                self._matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1) if ids else None
                self._matrix_ids, self._matrix_documents = ids, documents
                self._matrix_generation = generation
            return self._matrix, self._matrix_ids, self._matrix_documents


def _under(document: str, folder: str) -> bool:
    """Return whether a document path lies in a folder (or is that path)."""
    prefix = folder.rstrip("/\\")
    return document == prefix or document.startswith(prefix + "/") or document.startswith(prefix + "\\")
