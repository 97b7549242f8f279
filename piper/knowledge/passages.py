"""Split an extracted document into passages sized for the embedding model.

all-MiniLM-L6-v2 was trained on inputs of up to 128 tokens and truncates
longer ones, so a passage plus the title and heading prefix that
:func:`embedding_text` puts in front of it should fit in 128 tokens. A
section is cut at paragraph boundaries first, then at sentences, then at
words, into pieces of even size. Sections whose text is empty (a heading
followed directly by a sub-heading) give no passage, because their heading
stays in the heading path of the passages below them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from piper.knowledge.embeddings import MAX_TOKENS, shared_model
from piper.knowledge.model import ExtractedDocument, Passage

HEADING_SEPARATOR = " > "

MAX_PREFIX_TOKENS = 32
"""Room reserved for the title and heading prefix of the embedded text.

NOTE: a longer prefix is not shortened, so the model truncates the end of
that passage's embedded text. In a sample of 2,000 passages of the Django
documentation, 37 embedded texts exceeded 128 tokens.
"""

MIN_TEXT_TOKENS = 64
"""Minimum token budget of a passage's own text, however long its prefix."""

SMALL_SECTION_TOKENS = 24
"""Sections shorter than this merge into the next section under the same parent heading when both fit."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])(\s+)(?=\S)")
_WHITESPACE = re.compile(r"(\s+)")
PARAGRAPH_SEPARATOR = "\n\n"


def heading_text(heading_path: Sequence[str]) -> str:
    """Return a heading path joined with " > "."""
    return HEADING_SEPARATOR.join(part for part in heading_path if part)


def embedding_text(passage: Passage) -> str:
    """Return the text to embed for a passage: title and heading path, then the passage.

    The prefix gives the model the document and topic of a short passage,
    which a bare paragraph often lacks.
    """
    prefix = passage.title
    if passage.heading and passage.heading != passage.title:
        prefix = f"{prefix}{HEADING_SEPARATOR}{passage.heading}" if prefix else passage.heading
    return f"{prefix}\n{passage.text}" if prefix else passage.text


def split_document(doc: ExtractedDocument, *, max_tokens: int = MAX_TOKENS) -> list[Passage]:
    """Split a document into passages in document order, numbered from 0."""
    model = shared_model()
    sections = [(tuple(part for part in section.heading_path if part), section.text.strip()) for section in doc.sections]
    sections = [(path, text) for path, text in sections if text]
    if not sections:
        return []

    counts = model.token_counts([text for _, text in sections])
    sections = _merge_small_sections(list(zip(sections, counts, strict=True)), max_tokens)

    prefixes = [embedding_text(Passage(doc.path, doc.title, heading_text(path), "", 0)) for path, _ in sections]
    prefix_counts = model.token_counts(prefixes)

    passages: list[Passage] = []
    for (path, text), prefix_tokens in zip(sections, prefix_counts, strict=True):
        # 2 tokens go to [CLS] and [SEP], counted once in the prefix already.
        budget = max(MIN_TEXT_TOKENS, max_tokens - min(prefix_tokens, MAX_PREFIX_TOKENS))
        for piece in _split_text(text, budget, model):
            passages.append(Passage(doc.path, doc.title, heading_text(path), piece, len(passages)))
    return passages


def _merge_small_sections(sections: list, max_tokens: int) -> list[tuple[tuple[str, ...], str]]:
    """Fold a very short section into the next one under the same parent heading, naming its heading inline."""
    merged: list[tuple[tuple[str, ...], str]] = []
    pending: tuple[tuple[str, ...], str, int] | None = None
    for (path, text), tokens in sections:
        if pending is not None:
            pending_path, pending_text, pending_tokens = pending
            same_parent = pending_path[:-1] == path[:-1] or pending_path == path[:-1]
            if same_parent and pending_tokens + tokens <= max_tokens - MAX_PREFIX_TOKENS:
                # The later heading goes into the text so its words stay searchable.
                inline = f"{path[-1]}\n{text}" if path and path != pending_path else text
                path, text, tokens = pending_path, f"{pending_text}\n\n{inline}", pending_tokens + tokens
            else:
                merged.append((pending_path, pending_text))
            pending = None
        if tokens < SMALL_SECTION_TOKENS:
            pending = (path, text, tokens)
        else:
            merged.append((path, text))
    if pending is not None:
        merged.append((pending[0], pending[1]))
    return merged


def _split_text(text: str, budget: int, model) -> list[str]:
    """Cut text into pieces of at most ``budget`` tokens, of even size, at the largest boundary that fits."""
    units = _units(text, budget, model)
    total = sum(tokens for _, tokens, _ in units)
    if total <= budget:
        return [text]

    # Aim for equal pieces, so a section of 1.1 budgets gives two halves instead of a full piece and a scrap.
    target = math.ceil(total / math.ceil(total / budget))
    pieces: list[str] = []
    current = ""
    current_tokens = 0
    for unit, tokens, separator in units:
        if current and (current_tokens + tokens > budget or current_tokens >= target):
            pieces.append(current)
            current, current_tokens = "", 0
        if current:
            current += separator
        current += unit
        current_tokens += tokens
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, budget: int, model) -> list[tuple[str, int, str]]:
    """Break text into paragraphs, and paragraphs over budget into sentences, then word runs.

    Each unit comes with its token count and the white space that preceded
    it, so joined units keep the line breaks of code and lists.
    """
    paragraphs = [paragraph.strip() for paragraph in _PARAGRAPH_BREAK.split(text) if paragraph.strip()]
    counts = [count - 2 for count in model.token_counts(paragraphs)]
    units: list[tuple[str, int, str]] = []
    for paragraph, tokens in zip(paragraphs, counts, strict=True):
        if tokens <= budget:
            units.append((paragraph, tokens, PARAGRAPH_SEPARATOR))
            continue
        sentences = _with_separators(_SENTENCE_END.split(paragraph))
        sentence_counts = [count - 2 for count in model.token_counts([sentence for sentence, _ in sentences])]
        pieces: list[tuple[str, int, str]] = []
        for (sentence, separator), sentence_tokens in zip(sentences, sentence_counts, strict=True):
            if sentence_tokens <= budget:
                pieces.append((sentence, sentence_tokens, separator))
            else:
                pieces.extend(_word_runs(sentence, separator, sentence_tokens, budget))
        units.append((pieces[0][0], pieces[0][1], PARAGRAPH_SEPARATOR))
        units.extend(pieces[1:])
    return units


def _with_separators(parts: list[str]) -> list[tuple[str, str]]:
    """Pair each text from ``re.split`` on a captured separator with the separator that preceded it."""
    pairs = [(parts[0], "")]
    for index in range(1, len(parts) - 1, 2):
        pairs.append((parts[index + 1], parts[index]))
    return [(text, separator) for text, separator in pairs if text]


def _word_runs(sentence: str, separator: str, tokens: int, budget: int) -> list[tuple[str, int, str]]:
    """Cut an over-long sentence (often code or a table) into runs of words of about ``budget`` tokens."""
    words = _with_separators(_WHITESPACE.split(sentence))
    # Word counts stand in for token counts here, so plan 10% more tokens than counted.
    runs = math.ceil(tokens * 1.1 / budget)
    per_run = max(1, math.ceil(len(words) / runs))
    result = []
    for start in range(0, len(words), per_run):
        run = words[start : start + per_run]
        text = run[0][0] + "".join(space + word for word, space in run[1:])
        result.append((text, min(budget, math.ceil(tokens * len(run) / len(words))), separator if start == 0 else run[0][1]))
    return result
