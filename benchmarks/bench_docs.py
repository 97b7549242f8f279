"""Benchmark the knowledge base on a real reStructuredText corpus: ingestion speed, search latency and quality.

Corpus: the docs/ folder of Django's sdist, fetched once with

    pip download --no-deps --no-binary :all: django -d /tmp/corpus
    tar xzf /tmp/corpus/django-*.tar.gz -C /tmp/corpus

Usage:

    .venv/bin/python benchmarks/bench_docs.py --corpus /tmp/corpus/django-5.2.19/docs [--store DIR] [--reuse]

It reads every docs/**/*.txt file as reStructuredText with Piper's reader,
splits it into passages and ingests them into a KnowledgeIndex in --store
(a temporary folder by default), timing the keyword phase and the embedding
phase separately. --reuse skips ingestion when --store already contains the
corpus. Then it answers the questions in docs_questions.json with each
ranking method and reports how often the right document is first and in
the top five. Last it copies passages (with their vectors) until the
index contains --passages passages (20,000 by default) and times searches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piper.knowledge.extract.restructuredtext import read_rst  # noqa: E402
from piper.knowledge.index import KnowledgeIndex  # noqa: E402
from piper.knowledge.index.knowledge_index import METHODS  # noqa: E402
from piper.knowledge.model import Passage  # noqa: E402
from piper.knowledge.passages import split_document  # noqa: E402

QUESTIONS = Path(__file__).with_name("docs_questions.json")


def read_corpus(root: Path) -> list:
    documents = []
    for path in sorted(root.rglob("*.txt")):
        if path.name == "requirements.txt":
            continue
        documents.append(read_rst(path, str(path.relative_to(root))))
    return documents


def ingest(index: KnowledgeIndex, documents: list) -> dict:
    started = time.perf_counter()
    split = [(document, split_document(document)) for document in documents]
    split_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for document, passages in split:
        index.add_document(document.path, passages, metadata={"kind": document.kind})
    keyword_seconds = time.perf_counter() - started

    load_before = os.getloadavg()[0]
    cpu_before = time.process_time()
    started = time.perf_counter()
    embedded = index.embed_pending()
    embed_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_before
    return {
        "documents": len(documents),
        "passages": index.passage_count(),
        "split_seconds": round(split_seconds, 1),
        "keyword_ready_seconds": round(keyword_seconds, 1),
        "embed_seconds": round(embed_seconds, 1),
        "passages_per_second": round(embedded / embed_seconds, 1),
        "passages_per_cpu_second": round(embedded / cpu_seconds, 1),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def quality(index: KnowledgeIndex, questions: list[dict]) -> dict:
    results = {}
    for method in METHODS:
        first = top_five = 0
        misses = []
        for question in questions:
            expected = set(question["documents"])
            documents = [hit.passage.document for hit in index.search(question["question"], k=5, method=method)]
            first += bool(documents) and documents[0] in expected
            top_five += bool(expected & set(documents))
            if not expected & set(documents):
                misses.append(question["question"])
        results[method] = {
            "top1": round(100 * first / len(questions), 1),
            "top5": round(100 * top_five / len(questions), 1),
            "missed_top5": misses,
        }
    return results


def grow(index: KnowledgeIndex, target: int) -> None:
    """Copy documents, passages and vectors under copy-N/ until the index contains ``target`` passages."""
    store = index._store
    ids, documents, blobs = store.vectors()
    by_document: dict[str, list[tuple[int, bytes]]] = {}
    for id_, document, blob in zip(ids, documents, blobs, strict=True):
        by_document.setdefault(document, []).append((id_, blob))
    copy = 0
    while index.passage_count() < target:
        copy += 1
        for document, rows in by_document.items():
            if index.passage_count() >= target:
                break
            stored = store.passages([id_ for id_, _ in rows])
            name = f"copy-{copy}/{document}"
            passages = [Passage(name, stored[id_].passage.title, stored[id_].passage.heading, stored[id_].passage.text, stored[id_].passage.ordinal) for id_, _ in rows]
            store.replace_document(name, passages[0].title, passages, {})
            new = store._connection.execute("SELECT id FROM passages WHERE document = ? ORDER BY ordinal", (name,)).fetchall()
            store.set_vectors([row[0] for row in new], [blob for _, blob in rows])


def latency(index: KnowledgeIndex, questions: list[dict], rounds: int = 3) -> dict:
    started = time.perf_counter()
    index.search("warm up the model and the vector matrix")
    cold = time.perf_counter() - started
    timings: dict[str, list[float]] = {"hybrid": [], "keyword": []}
    cpu_timings: dict[str, list[float]] = {"hybrid": [], "keyword": []}
    for _ in range(rounds):
        for question in questions:
            for method in timings:
                started, cpu_started = time.perf_counter(), time.process_time()
                index.search(question["question"], k=5, method=method)
                timings[method].append((time.perf_counter() - started) * 1000)
                cpu_timings[method].append((time.process_time() - cpu_started) * 1000)
    result = {"passages": index.passage_count(), "first_search_seconds": round(cold, 2), "load_average": round(os.getloadavg()[0], 1)}
    for method, values in timings.items():
        # CPU time is what a search costs on an idle core; wall time grows with the machine's load.
        result[method] = {**_percentiles(values, "ms"), **_percentiles(cpu_timings[method], "cpu_ms")}
    return result


def _percentiles(values: list[float], unit: str) -> dict[str, float]:
    ordered = sorted(values)
    return {f"p50_{unit}": round(statistics.median(ordered), 1), f"p95_{unit}": round(ordered[int(len(ordered) * 0.95)], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the docs/ folder of an unpacked Django sdist")
    parser.add_argument("--store", type=Path, help="index folder (default: a new temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="skip ingestion when --store already contains embedded passages")
    parser.add_argument("--passages", type=int, default=20_000, help="index size for the latency test")
    parser.add_argument("--skip-latency", action="store_true")
    arguments = parser.parse_args()

    store = arguments.store or Path(tempfile.mkdtemp(prefix="piper-bench-docs-"))
    index = KnowledgeIndex(store)
    report: dict = {"cores": len(os.sched_getaffinity(0))}
    if not (arguments.reuse and index.passage_count() and not index.pending_count()):
        index.reset()
        started = time.perf_counter()
        documents = read_corpus(arguments.corpus)
        report["read_seconds"] = round(time.perf_counter() - started, 1)
        report["ingest"] = ingest(index, documents)
        print(json.dumps(report, indent=1), flush=True)

    questions = json.loads(QUESTIONS.read_text())["questions"]
    report["quality"] = quality(index, questions)
    for method, numbers in report["quality"].items():
        print(f"{method:10} top-1 {numbers['top1']:5.1f}%  top-5 {numbers['top5']:5.1f}%", flush=True)

    if not arguments.skip_latency:
        # Grow a copy of the SQLite file, so a reused store keeps only the corpus; search reads no Chroma data.
        with tempfile.TemporaryDirectory(prefix="piper-bench-docs-copy-") as copy:
            index._store._connection.execute("VACUUM INTO ?", (str(Path(copy) / "passages.sqlite3"),))
            grown = KnowledgeIndex(Path(copy))
            grow(grown, arguments.passages)
            report["latency"] = latency(grown, questions)
            grown.close()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
