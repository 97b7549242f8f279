"""Nearest-example classification over the embedded example bank.

Each action scores the mean cosine similarity of its ``NEIGHBOURS`` closest
bank examples to the message. The best action wins. Its confidence is the
softmax share of its score among all actions, so a clear winner gets close
to 1 and two close candidates share it. A message that is far from every
example (best similarity under ``UNKNOWN_SIMILARITY``) is ``unknown``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from piper.domain.intent import Action
from piper.intent.bank import Example, load_examples, load_vectors, mask_entities

if TYPE_CHECKING:
    import numpy as np

    from piper.knowledge.embeddings import EmbeddingModel

NEIGHBOURS = 2
TEMPERATURE = 0.03
"""Softmax temperature over per-action cosine scores; lower makes confidences sharper."""

UNKNOWN_SIMILARITY = 0.38
"""Below this best cosine similarity the message resembles no example well enough to act on.

Chosen from the evaluation set; all-MiniLM-L6-v2 puts unrelated short
sentences at roughly 0 to 0.3 cosine.
"""


@dataclass(frozen=True)
class EmbeddingResult:
    action: Action
    confidence: float
    similarity: float
    """Cosine similarity of the closest example of the winning action."""
    runner_up: Action | None


class EmbeddingClassifier:
    """Classify messages by their nearest labelled examples; loads the model and vectors on first use."""

    def __init__(self, model: EmbeddingModel | None = None) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._examples: list[Example] | None = None
        self._vectors: np.ndarray | None = None
        self._action_index: dict[Action, np.ndarray] = {}

    def load(self) -> None:
        """Load the embedding model and the bank vectors (no-op once loaded)."""
        with self._lock:
            if self._vectors is not None:
                return

            import numpy as np

            from piper.knowledge.embeddings import shared_model

            model = self._model or shared_model()
            model.load()
            examples = load_examples()
            vectors = load_vectors(model, examples)

            labels = [example.action for example in examples]
            self._action_index = {
                action: np.array([i for i, label in enumerate(labels) if label is action]) for action in dict.fromkeys(labels)
            }
            self._model = model
            self._examples = examples
            self._vectors = vectors

    def classify(self, text: str) -> EmbeddingResult:
        """Return the best action for ``text`` with its confidence."""
        import numpy as np

        self.load()
        query = self._model.embed_one(mask_entities(text))
        similarities = self._vectors @ query

        actions = list(self._action_index)
        scores = np.empty(len(actions), dtype=np.float32)
        best_similarity = np.empty(len(actions), dtype=np.float32)
        for position, action in enumerate(actions):
            own = similarities[self._action_index[action]]
            top = np.sort(own)[-NEIGHBOURS:]
            scores[position] = top.mean()
            best_similarity[position] = top[-1]

        order = np.argsort(scores)[::-1]
        weights = np.exp((scores - scores[order[0]]) / TEMPERATURE)
        confidence = float(weights[order[0]] / weights.sum())
        winner = actions[order[0]]
        similarity = float(best_similarity[order[0]])

        if similarity < UNKNOWN_SIMILARITY and winner is not Action.UNKNOWN:
            return EmbeddingResult(Action.UNKNOWN, 1.0 - similarity, similarity, winner)
        return EmbeddingResult(winner, confidence, similarity, actions[order[1]])
