"""Tests for the extractive summary: central sentences, no repeats, document order."""

from __future__ import annotations

from piper.knowledge.model import ExtractedDocument, Section
from piper.knowledge.summarize import extractive_summary, split_sentences

DOCUMENT = ExtractedDocument(
    path="/docs/pricing.md",
    title="Pricing decision",
    kind="markdown",
    sections=[
        Section((), "We met on Monday to settle the pricing of the new analytics plan. Coffee was served in the small room."),
        Section(("Options",), (
            "The team compared a flat price for the analytics plan with a price per seat. "
            "A flat price for the analytics plan is simpler to sell to small teams. "
            "A flat price for the analytics plan is simpler to sell to small teams, said Ada again. "
            "The weather was unusually warm for March and the windows stayed open."
        )),
        Section(("Decision",), "The analytics plan will use a price per seat with a discount for annual billing of the plan."),
    ],
)


def test_split_sentences_keeps_abbreviated_code() -> None:
    assert split_sentences("Call foo.bar() first. Then stop!\n\n- one item\n- another item") == [
        "Call foo.bar() first.", "Then stop!", "one item", "another item",
    ]


def test_split_sentences_drops_list_markers() -> None:
    assert split_sentences("Goals:\n\n* Support Okta.\n2. Reduce tickets by 40%.\n• Ship in Q4.") == [
        "Goals:", "Support Okta.", "Reduce tickets by 40%.", "Ship in Q4.",
    ]


def test_central_sentences_chosen() -> None:
    chosen = [sentence.text for sentence in extractive_summary(DOCUMENT, sentences=4)]

    assert "The analytics plan will use a price per seat with a discount for annual billing of the plan." in chosen
    assert not any("weather" in text or "Coffee" in text for text in chosen)


def test_near_duplicates_not_both_chosen() -> None:
    chosen = [sentence.text for sentence in extractive_summary(DOCUMENT, sentences=3)]

    assert sum("simpler to sell" in text for text in chosen) <= 1


def test_summary_in_document_order() -> None:
    chosen = extractive_summary(DOCUMENT, sentences=4)

    assert [sentence.position for sentence in chosen] == sorted(sentence.position for sentence in chosen)
    assert chosen[-1].heading == "Decision"
