"""``piper docs``: add documents to the knowledge base, then search, ask and summarize them offline."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from piper.cli import output

if TYPE_CHECKING:
    from piper.knowledge.reports import AddReport, SearchResult
    from piper.knowledge.service import KnowledgeBase

app = typer.Typer(help="Add documents to the knowledge base, then search, ask and summarize them offline.", no_args_is_help=True, rich_markup_mode=None)

T = TypeVar("T")

JSON_HELP = "Print the result as JSON."
K_HELP = "Number of passages to show (default: documents.search_results, 5)."
SKIPS_SHOWN = 20
"""Skipped files listed in plain output; --json lists them all."""

EMPTY_MESSAGE = "The knowledge base is empty. Add documents with: piper docs add PATH"

SNIPPET_CHARACTERS = 400
"""Characters of a passage shown in plain search output."""


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    import asyncio

    return asyncio.run(coroutine)


@contextlib.asynccontextmanager
async def _knowledge_base() -> AsyncIterator[KnowledgeBase]:
    from piper.config import load_settings
    from piper.knowledge.service import KnowledgeBase
    from piper.storage import open_database

    settings = load_settings()
    async with open_database() as database:
        knowledge = KnowledgeBase(database, settings)
        try:
            yield knowledge
        finally:
            knowledge.close()


@app.command("add")
def add(
    paths: list[str] = typer.Argument(..., help="Files and folders to add; folders are read recursively."),
    follow_links: bool = typer.Option(False, "--follow-links", help="Also follow symbolic links that point outside an added folder."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add files to the knowledge base: markdown, reStructuredText, text, HTML, PDF, Word (.docx) and CSV or TSV."""
    output.set_json_mode(json_flag)

    async def run() -> AddReport:
        async with _knowledge_base() as knowledge:
            with _progress(enabled=not json_flag) as progress:
                return await knowledge.add(paths, follow_links=True if follow_links else None, progress=progress)

    with _hint_on_interrupt("Documents added so far stay searchable. Run the same 'piper docs add' again to add the rest."):
        report = _run(run())
    if json_flag:
        output.print_success(report.to_json())
        return
    _print_add_report(report, verb="Added")


@app.command("list")
def list_documents(json_flag: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the documents in the knowledge base and whether their files changed or disappeared."""
    output.set_json_mode(json_flag)

    async def run() -> list[Any]:
        async with _knowledge_base() as knowledge:
            return await knowledge.list()

    states = _run(run())
    if json_flag:
        output.print_success({"documents": [state.to_json() for state in states], "count": len(states)})
        return
    if not states:
        typer.echo(EMPTY_MESSAGE)
        return
    for state in states:
        record = state.record
        note = {"present": "", "modified": "  [modified on disk: run piper docs add again]", "missing": "  [missing on disk: piper docs rm removes it]"}[state.on_disk]
        status = "" if record.status == "ready" else "  [half indexed: piper docs add repairs it]"
        typer.echo(f"{record.display_path}  {record.title!r}  {record.kind}, {_count(record.passage_count, 'passage')}{status}{note}")
    typer.echo(f"{_count(len(states), 'document')}.")


@app.command("rm")
def remove(
    paths: list[str] = typer.Argument(..., help="Documents to remove, by path; a folder removes every document below it."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Remove documents and their passages from the knowledge base (the files stay on disk)."""
    output.set_json_mode(json_flag)

    async def run() -> list[str]:
        async with _knowledge_base() as knowledge:
            return await knowledge.remove(paths)

    removed = _run(run())
    if json_flag:
        output.print_success({"removed": removed})
        return
    for path in removed:
        typer.echo(f"Removed {path}")


@app.command("reindex")
def reindex(json_flag: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Rebuild the passage store from the files on disk; documents whose file is gone are removed."""
    output.set_json_mode(json_flag)

    async def run() -> AddReport:
        async with _knowledge_base() as knowledge:
            with _progress(enabled=not json_flag) as progress:
                return await knowledge.reindex(progress=progress)

    with _hint_on_interrupt("Run 'piper docs reindex' again to finish the rebuild."):
        report = _run(run())
    if json_flag:
        output.print_success(report.to_json())
        return
    _print_add_report(report, verb="Re-indexed")


@app.command("search")
def search(
    query: str = typer.Argument(..., help="Words to search for, in quotes: names, error codes and phrases all work."),
    k: Optional[int] = typer.Option(None, "-k", help=K_HELP),
    folder: Optional[str] = typer.Option(None, "--folder", help="Only search documents below this folder."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Search the knowledge base by keywords and meaning; the best passages come first."""
    output.set_json_mode(json_flag)
    _check_k(k)

    async def run() -> tuple[list[SearchResult], bool]:
        async with _knowledge_base() as knowledge:
            results = await knowledge.search(query, k=k, folder=folder)
            return results, not results and not await knowledge.database.documents.list()

    results, empty = _run(run())
    if json_flag:
        output.print_success({"results": [result.to_json() for result in results]})
        return
    if not results:
        typer.echo(EMPTY_MESSAGE if empty else "No passage matches. 'piper docs list' shows what is in the knowledge base.")
        return
    for number, result in enumerate(results, start=1):
        _print_passage(number, result)


@app.command("ask")
def ask(
    question: str = typer.Argument(..., help="Question to answer from the documents, in quotes."),
    k: Optional[int] = typer.Option(None, "-k", help="Number of passages to answer from (default: documents.search_results, 5)."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Answer a question from the documents, citing passages; without an LLM, show the best passages."""
    from piper.knowledge.answering import OFFLINE_LEAD

    output.set_json_mode(json_flag)
    _check_k(k)

    async def run() -> Any:
        from piper.knowledge.answering import answer_question

        async with _knowledge_base() as knowledge:
            passages = await knowledge.search(question, k=k)
            empty = not passages and not await knowledge.database.documents.list()
            return await answer_question(question, passages, knowledge.settings), empty

    answer, empty = _run(run())
    if json_flag:
        output.print_success(answer.to_json())
        return
    if not answer.passages:
        typer.echo(EMPTY_MESSAGE if empty else "No passage matches the question. 'piper docs list' shows what is in the knowledge base.")
        return
    if answer.answer is None:
        lead = f"The LLM failed ({answer.error}), so here are the most relevant passages" if answer.error else OFFLINE_LEAD
        typer.echo(f"{lead}:\n")
        for number, result in enumerate(answer.passages, start=1):
            _print_passage(number, result)
        return
    typer.echo(answer.answer.strip())
    if answer.citations:
        typer.echo("\nSources:")
        for citation in answer.citations:
            where = f" > {citation['heading']}" if citation["heading"] else ""
            typer.echo(f"  [{citation['number']}] {citation['document']}{where}")


@app.command("summarize")
def summarize(
    document: str = typer.Argument(..., help="Document to summarize: its path as listed, file name or title."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Summarize a document with the configured LLM, or by picking its key sentences offline."""
    output.set_json_mode(json_flag)

    async def run() -> Any:
        from piper.knowledge.answering import summarize_document

        async with _knowledge_base() as knowledge:
            record = await knowledge.find(document)
            extracted = await knowledge.read(record)
            return await summarize_document(extracted, record.display_path, knowledge.settings)

    summary = _run(run())
    if json_flag:
        output.print_success(summary.to_json())
        return
    typer.echo(f"{summary.title} ({summary.document})\n")
    if summary.method == "llm":
        typer.echo(summary.summary.strip())
        return
    reason = f"the LLM failed: {summary.error}" if summary.error else "no LLM is configured"
    typer.echo(f"Key sentences ({reason}, so this summary is extractive):\n")
    for sentence in summary.sentences:
        typer.echo(f"- {sentence['text']}")


@app.command("analyze")
def analyze(
    document: str = typer.Argument(..., help="Document to describe: its path as listed, file name or title."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Describe a document: for CSV its columns, types, counts, top values and ranges; else its structure."""
    output.set_json_mode(json_flag)

    async def run() -> dict[str, Any]:
        async with _knowledge_base() as knowledge:
            return await knowledge.analyze(document)

    analysis = _run(run())
    if json_flag:
        output.print_success(analysis)
        return
    from piper.queries.documents import analysis_text

    typer.echo(analysis_text(analysis))


# --- Output helpers -----------------------------------------------------------------------------


def _check_k(k: int | None) -> None:
    from piper.errors import UsageError

    if k is not None and k < 1:
        raise UsageError(f"-k must be at least 1, got {k}.", hint="Pass the number of passages to show, such as -k 10.")


def _print_passage(number: int, result: SearchResult) -> None:
    where = f" > {result.heading}" if result.heading else ""
    text = " ".join(result.text.split())
    if len(text) > SNIPPET_CHARACTERS:
        text = text[:SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " ..."
    typer.echo(f"[{number}] {result.document}{where}  (score {result.score:.3f})")
    typer.echo(f"    {text}\n")


def _print_add_report(report: AddReport, *, verb: str) -> None:
    if report.repaired:
        typer.echo(f"Repaired {_count(len(report.repaired), 'document')} an interrupted run had left half done.")
    typer.echo(_add_summary(report, verb=verb))
    if report.skipped:
        typer.echo(f"Skipped {len(report.skipped)}:")
        for skip in report.skipped[:SKIPS_SHOWN]:
            typer.echo(f"  {skip.path}: {skip.reason}")
        if len(report.skipped) > SKIPS_SHOWN:
            typer.echo(f"  ... and {len(report.skipped) - SKIPS_SHOWN} more (--json lists them all).")


def _add_summary(report: AddReport, *, verb: str) -> str:
    """Return one sentence on what an add or a reindex changed, such as "Updated 1 changed document (3 passages), 9 unchanged."."""
    passages = f"({_count(report.passages, 'passage')})"
    if verb != "Added" and not (report.added or report.updated or report.skipped):
        return EMPTY_MESSAGE
    if verb != "Added":
        changes = f"{verb} {_count(len(report.added) + len(report.updated), 'document')} {passages}"
    elif report.added and report.updated:
        changes = f"Added {_count(len(report.added), 'document')} and updated {_count(len(report.updated), 'changed document')} {passages}"
    elif report.updated:
        changes = f"Updated {_count(len(report.updated), 'changed document')} {passages}"
    elif report.added:
        changes = f"Added {_count(len(report.added), 'document')} {passages}"
    elif report.unchanged:
        summary = f"Nothing to add: {_count(len(report.unchanged), 'document')} unchanged."
        if report.embedded:
            # An interrupted add leaves passages searchable by keyword only; this run embedded them.
            summary += f" Embedded {_count(report.embedded, 'passage')} that an interrupted run had left without embeddings."
        return summary
    else:
        return "No documents added."
    if report.unchanged:
        changes += f", {len(report.unchanged)} unchanged"
    return changes + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class _BarProgress:
    """Draws reading and embedding as rich progress bars on stderr."""

    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task: Any = None

    def reading(self, total: int) -> None:
        self._task = self._progress.add_task("Reading files", total=total)

    def read(self, display_path: str) -> None:
        self._progress.advance(self._task)

    def embedding(self, total: int) -> None:
        self._task = self._progress.add_task("Embedding passages", total=total)

    def embedded(self, count: int) -> None:
        self._progress.advance(self._task, count)


class _StopOnInterrupt:
    """Progress that forwards to the bars, if any, and raises KeyboardInterrupt at the next file or batch after Ctrl-C.

    Stopping between files leaves every document either fully indexed or
    untouched. Cancelling the asyncio task, asyncio.run's default, sometimes
    let an add run to completion in tests here, and a long embedding batch
    has no await at which a cancellation could land.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.requested = False

    def reading(self, total: int) -> None:
        if self._inner is not None:
            self._inner.reading(total)
        self._stop_if_requested()

    def read(self, display_path: str) -> None:
        if self._inner is not None:
            self._inner.read(display_path)
        self._stop_if_requested()

    def embedding(self, total: int) -> None:
        if self._inner is not None:
            self._inner.embedding(total)
        self._stop_if_requested()

    def embedded(self, count: int) -> None:
        if self._inner is not None:
            self._inner.embedded(count)
        self._stop_if_requested()

    def _stop_if_requested(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _progress(*, enabled: bool) -> Iterator[_StopOnInterrupt]:
    """Yield the progress of an add or a reindex: bars on stderr when it is a terminal and output is not JSON.

    While the block runs, the first Ctrl-C requests a stop at the next file or
    batch and a second one stops the work at once.
    """
    import signal
    import threading

    with _bars(enabled=enabled) as bars:
        progress = _StopOnInterrupt(bars)
        if threading.current_thread() is not threading.main_thread():
            yield progress
            return

        def request_stop(signal_number: int, frame: Any) -> None:
            if progress.requested:
                raise KeyboardInterrupt
            progress.requested = True

        previous = signal.signal(signal.SIGINT, request_stop)
        try:
            yield progress
        finally:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _hint_on_interrupt(hint: str) -> Iterator[None]:
    """Print on stderr how to finish the work when Ctrl-C stops it, then let the interrupt go on."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo(f"Stopped before the end. {hint}", err=True)
        raise


@contextlib.contextmanager
def _bars(*, enabled: bool) -> Iterator[_BarProgress | None]:
    if not enabled or not sys.stderr.isatty():
        yield None
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bars:
        yield _BarProgress(bars)
