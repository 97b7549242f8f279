"""Fuse the keyword (BM25) and embedding rankings of passages into one ranking of passages.

Inputs are candidate lists of (passage id, document, score). The methods
other than ``hybrid`` exist so the benchmark can compare against them.
"""

from __future__ import annotations

from collections import defaultdict
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
