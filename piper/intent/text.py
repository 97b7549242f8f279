"""Text clean-up shared by the rules and the embedding classifier."""

from __future__ import annotations

import re

_GREETING_PREFIX = re.compile(
    r"^\s*(?:(?:hi|hello|hey|hiya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening)|morning)"
    r"(?:\s+there)?(?:\s+piper)?)\s*[!,.:;\-]*\s+(?=\S)",
    re.IGNORECASE,
)
_POLITE_PREFIX = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|um+|uh+|please|pls|piper)\s*[,!.]?\s+)+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_REQUEST_WORD = re.compile(r"[^\W_]{2,}")
_ONLY_NAME = re.compile(r"^\s*piper\W*$", re.IGNORECASE)


def normalize(text: str) -> str:
    """Collapse whitespace and straighten typographic quotes."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    return _SPACES.sub(" ", text).strip()


def strip_greeting(text: str) -> str:
    """Remove a greeting or filler word in front of a request ("hi! file a bug" -> "file a bug").

    A message that is only a greeting stays as it is, because then the greeting is the request.
    """
    stripped = _GREETING_PREFIX.sub("", text, count=1)
    stripped = _POLITE_PREFIX.sub("", stripped, count=1)

    # What is left must be a request, not "piper!" or an emoticon after the greeting.
    if _REQUEST_WORD.search(stripped) and not _ONLY_NAME.match(stripped):
        return stripped
    return text
