"""Offline triage of an issue: a short summary, a likely severity, suggested labels and possible duplicates.

The rules are keyword lists and title similarity, so they work without a
model; they guess, and the reply says so. The query service asks the
drafting model instead when one is configured.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from piper.integrations.github._records import IssueRecord

SEVERITIES = ("critical", "high", "medium", "low")

_SEVERITY_WORDS: dict[str, tuple[str, ...]] = {
    "critical": ("data loss", "security", "vulnerability", "outage", "production down", "all users", "cannot log in", "corrupt"),
    "high": ("crash", "crashes", "broken", "blocker", "blocks", "regression", "fails", "failing", "500", "exception", "urgent"),
    "medium": ("error", "wrong", "incorrect", "bug", "slow", "timeout", "does not work", "doesn't work"),
    "low": ("typo", "cosmetic", "docs", "documentation", "wording", "nice to have", "minor", "polish"),
}
"""Words that point to a severity, checked from critical down; the first severity with a match wins."""

_LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "bug": ("bug", "error", "crash", "broken", "fails", "failing", "exception", "wrong", "regression", "does not work", "doesn't work"),
    "enhancement": ("feature", "add support", "would be nice", "request", "improve", "allow", "option to", "proposal"),
    "documentation": ("docs", "documentation", "readme", "typo", "example"),
    "security": ("security", "vulnerability", "cve", "xss", "injection", "leak"),
    "performance": ("slow", "performance", "latency", "memory", "cpu", "timeout"),
    "question": ("how do i", "how to", "question", "is it possible"),
}

DUPLICATE_THRESHOLD = 0.6
"""Minimum title similarity (0 to 1) for an open issue to be listed as a possible duplicate."""

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset("a an and the of to in on for is are be with when not it this that from by at or as".split())


@dataclass(frozen=True, slots=True)
class Triage:
    summary: str
    severity: str
    labels: list[str]
    duplicates: list[tuple[IssueRecord, float]] = field(default_factory=list)
    """Open issues with a similar title and their similarity, most similar first."""

    method: str = "keywords"
    """``keywords`` for these rules, else the model that wrote the summary."""

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "severity": self.severity,
            "labels": list(self.labels),
            "duplicates": [{"number": issue.number, "title": issue.title, "url": issue.url, "similarity": round(score, 2)} for issue, score in self.duplicates],
            "method": self.method,
        }


def triage(issue: IssueRecord, open_issues: list[IssueRecord]) -> Triage:
    """Triage ``issue`` with keyword rules and compare its title with ``open_issues``."""
    text = f"{issue.title}\n{issue.body or ''}".lower()
    return Triage(
        summary=summarize(issue),
        severity=guess_severity(text),
        labels=suggest_labels(text, existing=issue.labels),
        duplicates=find_duplicates(issue, open_issues),
    )


def summarize(issue: IssueRecord, *, max_characters: int = 280) -> str:
    """Return the title plus the body's first sentences, cut at ``max_characters``."""
    body = " ".join((issue.body or "").split())
    body = re.sub(r"<!--.*?-->", "", body).strip()
    if not body:
        return issue.title
    sentences = re.split(r"(?<=[.!?])\s+", body)
    summary = ""
    for sentence in sentences:
        if len(summary) + len(sentence) + 1 > max_characters:
            break
        summary = f"{summary} {sentence}".strip()
    if not summary:
        summary = body[: max_characters - 1].rstrip() + "…"
    return f"{issue.title}: {summary}"


def guess_severity(text: str) -> str:
    for severity in SEVERITIES:
        if any(_contains(text, word) for word in _SEVERITY_WORDS[severity]):
            return severity
    return "medium"


def suggest_labels(text: str, *, existing: list[str]) -> list[str]:
    """Return labels whose keywords appear in ``text``, leaving out those the issue already has."""
    present = {label.lower() for label in existing}
    return [label for label, words in _LABEL_WORDS.items() if label not in present and any(_contains(text, word) for word in words)]


def find_duplicates(issue: IssueRecord, open_issues: list[IssueRecord], *, limit: int = 3) -> list[tuple[IssueRecord, float]]:
    scored = []
    for other in open_issues:
        if other.number == issue.number or other.is_pull_request:
            continue
        score = title_similarity(issue.title, other.title)
        if score >= DUPLICATE_THRESHOLD:
            scored.append((other, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].number))
    return scored[:limit]


def title_similarity(first: str, second: str) -> float:
    """Return the larger of the character similarity and the shared-word ratio of two titles (0 to 1)."""
    a, b = first.lower().strip(), second.lower().strip()
    characters = difflib.SequenceMatcher(None, a, b).ratio()
    words_a = {word for word in _WORD.findall(a) if word not in _STOP_WORDS}
    words_b = {word for word in _WORD.findall(b) if word not in _STOP_WORDS}
    shared = len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0
    return max(characters, shared)


def _contains(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
