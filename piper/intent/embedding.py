"""The local model stage: a softmax layer over the message's embedding and word features.

The layer is trained on the example bank (see :mod:`piper.intent.linear`).
Its probability for the winning action is the confidence. Text that is far
from every bank example (best cosine similarity under
``UNKNOWN_SIMILARITY``) is ``unknown`` whatever the layer predicts, because
a linear layer always picks some action, even for gibberish.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from piper.domain.intent import Action
from piper.intent.bank import TrainedBank, load_examples, load_trained_bank, mask_entities

if TYPE_CHECKING:
    from piper.knowledge.embeddings import EmbeddingModel

UNKNOWN_SIMILARITY = 0.25
"""Minimum cosine similarity to the closest bank example for a known action.

all-MiniLM-L6-v2 puts unrelated short sentences at roughly 0 to 0.3; the
value is a judgment call checked against the evaluation set, not tuned on it.
"""


@dataclass(frozen=True)
class EmbeddingResult:
    action: Action
    confidence: float
    similarity: float
    """Cosine similarity of the closest bank example, of any action."""
    runner_up: Action


class EmbeddingClassifier:
    """Classify messages with the trained bank; loads the model and weights on first use."""

    def __init__(self, model: EmbeddingModel | None = None) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._bank: TrainedBank | None = None

    def load(self) -> None:
        """Load the embedding model and the trained bank (no-op once loaded)."""
        with self._lock:
            if self._bank is not None:
                return

            from piper.knowledge.embeddings import shared_model

            model = self._model or shared_model()
            model.load()
            self._bank = load_trained_bank(model, load_examples())
            self._model = model

    def classify(self, text: str) -> EmbeddingResult:
        """Return the most probable action for ``text`` with its probability."""
        import numpy as np

        from piper.intent.linear import combine, softmax

        self.load()
        masked = mask_entities(text)
        embedding = self._model.embed([masked])
        probabilities = softmax(combine(embedding, [masked]) @ self._bank.weights + self._bank.bias)[0]
        similarity = float(np.max(self._bank.vectors @ embedding[0]))

        order = np.argsort(probabilities)[::-1]
        winner = self._bank.actions[order[0]]
        runner_up = self._bank.actions[order[1]]
        if similarity < UNKNOWN_SIMILARITY:
            return EmbeddingResult(Action.UNKNOWN, 1.0 - similarity, similarity, winner)
        return EmbeddingResult(winner, float(probabilities[order[0]]), similarity, runner_up)
