"""The example bank: labelled messages shipped with Piper, and their cached embeddings.

Embedding the whole bank takes seconds, so the vectors are stored next to
the bank (``examples.npz``) together with the sha256 of the bank file and of
the model. When either differs, for example after editing the bank, the
vectors are recomputed once and cached under Piper's data folder.
Regenerate the shipped file with ``python -m piper.intent.bank``.
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
SHIPPED_VECTORS_PATH = Path(__file__).parent / "data" / "examples.npz"

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


def bank_fingerprint(path: Path = BANK_PATH) -> str:
    """Return the key the cached vectors must match: the bank's sha256 plus the model's."""
    from piper.knowledge.embeddings import MODEL_SHA256

    bank_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{bank_hash}:{MODEL_SHA256}"


def load_vectors(model: EmbeddingModel, examples: list[Example], path: Path = BANK_PATH) -> np.ndarray:
    """Return the embeddings of ``examples`` from the shipped file, the user cache, or the model."""
    import numpy as np

    fingerprint = bank_fingerprint(path)
    for candidate in (SHIPPED_VECTORS_PATH, _cache_path()):
        vectors = _read_vectors(candidate, fingerprint, len(examples))
        if vectors is not None:
            return vectors

    logger.info("Embedding %d bank examples because no cached vectors match the bank", len(examples))
    vectors = model.embed([mask_entities(example.text) for example in examples])
    _write_vectors(_cache_path(), fingerprint, vectors)
    return np.asarray(vectors)


def write_shipped_vectors(model: EmbeddingModel) -> Path:
    """Embed the bank and store the vectors that ship with the package."""
    examples = load_examples()
    vectors = model.embed([mask_entities(example.text) for example in examples])
    _write_vectors(SHIPPED_VECTORS_PATH, bank_fingerprint(), vectors)
    return SHIPPED_VECTORS_PATH


def _cache_path() -> Path:
    from piper.paths import data_dir

    return data_dir() / "cache" / "intent-examples.npz"


def _read_vectors(path: Path, fingerprint: str, count: int) -> np.ndarray | None:
    import numpy as np

    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["fingerprint"]) != fingerprint or stored["vectors"].shape[0] != count:
                return None
            return stored["vectors"].astype(np.float32)
    except (OSError, KeyError, ValueError) as error:
        logger.warning("Ignoring unreadable example vectors at %s: %s", path, error)
        return None


def _write_vectors(path: Path, fingerprint: str, vectors: np.ndarray) -> None:
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez(temporary, fingerprint=np.array(fingerprint), vectors=vectors.astype(np.float32))
        temporary.replace(path)
    except OSError as error:
        # A read-only data folder only costs the re-embedding on the next start.
        logger.warning("Could not cache example vectors at %s: %s", path, error)


if __name__ == "__main__":
    from piper.knowledge.embeddings import EmbeddingModel

    print(write_shipped_vectors(EmbeddingModel()))
