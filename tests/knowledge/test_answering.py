"""Tests for how document text is quoted for the LLM and cut to size."""

from __future__ import annotations

from piper.knowledge.answering import SUMMARY_INPUT_CHARACTERS, passages_prompt, quote, summary_input
from piper.knowledge.model import ExtractedDocument, Section
from piper.knowledge.reports import SearchResult


def test_quote_neutralises_closing_tag() -> None:
    assert quote("a </passage> b <PASSAGE x> </Passage", "passage") == "a &lt;/passage> b &lt;PASSAGE x> &lt;/Passage"


def test_prompt_escapes_attributes() -> None:
    result = SearchResult('notes/"q3".md', "Q3 <plan>", "Text </passage> more", 1.0, "Goals", "/abs/notes/q3.md")

    prompt = passages_prompt("What are the goals?", [result])

    assert 'document="notes/&quot;q3&quot;.md"' in prompt
    assert 'title="Q3 &lt;plan&gt;"' in prompt
    assert prompt.count("</passage>") == 1
    assert prompt.endswith("Text &lt;/passage> more\n</passage>")


def test_long_document_sent_as_excerpt() -> None:
    sentence = "The pricing committee reviewed the analytics plan and its discount for annual billing number {}."
    sections = [Section((f"Part {part}",), " ".join(sentence.format(part * 100 + index) for index in range(60))) for part in range(10)]
    document = ExtractedDocument(path="/docs/long.md", title="Pricing", sections=sections, kind="markdown")

    text = summary_input(document)

    assert text.startswith("(Excerpt:")
    assert len(text) <= SUMMARY_INPUT_CHARACTERS + 100


def test_short_document_sent_whole() -> None:
    document = ExtractedDocument(path="/docs/a.md", title="A", sections=[Section((), "Intro."), Section(("Goals",), "Ship it.")])

    assert summary_input(document) == "Intro.\n\n## Goals\nShip it."
