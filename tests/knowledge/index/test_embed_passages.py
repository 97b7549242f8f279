"""EmbeddingModel.embed_passages: length-sorted batches on parallel sessions give the same vectors in input order."""

from __future__ import annotations

import numpy as np

from piper.knowledge.embeddings import shared_model

TEXTS = [
    "short",
    "A much longer passage about deploying the service behind a load balancer with health checks and rollbacks. " * 3,
    "Error PIP-4012 means the upload token expired.",
    "",
    "Billing runs on the first day of each month.",
] * 7


def test_matches_plain_embedding_in_order() -> None:
    model = shared_model()

    bulk = model.embed_passages(TEXTS, sessions=2)
    plain = model.embed(TEXTS)

    assert bulk.shape == plain.shape
    assert np.allclose(bulk, plain, atol=2e-3)


def test_progress_counts_every_text() -> None:
    counts: list[int] = []

    shared_model().embed_passages(TEXTS, sessions=2, progress=counts.append)

    assert sum(counts) == len(TEXTS)
    assert len(counts) > 1


def test_empty_input() -> None:
    assert shared_model().embed_passages([]).shape == (0, 384)


def test_token_counts_not_truncated() -> None:
    short, long = shared_model().token_counts(["hello world", "word " * 300])

    assert short == 4
    assert long == 302
