"""Turn text into keyword terms for the BM25 index, and queries into FTS5 match expressions.

Exact names matter in technical documents, so an identifier such as
``get_object_or_404``, ``django.db.models`` or ``QuerySet`` becomes one
whole-identifier term plus its parts (``get``, ``object``, ``404``; ``query``,
``set``). A query naming the identifier matches the rare whole term and
scores high, and a query in plain words still matches the parts. SQLite's
``porter`` tokenizer stems every term on both sides.
"""

from __future__ import annotations

import re

# Runs of word characters joined by . - : / (dotted paths, error codes such as HTTP-404, URLs' pieces).
_COMPOUND = re.compile(r"\w+(?:[.\-:/]\w+)*")
_PART_SEPARATOR = re.compile(r"[_.\-:/]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves
    i'm i've let's get got use using used want need way make""".split()
)
"""Common English words left out of the index and of queries: they match nearly every passage and rank nothing."""


def terms(text: str) -> list[str]:
    """Return the keyword terms of a text in order, lower-cased, without stop words (stemming happens in SQLite)."""
    result: list[str] = []
    for match in _COMPOUND.finditer(text):
        compound = match.group(0)
        parts = [part for part in _PART_SEPARATOR.split(compound) if part]
        if len(parts) > 1:
            result.append("_".join(parts).lower())
        for part in parts:
            pieces = [piece for piece in _CAMEL_BOUNDARY.split(part) if piece]
            if len(pieces) > 1:
                result.append(part.lower())
            result.extend(piece.lower() for piece in pieces if piece.lower() not in STOPWORDS)
    return result


def indexed_text(text: str) -> str:
    """Return a text as the space-separated terms the FTS5 column stores."""
    return " ".join(terms(text))


def match_expression(query_terms: list[str]) -> str | None:
    """Return an FTS5 expression matching any of the terms, or None when there is none."""
    if not query_terms:
        return None
    # Quoting makes each term a literal string, so words such as AND or NEAR stay plain words.
    return " OR ".join(f'"{term}"' for term in query_terms)
