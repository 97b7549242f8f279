"""The example bank: labelled messages shipped with Piper, and the model trained on them.

Embedding the bank and training the softmax layer take several seconds, so
the result ships next to the bank (``intent-model.npz``), keyed by the
sha256 of the bank file, of the embedding model and the training settings.
When the key differs, for example after editing the bank, the model is
trained once and cached under Piper's data folder. Regenerate the shipped
file with ``python -m piper.intent.bank``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from piper.domain.intent import Action
from piper.errors import PiperError

if TYPE_CHECKING:
    import numpy as np

    from piper.knowledge.embeddings import EmbeddingModel

logger = logging.getLogger(__name__)

BANK_PATH = Path(__file__).parent / "data" / "examples.txt"
SHIPPED_MODEL_PATH = Path(__file__).parent / "data" / "intent-model.npz"

_HEADER = re.compile(r"^\[([a-z_]+)\]$")

_QUOTED = re.compile(r"\"[^\"]+\"|(?<![\w])'[^']+'(?![\w])")
_REPOSITORY = re.compile(r"(?<![\w./-])[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}(?![\w/])")
_ISSUE_REF = re.compile(r"#\d+\b")
_CHANNEL = re.compile(r"(?<![\w&])#[a-z][a-z0-9_-]*\b", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    text: str
    action: Action


def mask_entities(text: str) -> str:
    """Replace entity values with neutral words, so the model compares request shapes, not names.

    "comment "ship it" on #42 in acme/web" becomes "comment "it" on issue 1 in owner/repo".
    """
    text = _QUOTED.sub('"it"', text)
    text = _REPOSITORY.sub("owner/repo", text)
    text = _ISSUE_REF.sub("issue 1", text)
    return _CHANNEL.sub("#channel", text)


def load_examples(path: Path = BANK_PATH) -> list[Example]:
    """Parse the bank file: ``[action]`` headers, one example per line, ``#`` comments."""
    examples: list[Example] = []
    action: Action | None = None

    for number, raw_line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("# "):
            continue

        header = _HEADER.match(line)
        if header:
            try:
                action = Action(header.group(1))
            except ValueError:
                raise PiperError(f"{path}:{number}: unknown action [{header.group(1)}] in the example bank.") from None
            continue

        if action is None:
            raise PiperError(f"{path}:{number}: example before the first [action] header.")
        examples.append(Example(line, action))

    return examples


@dataclass(frozen=True)
class TrainedBank:
    """The bank's example vectors and the softmax layer trained on them."""

    actions: list[Action]
    """Column order of ``weights`` and ``bias``."""
    vectors: np.ndarray
    """One L2-normalised embedding per example, in bank order."""
    weights: np.ndarray
    bias: np.ndarray


def bank_fingerprint(path: Path = BANK_PATH) -> str:
    """Return the key a stored model must match: the sha256 of the bank, the embedding model and the features."""
    from piper.intent import linear
    from piper.knowledge.embeddings import MODEL_SHA256

    bank_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    settings = f"{linear.LEXICAL_DIMENSIONS}:{linear.LEXICAL_WEIGHT}:{linear.EPOCHS}:{linear.LEARNING_RATE}:{linear.L2_PENALTY}"
    return f"{bank_hash}:{MODEL_SHA256}:{settings}"


def load_trained_bank(model: EmbeddingModel, examples: list[Example], path: Path = BANK_PATH) -> TrainedBank:
    """Return the trained bank from the shipped file, the user cache, or by training it now (seconds)."""
    fingerprint = bank_fingerprint(path)
    for candidate in (SHIPPED_MODEL_PATH, _cache_path()):
        trained = _read(candidate, fingerprint, len(examples))
        if trained is not None:
            return trained

    logger.info("Training the intent model on %d bank examples because no stored model matches the bank", len(examples))
    trained = train_bank(model, examples)
    _write(_cache_path(), fingerprint, trained)
    return trained


def train_bank(model: EmbeddingModel, examples: list[Example]) -> TrainedBank:
    """Embed the examples and fit the softmax layer over them."""
    import numpy as np

    from piper.intent.linear import combine, train_softmax

    actions = list(dict.fromkeys(example.action for example in examples))
    texts = [mask_entities(example.text) for example in examples]
    vectors = model.embed(texts)
    labels = np.array([actions.index(example.action) for example in examples])
    weights, bias = train_softmax(combine(vectors, texts), labels, len(actions))
    return TrainedBank(actions, vectors, weights, bias)


def write_shipped_model(model: EmbeddingModel) -> Path:
    """Train on the bank and store the result that ships with the package."""
    _write(SHIPPED_MODEL_PATH, bank_fingerprint(), train_bank(model, load_examples()))
    return SHIPPED_MODEL_PATH


def _cache_path() -> Path:
    from piper.paths import data_dir

    return data_dir() / "cache" / "intent-model.npz"


def _read(path: Path, fingerprint: str, count: int) -> TrainedBank | None:
    import numpy as np

    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["fingerprint"]) != fingerprint or stored["vectors"].shape[0] != count:
                return None
            actions = [Action(name) for name in stored["actions"].tolist()]
            return TrainedBank(actions, stored["vectors"], stored["weights"], stored["bias"])
    except (OSError, KeyError, ValueError) as error:
        logger.warning("Ignoring unreadable intent model at %s: %s", path, error)
        return None


def _write(path: Path, fingerprint: str, trained: TrainedBank) -> None:
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez(
            temporary,
            fingerprint=np.array(fingerprint),
            actions=np.array([action.value for action in trained.actions]),
            vectors=trained.vectors.astype(np.float32),
            weights=trained.weights.astype(np.float32),
            bias=trained.bias.astype(np.float32),
        )
        temporary.replace(path)
    except OSError as error:
        # A read-only data folder only costs the training on the next start.
        logger.warning("Could not store the intent model at %s: %s", path, error)


if __name__ == "__main__":
    from piper.knowledge.embeddings import EmbeddingModel

    print(write_shipped_model(EmbeddingModel()))
