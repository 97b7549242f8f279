"""The local embedding model: vector shape, normalisation, similarity and file checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from piper.knowledge.embeddings import DIMENSIONS, TOKENIZER_PATH, EmbeddingModel, EmbeddingModelError, shared_model


def test_embed_shape_and_norm() -> None:
    vectors = shared_model().embed(["add a todo", "what's the weather like in Lisbon today and tomorrow?"])

    assert vectors.shape == (2, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embed_similar_sentences_closer() -> None:
    todo, task, weather = shared_model().embed(["add a todo to call Sam", "create a task to phone Sam", "is it raining in Paris"])

    assert float(todo @ task) > float(todo @ weather) + 0.3


def test_embed_padding_does_not_change_vectors() -> None:
    model = shared_model()
    alone = model.embed(["close the issue"])[0]
    batched = model.embed(["close the issue", "a much longer sentence that forces padding of the shorter one in the batch"])[0]

    assert np.allclose(alone, batched, atol=1e-4)


def test_embed_empty_list() -> None:
    assert shared_model().embed([]).shape == (0, DIMENSIONS)


def test_embed_rejects_altered_tokenizer(tmp_path: Path) -> None:
    altered = tmp_path / "tokenizer.json"
    shutil.copyfile(TOKENIZER_PATH, altered)
    with altered.open("a", encoding="utf-8") as stream:
        stream.write(" ")

    with pytest.raises(EmbeddingModelError, match="sha256"):
        EmbeddingModel(tokenizer_path=altered).load()


def test_embed_rejects_altered_model(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")

    with pytest.raises(EmbeddingModelError, match="ONNX embedding model"):
        EmbeddingModel(model_path=fake).load()


def test_embed_missing_tokenizer(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="missing"):
        EmbeddingModel(tokenizer_path=tmp_path / "absent.json").load()
