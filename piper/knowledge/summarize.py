"""Extractive summaries: the sentences that best represent a document, chosen without an LLM.

Each sentence is scored by three signals and the best are picked with a
redundancy penalty (maximal marginal relevance, Carbonell and Goldstein 1998):

- centrality: cosine similarity of the sentence's TF-IDF vector to the
  document's centroid, the centroid-based method of Radev et al. (2004,
  "Centroid-based summarization of multiple documents");
- position: the first sentences of a section state its topic more often;
- heading overlap: a sentence that shares words with its section heading
  or the title is on topic.

The chosen sentences are returned in document order so that they read as text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from piper.knowledge.model import ExtractedDocument

CENTRALITY_WEIGHT = 1.0
POSITION_WEIGHT = 0.35
HEADING_WEIGHT = 0.3
REDUNDANCY_WEIGHT = 0.7
"""How much similarity to an already chosen sentence lowers a candidate's score."""

MIN_WORDS = 6
MAX_WORDS = 60
"""Sentences outside this length, in words, are fragments (table rows, code) or run-ons and are not picked."""

MAX_CANDIDATES = 4000
"""Sentences scored at most, taken in document order, so a huge file costs bounded time."""

MIN_PROSE_SHARE = 0.6
"""Share of a sentence's tokens that must be plain words; code and signatures fall below it."""

_PLAIN_WORD = re.compile(r"^[\"'(]?[A-Za-z][a-z'-]*[,.;:!?\"')]*$")
_LIST_MARKER = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*|\d+")
STOP_WORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it "
    "its may more most must no not of on or our she should so such than that the their them then there these they "
    "this those to too us was we were what when where which while who why will with would you your also use used using".split()
)


@dataclass(frozen=True)
class SummarySentence:
    """A sentence chosen for a summary, with the heading of the section it comes from."""

    text: str
    heading: str
    position: int
    """Index of the sentence in the document, from 0."""


@dataclass
class _Candidate:
    text: str
    heading: str
    position: int
    rank_in_section: int
    terms: Counter[str]


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at ., ! or ? followed by space and a capital, digit or quote.

    Paragraph and line breaks inside lists also end a sentence, so a bullet
    item never runs into the next one. List markers ("-", "1.") are dropped.
    """
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)", text):
        flat = _LIST_MARKER.sub("", " ".join(block.split()))
        sentences.extend(part.strip() for part in _SENTENCE_END.split(flat) if part.strip())
    return sentences


def words(text: str) -> list[str]:
    """Return the lower-case content words of ``text``, without stop words."""
    return [word for word in (match.lower() for match in _WORD.findall(text)) if word not in STOP_WORDS and len(word) > 1]


def extractive_summary(document: ExtractedDocument, *, sentences: int = 5) -> list[SummarySentence]:
    """Pick up to ``sentences`` sentences that summarise ``document``, in document order."""
    candidates = _candidates(document, strict=True)
    if len(candidates) < sentences:
        # A short note may have too few sentences that pass the length and prose filters; take what it has.
        candidates = _candidates(document, strict=False)
    if not candidates:
        return []

    document_frequency: Counter[str] = Counter()
    for candidate in candidates:
        document_frequency.update(set(candidate.terms))
    count = len(candidates)
    idf = {term: math.log((1 + count) / (1 + frequency)) + 1.0 for term, frequency in document_frequency.items()}

    vectors = [_tfidf(candidate.terms, idf) for candidate in candidates]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    title_terms = set(words(document.title))

    base_scores = []
    for candidate, vector in zip(candidates, vectors):
        heading_terms = set(words(candidate.heading)) | title_terms
        overlap = len(heading_terms & set(candidate.terms)) / len(heading_terms) if heading_terms else 0.0
        position = 1.0 / (1.0 + candidate.rank_in_section)
        score = CENTRALITY_WEIGHT * _cosine(vector, centroid) + POSITION_WEIGHT * position + HEADING_WEIGHT * overlap
        base_scores.append(score)

    chosen: list[int] = []
    redundancy = [0.0] * count
    """Each candidate's highest similarity to a sentence chosen so far."""
    remaining = set(range(count))
    while remaining and len(chosen) < sentences:
        best = max(remaining, key=lambda index: (base_scores[index] - REDUNDANCY_WEIGHT * redundancy[index], -index))
        chosen.append(best)
        remaining.discard(best)
        for index in remaining:
            redundancy[index] = max(redundancy[index], _cosine(vectors[index], vectors[best]))

    return [
        SummarySentence(text=candidates[index].text, heading=candidates[index].heading, position=candidates[index].position)
        for index in sorted(chosen)
    ]


def _candidates(document: ExtractedDocument, *, strict: bool) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    position = 0
    for section in document.sections:
        heading = " > ".join(section.heading_path)
        rank = 0
        for sentence in split_sentences(section.text):
            position += 1
            word_count = len(sentence.split())
            terms = Counter(words(sentence))
            if not terms:
                continue
            if strict and (not MIN_WORDS <= word_count <= MAX_WORDS or not _is_prose(sentence)):
                continue
            candidates.append(_Candidate(sentence, heading, position - 1, rank, terms))
            rank += 1
            if len(candidates) >= MAX_CANDIDATES:
                return candidates
    return candidates


def _is_prose(sentence: str) -> bool:
    tokens = sentence.split()
    plain = sum(1 for token in tokens if _PLAIN_WORD.match(token))
    return plain >= MIN_PROSE_SHARE * len(tokens)


def _tfidf(terms: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {term: (1.0 + math.log(frequency)) * idf[term] for term, frequency in terms.items()}


def _cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    dot = sum(weight * right.get(term, 0.0) for term, weight in left.items())
    if dot == 0.0:
        return 0.0
    norm = math.sqrt(sum(weight * weight for weight in left.values())) * math.sqrt(sum(weight * weight for weight in right.values()))
    return dot / norm if norm else 0.0
