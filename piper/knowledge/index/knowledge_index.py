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
from piper.knowledge.index import ranking
from piper.knowledge.index.ranking import Candidate
from piper.knowledge.index.store import PassageStore, folder_prefix
from piper.knowledge.model import Passage, SearchHit

if TYPE_CHECKING:
    import numpy as np

    from piper.knowledge.index.vectors import VectorCollection

STORE_FOLDER = "knowledge"

EMBED_CHUNK = 512
"""Passages embedded and committed per step of :meth:`KnowledgeIndex.embed_pending`; an interruption loses at most one step."""

KEYWORD_CANDIDATES = 1000
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
        self._matrix_id_set: frozenset[int] = frozenset()

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

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        folder: str | None = None,
        distinct_documents: bool = True,
        method: str = "hybrid",
    ) -> list[SearchHit]:
        """Return the ``k`` best passages for a query, best first.

        ``folder`` keeps only documents whose path is that folder or lies under
        it. With ``distinct_documents`` each document appears once, with its
        best passage and the document's score. ``method`` picks the ranking:
        ``hybrid`` (the default, see :func:`ranking.hybrid`), ``rrf``,
        ``keyword`` or ``embedding``; the last three are there for comparison.
        """
        if method not in METHODS:
            raise ValueError(f"Unknown ranking method {method!r}; use one of {', '.join(METHODS)}.")
        keyword: list[Candidate] = []
        semantic: list[Candidate] = []
        full_match_score = 0.0
        if method != "embedding":
            rows, full_match_score = self._store.keyword_search(query, KEYWORD_CANDIDATES, folder)
            keyword = [Candidate(*row) for row in rows]
        if method != "keyword" and query.strip():
            semantic, mean, deviation = self._embedding_candidates(query, EMBEDDING_CANDIDATES, folder)
            if method == "hybrid":
                semantic = ranking.standardized(semantic, mean, deviation)

        if method == "hybrid":
            embedded_ids = self._matrix_id_set
            passage_scores, documents = ranking.hybrid(keyword, semantic, embedded_ids.__contains__, full_match_score)
            if distinct_documents:
                chosen = [(document.best, document.score) for document in documents[:k]]
            else:
                chosen = sorted(passage_scores.items(), key=lambda item: -item[1])[:k]
        else:
            ordered = {"rrf": lambda: ranking.reciprocal_rank_fusion(keyword, semantic), "keyword": lambda: keyword, "embedding": lambda: semantic}[method]()
            if distinct_documents:
                ordered = _first_per_document(ordered)
            chosen = [(candidate.id, candidate.score) for candidate in ordered[:k]]

        stored = self._store.passages([id_ for id_, _ in chosen])
        return [SearchHit(stored[id_].passage, score) for id_, score in chosen if id_ in stored]

    def _embedding_candidates(self, query: str, limit: int, folder: str | None) -> tuple[list[Candidate], float, float]:
        """Return the passages most similar to the query, best first, and the mean and standard deviation of all similarities."""
        import numpy as np

        from piper.knowledge.embeddings import shared_model

        matrix, ids, documents = self._load_matrix()
        if matrix is None:
            return [], 0.0, 0.0
        similarities = matrix @ shared_model().embed_one(query)
        mean, deviation = float(similarities.mean()), float(similarities.std())
        if folder is not None:
            similarities = np.where(self._folder_mask(folder), similarities, -np.inf)
        count = min(limit, len(ids))
        top = np.argpartition(-similarities, count - 1)[:count]
        top = top[np.argsort(-similarities[top])]
        candidates = [Candidate(ids[index], documents[index], float(similarities[index])) for index in top if np.isfinite(similarities[index])]
        return candidates, mean, deviation

    def _folder_mask(self, folder: str) -> np.ndarray:
        import numpy as np

        prefix = folder_prefix(folder)
        return np.array([document == prefix or document.startswith(prefix + "/") for document in self._matrix_documents], dtype=bool)

    def _load_matrix(self) -> tuple[np.ndarray | None, list[int], list[str]]:
        """Return the vectors of all embedded passages as one matrix, reloaded only when the store changed."""
        import numpy as np

        with self._matrix_lock:
            generation = self._store.generation()
            if generation != self._matrix_generation:
                ids, documents, blobs = self._store.vectors()
                self._matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1) if ids else None
                self._matrix_ids, self._matrix_documents = ids, documents
                self._matrix_id_set = frozenset(ids)
                self._matrix_generation = generation
            return self._matrix, self._matrix_ids, self._matrix_documents


METHODS = ("hybrid", "rrf", "keyword", "embedding")


def _first_per_document(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    result = []
    for candidate in candidates:
        if candidate.document not in seen:
            seen.add(candidate.document)
            result.append(candidate)
    return result
