"""split_document: passage size, heading paths, merging of small sections and order."""

from __future__ import annotations

from piper.knowledge.embeddings import MAX_TOKENS, shared_model
from piper.knowledge.model import ExtractedDocument, Section
from piper.knowledge.passages import embedding_text, split_document

LONG_PARAGRAPH = " ".join(f"Sentence number {index} explains how the deployment pipeline copies static files." for index in range(40))


def _tokens(text: str) -> int:
    return shared_model().token_counts([text])[0]


def test_passages_fit_model_window() -> None:
    sections = [
        Section(("Guide", "Deploying"), LONG_PARAGRAPH),
        Section(("Guide", "Code"), "x = 1 " * 400),
        Section(("Guide", "Lists"), "\n\n".join(f"Item {index}: restart the worker after a change." for index in range(30))),
    ]
    passages = split_document(ExtractedDocument("guide.md", "Operations guide", sections, "markdown"))

    assert len(passages) > 6
    for passage in passages:
        assert _tokens(embedding_text(passage)) <= MAX_TOKENS


def test_long_section_splits_evenly_at_sentences() -> None:
    passages = split_document(ExtractedDocument("guide.md", "Guide", [Section(("Deploying",), LONG_PARAGRAPH)], "markdown"))
    sizes = [_tokens(passage.text) for passage in passages]

    assert len(passages) >= 2
    assert max(sizes) - min(sizes) < 40
    for passage in passages:
        assert passage.text.startswith("Sentence number")
        assert passage.text.endswith("static files.")


def test_heading_path_and_ordinals() -> None:
    sections = [
        Section((), "Text before any heading. " * 8),
        Section(("Install",), "Run the installer and accept the licence, then restart the machine. " * 3),
        Section(("Install", "On Windows"), "Use the MSI package and run it as an administrator. " * 3),
    ]
    passages = split_document(ExtractedDocument("a.md", "Setup", sections, "markdown"))

    assert [passage.heading for passage in passages] == ["", "Install", "Install > On Windows"]
    assert [passage.ordinal for passage in passages] == [0, 1, 2]
    assert all(passage.document == "a.md" and passage.title == "Setup" for passage in passages)


def test_passage_text_has_no_prefix() -> None:
    passages = split_document(ExtractedDocument("a.md", "Setup", [Section(("Install",), "Run the installer.")], "markdown"))

    assert passages[0].text == "Run the installer."
    assert embedding_text(passages[0]) == "Setup > Install\nRun the installer."


def test_empty_sections_give_no_passage() -> None:
    sections = [Section(("Reference",), "  \n "), Section(("Reference", "Options"), "The --verbose option prints every step.")]
    passages = split_document(ExtractedDocument("a.md", "Tool", sections, "markdown"))

    assert len(passages) == 1
    assert passages[0].heading == "Reference > Options"


def test_small_sibling_sections_merge() -> None:
    sections = [
        Section(("API", "get"), "Returns the value."),
        Section(("API", "set"), "Stores the value."),
        Section(("Other",), "A different part of the manual with its own long text about unrelated topics and more words."),
    ]
    passages = split_document(ExtractedDocument("a.md", "Store", sections, "markdown"))

    assert passages[0].heading == "API > get"
    assert passages[0].text == "Returns the value.\n\nset\nStores the value."
    assert passages[1].heading == "Other"


def test_document_without_text_gives_no_passages() -> None:
    assert split_document(ExtractedDocument("empty.md", "Empty", [], "markdown")) == []


def test_split_code_keeps_line_breaks() -> None:
    code = "\n".join(f"    result_{index} = compute_value(index={index}, retries=3)" for index in range(60))
    passages = split_document(ExtractedDocument("code.md", "Code", [Section(("Example",), code)], "markdown"))

    assert len(passages) > 1
    for passage in passages:
        assert passage.text.count("\n") >= 3
        assert _tokens(embedding_text(passage)) <= MAX_TOKENS
    assert "\n".join(passage.text for passage in passages).split() == code.split()
