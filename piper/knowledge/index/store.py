"""The passage table and its BM25 keyword index, in one SQLite file in the store folder.

Each write runs in one transaction, so a document's passages and their
keyword terms appear and disappear together. A passage starts "pending"
(no vector) and keyword-searchable at once. :meth:`PassageStore.set_vectors`
stores its embedding when it has been computed. The ``generation`` counter
rises with every write so that readers, also in other processes, know when
their cached vector matrix is stale.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from piper.knowledge.index.keywords import indexed_text, match_expression, terms
from piper.knowledge.model import Passage

FILE_NAME = "passages.sqlite3"

TITLE_WEIGHT = 0.2
HEADING_WEIGHT = 0.2
BODY_WEIGHT = 1.0
"""BM25 column weights: title and heading terms count for little.

Every passage of a document repeats its title, so a heavy title weight
lifts all of them alike and pushes weak passages up. On the Django
benchmark (benchmarks/README.md) BM25 alone put the right document first
for 50% of the questions with title and heading weighted 2, and for 58%
with 0.2. The embedded text starts with title and heading, so they count
fully in the embedding score.
"""

COMMON_TERM_FRACTION = 0.3
"""Query terms in more than this share of the passages are not matched (see :meth:`PassageStore.keyword_search`)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    document TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document TEXT NOT NULL REFERENCES documents(document),
    ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL,
    text TEXT NOT NULL,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document);
CREATE INDEX IF NOT EXISTS passages_pending ON passages(id) WHERE vector IS NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS passage_terms USING fts5(
    title, heading, body, tokenize = "porter unicode61 tokenchars '_'"
);
CREATE TABLE IF NOT EXISTS stale_vectors (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', 0);
"""

# Per-connection helpers for :meth:`PassageStore.keyword_search`: a scratch table that stems a
# query with the index's tokenizer, its tokens, and the document frequency of every indexed term.
_QUERY_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms USING fts5(body, tokenize = "porter unicode61 tokenchars '_'");
CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_instances USING fts5vocab(temp, query_terms, instance);
CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_vocabulary USING fts5vocab(main, passage_terms, row);
"""


@dataclass(frozen=True)
class StoredPassage:
    """A passage with its row id, the key shared with the Chroma collection."""

    id: int
    passage: Passage


class PassageStore:
    """Passages, documents and keyword terms in ``passages.sqlite3``."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.execute("PRAGMA synchronous = NORMAL")
        self._connection.execute("PRAGMA busy_timeout = 10000")
        self._connection.executescript(_SCHEMA)
        self._connection.executescript(_QUERY_SCHEMA)

    def close(self) -> None:
        self._connection.close()

    def _write(self):
        return _Transaction(self._connection)

    def generation(self) -> int:
        return self._connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]

    def replace_document(self, document: str, title: str, passages: Sequence[Passage], metadata: dict) -> None:
        """Replace a document's passages in one transaction; old vectors are queued for deletion from Chroma."""
        with self._write() as cursor:
            self._delete(cursor, document)
            cursor.execute("INSERT INTO documents VALUES (?, ?, ?)", (document, title, json.dumps(metadata, default=str)))
            for passage in passages:
                cursor.execute(
                    "INSERT INTO passages (document, ordinal, heading, text) VALUES (?, ?, ?, ?)",
                    (document, passage.ordinal, passage.heading, passage.text),
                )
                cursor.execute(
                    "INSERT INTO passage_terms (rowid, title, heading, body) VALUES (?, ?, ?, ?)",
                    (cursor.lastrowid, indexed_text(title), indexed_text(passage.heading), indexed_text(passage.text)),
                )

    def remove_document(self, document: str) -> None:
        with self._write() as cursor:
            self._delete(cursor, document)

    def _delete(self, cursor: sqlite3.Cursor, document: str) -> None:
        cursor.execute("INSERT OR IGNORE INTO stale_vectors SELECT id FROM passages WHERE document = ? AND vector IS NOT NULL", (document,))
        cursor.execute("DELETE FROM passage_terms WHERE rowid IN (SELECT id FROM passages WHERE document = ?)", (document,))
        cursor.execute("DELETE FROM passages WHERE document = ?", (document,))
        cursor.execute("DELETE FROM documents WHERE document = ?", (document,))

    def reset(self) -> None:
        with self._write() as cursor:
            for table in ("passage_terms", "passages", "documents", "stale_vectors"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    def documents(self) -> set[str]:
        return {row[0] for row in self._connection.execute("SELECT document FROM documents")}

    def document_metadata(self, document: str) -> dict | None:
        row = self._connection.execute("SELECT metadata FROM documents WHERE document = ?", (document,)).fetchone()
        return json.loads(row[0]) if row else None

    def passage_count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM passages").fetchone()[0]

    def pending_count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM passages WHERE vector IS NULL").fetchone()[0]

    def pending(self, limit: int) -> list[StoredPassage]:
        """Return up to ``limit`` passages that have no vector yet, oldest first."""
        rows = self._connection.execute(
            f"{_SELECT_PASSAGES} WHERE p.vector IS NULL ORDER BY p.id LIMIT ?", (limit,)
        ).fetchall()
        return [_stored(row) for row in rows]

    def set_vectors(self, ids: Sequence[int], vectors: Iterable[bytes]) -> None:
        """Store the vectors of passages; ids deleted meanwhile are skipped."""
        with self._write() as cursor:
            cursor.executemany("UPDATE passages SET vector = ? WHERE id = ?", [(vector, id_) for id_, vector in zip(ids, vectors, strict=True)])

    def stale_vector_ids(self) -> list[int]:
        return [row[0] for row in self._connection.execute("SELECT id FROM stale_vectors")]

    def forget_stale(self, ids: Sequence[int]) -> None:
        with self._write() as cursor:
            cursor.executemany("DELETE FROM stale_vectors WHERE id = ?", [(id_,) for id_ in ids])

    def vectors(self) -> tuple[list[int], list[str], list[bytes]]:
        """Return ids, documents and raw float32 vectors of all embedded passages."""
        rows = self._connection.execute("SELECT id, document, vector FROM passages WHERE vector IS NOT NULL ORDER BY id").fetchall()
        return [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]

    def passages(self, ids: Sequence[int]) -> dict[int, StoredPassage]:
        if not ids:
            return {}
        placeholders = ",".join("?" * len(ids))
        rows = self._connection.execute(f"{_SELECT_PASSAGES} WHERE p.id IN ({placeholders})", list(ids)).fetchall()  # noqa: S608
        return {row[0]: _stored(row) for row in rows}

    def keyword_search(self, query: str, limit: int, folder: str | None = None) -> tuple[list[tuple[int, str, float]], float]:
        """Return (id, document, BM25 score) of the best keyword matches, best first, and the query's full-match score.

        Scores are positive. ``folder`` keeps only documents whose path is the
        folder or lies under it. Terms found in more than
        :data:`COMMON_TERM_FRACTION` of the passages are left out of the
        match, unless all terms are that common, because they hardly change
        the ranking but make SQLite score most of the passages.

        The full-match score is the BM25 score of a passage of average length
        that contains each query term once in its body: the sum of the terms'
        inverse document frequencies, computed as SQLite's FTS5 does. A term
        found in no passage counts with the highest inverse document
        frequency, because the query asks for something no passage has.
        Dividing a keyword score by it says how much of the query a passage
        matches, where dividing by the best score would make any weak match
        look perfect.
        """
        frequencies = self._document_frequencies(list(dict.fromkeys(terms(query))))
        if not frequencies:
            return [], 0.0
        total = self.passage_count()
        full_match_score = sum(max(1e-6, math.log((total - count + 0.5) / (count + 0.5))) for count in frequencies.values())

        kept = [term for term, count in frequencies.items() if 0 < count <= COMMON_TERM_FRACTION * total]
        if not kept:
            kept = [min((term for term, count in frequencies.items() if count), key=frequencies.__getitem__, default=None)]
        expression = match_expression([term for term in kept if term is not None])
        if expression is None:
            return [], full_match_score

        weights = [TITLE_WEIGHT, HEADING_WEIGHT, BODY_WEIGHT]
        if folder is None:
            # Joining passages for every matching row doubled the cost, so only the best rows are looked up.
            scored = self._connection.execute(
                "SELECT rowid, -bm25(passage_terms, ?, ?, ?) AS score FROM passage_terms WHERE passage_terms MATCH ? ORDER BY score DESC LIMIT ?",
                [*weights, expression, limit],
            ).fetchall()
            documents = self._documents_of([row[0] for row in scored])
            return [(row[0], documents[row[0]], row[1]) for row in scored if row[0] in documents], full_match_score

        prefix = folder_prefix(folder)
        rows = self._connection.execute(
            "SELECT t.rowid, p.document, -bm25(passage_terms, ?, ?, ?) AS score"
            " FROM passage_terms t JOIN passages p ON p.id = t.rowid WHERE passage_terms MATCH ?"
            " AND (p.document = ? OR substr(p.document, 1, ?) = ?) ORDER BY score DESC LIMIT ?",
            [*weights, expression, prefix, len(prefix) + 1, prefix + "/", limit],
        ).fetchall()
        return [(row[0], row[1], row[2]) for row in rows], full_match_score

    def _documents_of(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        placeholders = ",".join("?" * len(ids))
        return dict(self._connection.execute(f"SELECT id, document FROM passages WHERE id IN ({placeholders})", ids).fetchall())  # noqa: S608

    def _document_frequencies(self, query_terms: list[str]) -> dict[str, int]:
        """Return how many passages contain each term, stemming the terms with the index's own tokenizer."""
        if not query_terms:
            return {}
        self._connection.execute("INSERT INTO temp.query_terms (body) VALUES (?)", (" ".join(query_terms),))
        try:
            # Each term is one token, so a token's offset is the term's position in the list.
            stems = self._connection.execute("SELECT term, offset FROM temp.query_instances").fetchall()
        finally:
            self._connection.execute("DELETE FROM temp.query_terms")
        frequencies = {}
        for stem, offset in stems:
            row = self._connection.execute("SELECT doc FROM temp.passage_vocabulary WHERE term = ?", (stem,)).fetchone()
            frequencies[query_terms[offset]] = row[0] if row else 0
        return frequencies


def folder_prefix(folder: str) -> str:
    """Return a folder filter without trailing separators, with / as the separator."""
    return folder.replace("\\", "/").rstrip("/")


_SELECT_PASSAGES = "SELECT p.id, p.document, d.title, p.heading, p.text, p.ordinal FROM passages p JOIN documents d ON d.document = p.document"


def _stored(row: tuple) -> StoredPassage:
    return StoredPassage(row[0], Passage(document=row[1], title=row[2], heading=row[3], text=row[4], ordinal=row[5]))


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` that also bumps the generation counter; rolls back on error."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> sqlite3.Cursor:
        self._cursor = self._connection.cursor()
        self._cursor.execute("BEGIN IMMEDIATE")
        return self._cursor

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self._cursor.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            self._cursor.execute("COMMIT")
        else:
            self._cursor.execute("ROLLBACK")
