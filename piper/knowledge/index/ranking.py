"""Fuse the keyword (BM25) and embedding rankings of passages into one ranking of passages.

Inputs are candidate lists of (passage id, document, score). The methods
other than ``hybrid`` exist so the benchmark can compare against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

RRF_K = 60
"""The constant of reciprocal rank fusion: the larger it is, the less the first ranks outweigh the later ones."""


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

SIMILARITY_SCALE = 6.0
"""Standard deviations above the mean similarity that count as a full embedding match (score 1).

With all-MiniLM-L6-v2 on the Django documentation, the best passage for 80%
of the benchmark questions lay 4.3 to 7.2 standard deviations above the mean.
"""

# The weights above were chosen on the questions in benchmarks/docs_questions.json;
# benchmarks/README.md gives the numbers and the check against overfitting.


@dataclass(frozen=True)
class DocumentScore:
    document: str
    score: float
    best: int
    """Id of the document's best passage."""


def standardized(candidates: list[Candidate], mean: float, deviation: float) -> list[Candidate]:
    """Return embedding candidates scored by standard deviations above the mean similarity, over SIMILARITY_SCALE.

    Unlike min-max scaling over the candidates, this measures how exceptional
    a passage is among all passages, so a query that nothing matches well
    gets low scores instead of a best candidate at 1.
    """
    scale = max(deviation, 1e-6) * SIMILARITY_SCALE
    return [Candidate(candidate.id, candidate.document, (candidate.score - mean) / scale) for candidate in candidates]


def hybrid(
    keyword: list[Candidate],
    semantic: list[Candidate],
    embedded: Callable[[int], bool],
    full_match_score: float = 0.0,
    *,
    semantic_weight: float = SEMANTIC_WEIGHT,
    document_weights: tuple[float, ...] = DOCUMENT_WEIGHTS,
) -> tuple[dict[int, float], list[DocumentScore]]:
    """Score passages by a weighted sum of keyword and embedding scores, then rank documents.

    Scores are combined instead of ranks, so a passage far ahead in one
    ranking keeps its lead. ``semantic`` must come from :func:`standardized`.
    A BM25 score is divided by ``full_match_score``, the score of a passage
    matching every query term once, or by the best score if that is higher.
    An embedded passage that is not among the semantic candidates gets the
    lowest candidate's score. A passage without a vector yet (``embedded``
    is false) is scored by keywords alone. A document scores by its best
    passages, so a document that matches in several places beats one with
    a single lucky passage.

    Returns the passage scores and the documents, best first.
    """
    keyword_scores = _scaled_by_max(keyword, full_match_score)
    semantic_scores = {candidate.id: candidate.score for candidate in semantic}
    semantic_floor = min(semantic_scores.values(), default=0.0)
    documents = {candidate.id: candidate.document for candidate in (*keyword, *semantic)}

    passage_scores: dict[int, float] = {}
    for id_ in documents:
        if embedded(id_):
            semantic_score = semantic_scores.get(id_, semantic_floor)
            passage_scores[id_] = semantic_weight * semantic_score + (1 - semantic_weight) * keyword_scores.get(id_, 0.0)
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


def _scaled_by_max(candidates: list[Candidate], floor: float = 0.0) -> dict[int, float]:
    best = max(floor, max((candidate.score for candidate in candidates), default=0.0))
    if best <= 0:
        return {}
    return {candidate.id: candidate.score / best for candidate in candidates}
