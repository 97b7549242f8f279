"""Offline issue triage: severity, labels, summary and duplicate titles."""

from __future__ import annotations

import pytest

from piper.integrations.github import IssueRecord, triage
from piper.integrations.github._triage import summarize, title_similarity


def issue(number: int, title: str, body: str | None = None, labels: list[str] | None = None) -> IssueRecord:
    return IssueRecord(repository="acme/web", number=number, title=title, state="open", url=None, body=body, labels=labels or [])


@pytest.mark.parametrize(
    ("title", "body", "severity"),
    [
        ("Customer data loss after import", None, "critical"),
        ("App crashes on start", "Stack trace attached.", "high"),
        ("Wrong total in the invoice", None, "medium"),
        ("Typo on the pricing page", None, "low"),
        ("Make the header sticky", None, "medium"),
    ],
)
def test_severity_from_keywords(title: str, body: str | None, severity: str) -> None:
    assert triage(issue(1, title, body), []).severity == severity


def test_labels_skip_existing() -> None:
    result = triage(issue(1, "Export is slow and crashes", labels=["bug"]), [])

    assert result.labels == ["performance"]


def test_word_boundaries_respected() -> None:
    result = triage(issue(1, "Debugging guide for the API"), [])

    assert "bug" not in result.labels


def test_duplicates_ranked_by_similarity() -> None:
    target = issue(10, "Export to CSV fails for large reports")
    others = [
        issue(3, "Export to CSV fails for big reports"),
        issue(4, "Dark mode for settings"),
        issue(5, "CSV export fails on large reports"),
        issue(10, "Export to CSV fails for large reports"),
    ]
    result = triage(target, others)

    assert [other.number for other, _ in result.duplicates] == [5, 3]
    assert all(score >= 0.6 for _, score in result.duplicates)


def test_title_similarity_bounds() -> None:
    assert title_similarity("Same title", "same title") == 1.0
    assert title_similarity("Add dark mode", "Fix invoice totals") < 0.6


def test_summary_cuts_at_sentence() -> None:
    text = "First sentence is here. " + "Second sentence is much longer than the limit allows. " * 10
    summary = summarize(issue(1, "Title", text), max_characters=60)

    assert summary == "Title: First sentence is here."
