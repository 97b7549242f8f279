"""KnowledgeIndex against a real SQLite file, a real Chroma store and the local model.

The fixture corpus has eight one-topic documents, so the ranking checks here
are sanity checks; benchmarks/bench_docs.py measures ranking quality.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from piper.knowledge.index import KnowledgeIndex
from piper.knowledge.model import Passage

TOPICS = {
    "ops/deploy.md": ("Deployment", "Blue-green releases", "Switch the load balancer to the new pool only after its health checks pass; roll back by switching again."),
    "ops/errors.md": ("Error codes", "PIP-4012", "PIP-4012 is raised when the upload token has expired; request a new token and retry the upload."),
    "ops/backup.md": ("Backups", "Nightly snapshots", "The database is copied to cold storage every night at two o'clock and kept for thirty days."),
    "product/pricing.md": ("Pricing", "Plans", "The team plan costs twelve dollars per seat per month, billed yearly; the free plan has three seats."),
    "product/roadmap.md": ("Roadmap", "Next quarter", "We will ship offline mode for the mobile app and single sign-on for enterprise customers."),
    "product/onboarding.md": ("Onboarding", "First week", "New hires pair with a buddy, get laptop access on day one and present a demo on Friday."),
    "api/client.md": ("Python client", "Retries", "Call configure_retry_policy(max_attempts=5) to retry idempotent requests with exponential backoff."),
    "api/auth.md": ("Authentication", "Tokens", "Send the API key in the Authorization header as a bearer token; keys can be rotated in settings."),
}


def _passages(document: str) -> list[Passage]:
    title, heading, text = TOPICS[document]
    return [Passage(document, title, f"{title} > {heading}", text, 0), Passage(document, title, title, f"More about {title.lower()}.", 1)]


def _filled(folder: Path, embed: bool = True) -> KnowledgeIndex:
    index = KnowledgeIndex(folder)
    for document in TOPICS:
        index.add_document(document, _passages(document), metadata={"kind": "markdown"})
    if embed:
        index.embed_pending()
    return index


def _documents(hits) -> list[str]:
    return [hit.passage.document for hit in hits]


def test_default_folder_is_in_data_dir(isolated_environment: Path) -> None:
    index = KnowledgeIndex()

    assert index.folder == isolated_environment / "data" / "knowledge"
    assert (index.folder / "passages.sqlite3").is_file()


def test_add_counts_and_lists(tmp_path: Path) -> None:
    index = _filled(tmp_path, embed=False)

    assert index.documents() == set(TOPICS)
    assert index.passage_count() == 2 * len(TOPICS)
    assert index.pending_count() == 2 * len(TOPICS)


def test_keyword_search_before_embedding(tmp_path: Path) -> None:
    index = _filled(tmp_path, embed=False)

    hits = index.search("what does PIP-4012 mean", k=3)

    assert _documents(hits)[0] == "ops/errors.md"
    assert hits[0].passage.heading == "Error codes > PIP-4012"
    assert "upload token has expired" in hits[0].passage.text


def test_exact_identifier_found(tmp_path: Path) -> None:
    index = _filled(tmp_path)

    assert _documents(index.search("configure_retry_policy", k=3))[0] == "api/client.md"
    assert _documents(index.search("error pip-4012", k=3))[0] == "ops/errors.md"


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("how much does it cost for a team of ten people", "product/pricing.md"),
        ("how long are copies of the data retained", "ops/backup.md"),
        ("what happens in a newcomer's first days", "product/onboarding.md"),
        ("how do we switch traffic to a new version safely", "ops/deploy.md"),
        ("what will we build next", "product/roadmap.md"),
        ("how do I prove who I am when calling the service", "api/auth.md"),
    ],
)
def test_meaning_ranks_right_document_first(tmp_path: Path, question: str, document: str) -> None:
    index = _filled(tmp_path)

    assert _documents(index.search(question, k=3))[0] == document


def test_hits_are_distinct_documents_best_first(tmp_path: Path) -> None:
    index = _filled(tmp_path)

    hits = index.search("token", k=5)

    assert len(set(_documents(hits))) == len(hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_folder_filter(tmp_path: Path) -> None:
    index = _filled(tmp_path)

    hits = index.search("token", k=5, folder="api")

    assert hits
    assert all(document.startswith("api/") for document in _documents(hits))
    assert index.search("token", k=5, folder="api/auth.md")[0].passage.document == "api/auth.md"
    assert index.search("token", k=5, folder="ap") == []


def test_search_while_embeddings_pending(tmp_path: Path) -> None:
    index = _filled(tmp_path)
    index.add_document("ops/oncall.md", [Passage("ops/oncall.md", "On-call", "Paging", "Escalate a SEV-1 incident to the duty manager within 15 minutes.", 0)], metadata={})

    assert index.pending_count() == 1
    assert _documents(index.search("SEV-1 incident escalation", k=3))[0] == "ops/oncall.md"
    assert _documents(index.search("how much does the team plan cost", k=1)) == ["product/pricing.md"]


def test_replace_document_replaces_passages(tmp_path: Path) -> None:
    index = _filled(tmp_path)
    index.add_document("ops/backup.md", [Passage("ops/backup.md", "Backups", "Weekly", "Full backups now run weekly on Sundays.", 0)], metadata={})
    index.embed_pending()

    assert index.passage_count() == 2 * len(TOPICS) - 1
    assert all("cold storage" not in hit.passage.text for hit in index.search("cold storage thirty days", k=5, distinct_documents=False))
    assert _documents(index.search("Sundays", k=1)) == ["ops/backup.md"]
    assert index._collection().count() == index.passage_count()


def test_remove_document(tmp_path: Path) -> None:
    index = _filled(tmp_path)
    index.remove_document("product/pricing.md")
    index.remove_document("not/there.md")

    assert "product/pricing.md" not in index.documents()
    assert "product/pricing.md" not in _documents(index.search("price per seat per month", k=8))
    assert index._collection().count() == index.passage_count()


def test_reset_empties_everything(tmp_path: Path) -> None:
    index = _filled(tmp_path)
    index.reset()

    assert index.documents() == set()
    assert index.passage_count() == 0
    assert index.search("token") == []
    assert index._collection().count() == 0


def test_interrupted_embedding_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import piper.knowledge.index.knowledge_index as module

    monkeypatch.setattr(module, "EMBED_CHUNK", 4)
    index = _filled(tmp_path, embed=False)
    seen = []

    def interrupt(count: int) -> None:
        seen.append(count)
        if sum(seen) > 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.embed_pending(progress=interrupt)

    assert index.pending_count() == 2 * len(TOPICS) - 4
    assert index.embed_pending() == 2 * len(TOPICS) - 4
    assert index.pending_count() == 0
    assert index._collection().count() == index.passage_count()


def test_fresh_process_reopens_store(tmp_path: Path) -> None:
    _filled(tmp_path).close()
    script = f"""
import json, chromadb
from piper.knowledge.index import KnowledgeIndex
import piper.knowledge.index.vectors  # registers the embedding function with Chroma
index = KnowledgeIndex({str(tmp_path)!r})
hits = index.search("how long are backups kept", k=1)
client = chromadb.PersistentClient(path={str(tmp_path / "chroma")!r})
collection = client.get_collection("passages")
result = collection.query(query_texts=["how long are backups kept"], n_results=1)
print(json.dumps({{"search": hits[0].passage.document, "chroma": result["metadatas"][0][0]["document"],
                  "function": collection.configuration["embedding_function"].name()}}))
"""
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)

    output = json.loads(completed.stdout.strip().splitlines()[-1])
    assert output == {"search": "ops/backup.md", "chroma": "ops/backup.md", "function": "piper-minilm-int8"}


def test_query_without_terms(tmp_path: Path) -> None:
    index = _filled(tmp_path, embed=False)

    assert index.search("the and of", k=3) == []
    assert index.search("", k=3) == []


def test_common_terms_still_match_alone(tmp_path: Path) -> None:
    index = KnowledgeIndex(tmp_path)
    for number in range(12):
        text = f"The widget service handles part {number} of the workload." + (" Pricing is per seat." if number == 7 else "")
        index.add_document(f"w{number}.md", [Passage(f"w{number}.md", f"Widget {number}", "", text, 0)], metadata={})

    assert len(index.search("widget", k=20, method="keyword")) == 12
    assert _documents(index.search("widget pricing", k=1, method="keyword")) == ["w7.md"]


def test_unknown_method_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fastest"):
        KnowledgeIndex(tmp_path).search("token", method="fastest")
