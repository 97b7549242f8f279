"""Tests for the knowledge base service: records and index kept in step through re-adds, changes, removals and crashes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from piper.config import Settings
from piper.errors import NotFoundError
from piper.knowledge.index import KnowledgeIndex
from piper.knowledge.service import KnowledgeBase
from piper.storage import Database
from tests.knowledge.pdf_files import write_text_pdf


class Crash(BaseException):
    """Stands for Ctrl-C or a killed process: not an Exception, so nothing on the way catches it."""


@pytest.fixture
async def knowledge(database: Database, tmp_path: Path) -> AsyncIterator[KnowledgeBase]:
    base = KnowledgeBase(database, Settings(), index=KnowledgeIndex(tmp_path / "store"))
    yield base
    base.close()


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "billing.md").write_text("# Billing\n\nInvoices fail with error code ERR-4012 when the card expired.\n")
    (folder / "onboarding.md").write_text("# Onboarding\n\nNew hires get a laptop and a buddy in their first week.\n")
    return folder


async def found_documents(knowledge: KnowledgeBase, query: str) -> list[str]:
    return [result.document for result in await knowledge.search(query, k=5)]


async def test_add_indexes_and_searches(knowledge: KnowledgeBase, docs: Path) -> None:
    report = await knowledge.add(["docs"])

    assert report.added == ["docs/billing.md", "docs/onboarding.md"]
    assert report.passages >= 2
    results = await knowledge.search("ERR-4012", k=1)
    assert results[0].document == "docs/billing.md"
    assert results[0].heading == "Billing"
    assert "ERR-4012" in results[0].text


async def test_unchanged_readd_does_nothing(knowledge: KnowledgeBase, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await knowledge.add(["docs"])
    before = {record.path: record.updated_at for record in await knowledge.database.documents.list()}
    writes: list[str] = []
    original = knowledge.index.add_document
    monkeypatch.setattr(knowledge.index, "add_document", lambda document, *args, **kwargs: (writes.append(document), original(document, *args, **kwargs)))

    report = await knowledge.add(["docs"])

    assert report.unchanged == ["docs/billing.md", "docs/onboarding.md"]
    assert report.added == report.updated == []
    assert writes == []
    assert {record.path: record.updated_at for record in await knowledge.database.documents.list()} == before


async def test_touched_file_stays_present(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])
    os.utime(docs / "billing.md", (1_900_000_000, 1_900_000_000))
    assert {state.record.display_path: state.on_disk for state in await knowledge.list()}["docs/billing.md"] == "modified"

    report = await knowledge.add(["docs"])

    assert report.unchanged == ["docs/billing.md", "docs/onboarding.md"]
    assert {state.on_disk for state in await knowledge.list()} == {"present"}


async def test_changed_file_replaces_passages(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])
    (docs / "billing.md").write_text("# Billing\n\nRefunds take ten days and need approval from finance.\n")

    report = await knowledge.add(["docs"])

    assert report.updated == ["docs/billing.md"]
    assert report.unchanged == ["docs/onboarding.md"]
    assert not any("ERR-4012" in result.text for result in await knowledge.search("ERR-4012 card expired"))
    results = await knowledge.search("refunds approval finance", k=1)
    assert results[0].document == "docs/billing.md"
    assert "Refunds" in results[0].text


async def test_removed_file_listed_then_rm(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])
    (docs / "billing.md").unlink()

    states = {state.record.display_path: state.on_disk for state in await knowledge.list()}
    assert states == {"docs/billing.md": "missing", "docs/onboarding.md": "present"}

    removed = await knowledge.remove(["docs/billing.md"])

    assert removed == ["docs/billing.md"]
    assert [state.record.display_path for state in await knowledge.list()] == ["docs/onboarding.md"]
    assert str(docs / "billing.md") not in knowledge.index.documents()


async def test_rm_folder_and_unknown_path(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])

    with pytest.raises(NotFoundError):
        await knowledge.remove(["docs", "elsewhere.md"])
    assert len(await knowledge.list()) == 2

    assert await knowledge.remove([str(docs)]) == ["docs/billing.md", "docs/onboarding.md"]
    assert knowledge.index.documents() == set()


async def test_crash_after_index_write_repaired(knowledge: KnowledgeBase, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = knowledge.index.add_document

    def write_then_crash(document: str, passages, *, metadata) -> None:  # noqa: ANN001 - the index's signature
        original(document, passages, metadata=metadata)
        if document.endswith("onboarding.md"):
            raise Crash

    monkeypatch.setattr(knowledge.index, "add_document", write_then_crash)
    with pytest.raises(Crash):
        await knowledge.add(["docs"])
    monkeypatch.setattr(knowledge.index, "add_document", original)

    statuses = {state.record.display_path: state.record.status for state in await knowledge.list()}
    assert statuses == {"docs/billing.md": "ready", "docs/onboarding.md": "indexing"}
    assert "docs/onboarding.md" not in await found_documents(knowledge, "laptop buddy first week")

    report = await knowledge.add(["docs/billing.md"])

    assert report.repaired == ["docs/onboarding.md"]
    assert {state.record.status for state in await knowledge.list()} == {"ready"}
    assert (await knowledge.search("laptop buddy first week", k=1))[0].document == "docs/onboarding.md"


async def test_crash_before_index_write_repaired(knowledge: KnowledgeBase, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = knowledge.index.add_document

    def crash(document: str, passages, *, metadata) -> None:  # noqa: ANN001 - the index's signature
        raise Crash

    monkeypatch.setattr(knowledge.index, "add_document", crash)
    with pytest.raises(Crash):
        await knowledge.add(["docs/billing.md"])
    monkeypatch.setattr(knowledge.index, "add_document", original)
    assert [state.record.status for state in await knowledge.list()] == ["indexing"]

    report = await knowledge.add(["docs/billing.md"])

    assert report.repaired == ["docs/billing.md"]
    assert report.unchanged == ["docs/billing.md"]
    assert (await knowledge.search("ERR-4012", k=1))[0].document == "docs/billing.md"


class StopDuringEmbedding:
    def reading(self, total: int) -> None:
        pass

    def read(self, display_path: str) -> None:
        pass

    def embedding(self, total: int) -> None:
        pass

    def embedded(self, count: int) -> None:
        raise Crash


async def test_stop_during_embedding_resumes(knowledge: KnowledgeBase, docs: Path) -> None:
    for number in range(40):
        (docs / f"note-{number}.md").write_text(f"# Note {number}\n\n" + "Planning details for the roadmap. " * 30)

    with pytest.raises(Crash):
        await knowledge.add(["docs"], progress=StopDuringEmbedding())

    assert {state.record.status for state in await knowledge.list()} == {"ready"}
    assert knowledge.index.pending_count() > 0
    assert (await knowledge.search("ERR-4012", k=1))[0].document == "docs/billing.md"

    report = await knowledge.add(["docs"])

    assert report.embedded > 0
    assert knowledge.index.pending_count() == 0


async def test_interrupted_rm_leaves_no_results(knowledge: KnowledgeBase, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await knowledge.add(["docs"])

    def crash(document: str) -> None:
        raise Crash

    monkeypatch.setattr(knowledge.index, "remove_document", crash)
    with pytest.raises(Crash):
        await knowledge.remove(["docs/billing.md"])
    monkeypatch.undo()
    os.chdir(docs.parent)

    assert "docs/billing.md" not in await found_documents(knowledge, "ERR-4012")
    report = await knowledge.add(["docs/onboarding.md"])
    assert report.repaired == [str(docs / "billing.md")]
    assert str(docs / "billing.md") not in knowledge.index.documents()


async def test_reindex_rebuilds_from_files(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])
    (docs / "onboarding.md").unlink()
    knowledge.index.reset()

    report = await knowledge.reindex()

    assert report.updated == ["docs/billing.md"]
    assert [skip.path for skip in report.skipped] == ["docs/onboarding.md"]
    assert (await knowledge.search("ERR-4012", k=1))[0].document == "docs/billing.md"
    assert [state.record.display_path for state in await knowledge.list()] == ["docs/billing.md"]


async def test_corrupt_pdf_and_outside_link_skipped(knowledge: KnowledgeBase, docs: Path, tmp_path: Path) -> None:
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntruncated")
    write_text_pdf(docs / "report.pdf", [["Churn rose in March among small teams."]])
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "salaries.md").write_text("# Salaries\n\nConfidential numbers.\n")
    os.symlink(outside / "salaries.md", docs / "salaries.md")

    report = await knowledge.add(["docs"])

    reasons = {skip.path: skip.reason for skip in report.skipped}
    assert reasons["docs/broken.pdf"].startswith("cannot be parsed")
    assert "outside the folder" in reasons["docs/salaries.md"]
    assert "docs/report.pdf" in report.added
    assert "docs/salaries.md" not in await found_documents(knowledge, "confidential salaries")


async def test_heading_only_file_reason(knowledge: KnowledgeBase, docs: Path) -> None:
    (docs / "stub.md").write_text("# Stub\n\n## To do\n")

    report = await knowledge.add(["docs/stub.md"])

    assert report.added == []
    assert {skip.path: skip.reason for skip in report.skipped} == {"docs/stub.md": "no text found besides its title and headings"}


async def test_search_folder_filter(knowledge: KnowledgeBase, docs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "errors.md").write_text("# Errors\n\nERR-4012 is also listed in the error catalogue.\n")
    await knowledge.add(["docs", "other"])

    assert {result.document for result in await knowledge.search("ERR-4012", folder="other")} == {"other/errors.md"}
    assert {result.document for result in await knowledge.search("ERR-4012", k=2, folder=str(tmp_path))} == {"other/errors.md", "docs/billing.md"}


async def test_search_unknown_folder_raises(knowledge: KnowledgeBase, docs: Path, tmp_path: Path) -> None:
    await knowledge.add(["docs"])

    with pytest.raises(NotFoundError) as raised:
        await knowledge.search("ERR-4012", folder="doc")

    assert raised.value.message == f"No document in the knowledge base is in the folder doc ({tmp_path / 'doc'})."


async def test_find_by_title_and_name(knowledge: KnowledgeBase, docs: Path) -> None:
    await knowledge.add(["docs"])

    assert (await knowledge.find("Onboarding")).display_path == "docs/onboarding.md"
    assert (await knowledge.find("billing.md")).display_path == "docs/billing.md"
    with pytest.raises(NotFoundError):
        await knowledge.find("payroll")
    with pytest.raises(NotFoundError) as ambiguous:
        await knowledge.find("docs")
    assert ambiguous.value.details["candidates"] == ["docs/billing.md", "docs/onboarding.md"]


async def test_find_by_words_of_title(knowledge: KnowledgeBase, docs: Path) -> None:
    (docs / "sso.md").write_text("# Single Sign-On (SSO) PRD\n\nEnterprise customers need SSO via SAML.\n")
    await knowledge.add(["docs"])

    assert (await knowledge.find("sso prd")).display_path == "docs/sso.md"
    assert (await knowledge.find("PRD single sign-on")).display_path == "docs/sso.md"
    with pytest.raises(NotFoundError):
        await knowledge.find("sso roadmap")
