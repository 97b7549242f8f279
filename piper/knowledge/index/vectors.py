"""The Chroma collection that stores passages with their vectors, and the embedding function it is registered with.

Chroma's default embedding function downloads a model at run time, so the
collection is created with :class:`PiperEmbeddingFunction`, which runs the
local model in ``piper.knowledge.embeddings``. Registering it under a name
lets a new process reopen the collection without passing the function.
Piper computes vectors itself in bulk and hands them to Chroma, so the
function only runs for text queries made directly against the collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from piper.knowledge.embeddings import MODEL_ID, shared_model
from piper.knowledge.model import Passage

COLLECTION = "passages"
FOLDER_NAME = "chroma"


@register_embedding_function
class PiperEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 (int8, ONNX) run locally; never downloads anything."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's parameter name
        return list(shared_model().embed_passages(list(input)))

    @staticmethod
    def name() -> str:
        return "piper-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> PiperEmbeddingFunction:
        return PiperEmbeddingFunction()

    def default_space(self) -> str:
        return "cosine"


class VectorCollection:
    """Passages and vectors in a Chroma ``PersistentClient`` under ``<store>/chroma``."""

    def __init__(self, folder: Path) -> None:
        from chromadb.config import Settings

        self._client = chromadb.PersistentClient(path=str(folder / FOLDER_NAME), settings=Settings(anonymized_telemetry=False))
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=PiperEmbeddingFunction(), configuration={"hnsw": {"space": "cosine"}}
        )
        self._max_batch = self._client.get_max_batch_size()

    def upsert(self, ids: Sequence[int], passages: Sequence[Passage], vectors: np.ndarray) -> None:
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            self._collection.upsert(
                ids=[str(id_) for id_ in ids[start:end]],
                documents=[passage.text for passage in passages[start:end]],
                embeddings=vectors[start:end],
                metadatas=[
                    {"document": passage.document, "title": passage.title, "heading": passage.heading, "ordinal": passage.ordinal}
                    for passage in passages[start:end]
                ],
            )

    def delete(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=[str(id_) for id_ in ids[start : start + self._max_batch]])

    def count(self) -> int:
        return self._collection.count()

    def reset(self) -> None:
        self._client.delete_collection(COLLECTION)
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=PiperEmbeddingFunction(), configuration={"hnsw": {"space": "cosine"}}
        )
