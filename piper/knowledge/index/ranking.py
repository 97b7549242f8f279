"""Fuse the keyword (BM25) and embedding rankings of passages into one ranking of passages.

Inputs are candidate lists of (passage id, document, score). The methods
other than ``hybrid`` exist so the benchmark can compare against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

RRF_K = 60
"""The constant of reciprocal rank fusion (Cormack et al., 2009), which damps the weight of the first ranks."""


@dataclass(frozen=True)
class Candidate:
    id: int
    document: str
    score: float


def reciprocal_rank_fusion(*rankings: list[Candidate]) -> list[Candidate]:
    """Return the passages ranked by the sum of 1 / (RRF_K + rank) over the given rankings."""
    scores: dict[int, float] = defaultdict(float)
    documents: dict[int, str] = {}
    for ranking in rankings:
        for rank, candidate in enumerate(ranking, start=1):
            scores[candidate.id] += 1.0 / (RRF_K + rank)
            documents[candidate.id] = candidate.document
    return sorted((Candidate(id_, documents[id_], score) for id_, score in scores.items()), key=lambda c: -c.score)


SEMANTIC_WEIGHT = 0.6
"""Share of the embedding score in a passage's hybrid score; the rest is the keyword score."""

DOCUMENT_WEIGHTS = (1.0, 0.25, 0.1)
"""Weights of a document's best, second and third passage scores in its document score."""


@dataclass(frozen=True)
class DocumentScore:
    document: str
    score: float
    best: int
    """Id of the document's best passage."""


def hybrid(
    keyword: list[Candidate],
    semantic: list[Candidate],
    embedded: Callable[[int], bool],
    *,
    semantic_weight: float = SEMANTIC_WEIGHT,
    document_weights: tuple[float, ...] = DOCUMENT_WEIGHTS,
) -> tuple[dict[int, float], list[DocumentScore]]:
    """Score passages by a weighted sum of normalised keyword and embedding scores, then rank documents.

    Scores are normalised instead of fused by rank, so a passage far ahead in
    one ranking keeps its lead. BM25 scores are divided by the best one;
    cosine similarities are scaled between the worst candidate (0) and the
    best (1). A passage without a vector yet (``embedded`` is false) is scored
    by keywords alone. A document scores by its best passages, so a document
    that answers in several places beats one with a single lucky passage.

    Returns the passage scores and the documents, best first.
    """
    keyword_scores = _scaled_by_max(keyword)
    semantic_scores = _min_max(semantic)
    documents = {candidate.id: candidate.document for candidate in (*keyword, *semantic)}

    passage_scores: dict[int, float] = {}
    for id_ in documents:
        if embedded(id_):
            passage_scores[id_] = semantic_weight * semantic_scores.get(id_, 0.0) + (1 - semantic_weight) * keyword_scores.get(id_, 0.0)
        else:
            passage_scores[id_] = keyword_scores.get(id_, 0.0)

    per_document: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for id_, score in passage_scores.items():
        per_document[documents[id_]].append((score, id_))

    ranked = []
    for document, scored in per_document.items():
        scored.sort(reverse=True)
        total = sum(weight * score for weight, (score, _) in zip(document_weights, scored))
        ranked.append(DocumentScore(document, total, scored[0][1]))
    ranked.sort(key=lambda item: (-item.score, item.document))
    return passage_scores, ranked


def _scaled_by_max(candidates: list[Candidate]) -> dict[int, float]:
    best = max((candidate.score for candidate in candidates), default=0.0)
    if best <= 0:
        return {}
    return {candidate.id: candidate.score / best for candidate in candidates}


def _min_max(candidates: list[Candidate]) -> dict[int, float]:
    if not candidates:
        return {}
    scores = [candidate.score for candidate in candidates]
    low, high = min(scores), max(scores)
    if high <= low:
        return {candidate.id: 1.0 for candidate in candidates}
    return {candidate.id: (candidate.score - low) / (high - low) for candidate in candidates}
