"""Read queries answered from the knowledge base: search, list, summarize and analyze documents.

They call the same :class:`~piper.knowledge.service.KnowledgeBase` as
``piper docs``, so the chat and the CLI give the same results.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from piper.errors import NotFoundError
from piper.queries.model import QueryAnswer, QueryContext, QueryService

if TYPE_CHECKING:
    from piper.knowledge.service import KnowledgeBase

LISTED_DOCUMENTS = 20
"""Documents named in a chat reply to "list my documents"; the result contains them all."""

SNIPPET_CHARACTERS = 300
EMPTY = "The knowledge base is empty. Add documents with 'piper docs add PATH'."


@contextlib.asynccontextmanager
async def _knowledge_base(context: QueryContext) -> AsyncIterator[KnowledgeBase]:
    from piper.knowledge.service import KnowledgeBase

    knowledge = KnowledgeBase(context.database, context.settings)
    try:
        yield knowledge
    finally:
        knowledge.close()


async def search_documents(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Search the documents for ``query`` (else the whole message) and show the best passages."""
    query = str(entities.get("query") or context.text or "").strip()
    if not query:
        return QueryAnswer("What should I search the documents for?", {"results": [], "query": None})

    async with _knowledge_base(context) as knowledge:
        if not await knowledge.database.documents.list():
            return QueryAnswer(EMPTY, {"results": [], "query": query})
        results = await knowledge.search(query)

    data = {"query": query, "results": [result.to_json() for result in results]}
    if not results:
        return QueryAnswer(f"No passage in the documents matches “{query}”.", data)
    lines = [f"Best passages for “{query}”:"]
    for number, result in enumerate(results, start=1):
        where = f" > {result.heading}" if result.heading else ""
        lines.append(f"{number}. **{result.document}**{where}\n   {_snippet(result.text)}")
    return QueryAnswer("\n".join(lines), data)


async def list_documents(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """List the documents in the knowledge base."""
    async with _knowledge_base(context) as knowledge:
        states = await knowledge.list()

    data = {"documents": [state.to_json() for state in states], "count": len(states)}
    if not states:
        return QueryAnswer(EMPTY, data)
    lines = [f"{len(states)} documents in the knowledge base:"]
    for state in states[:LISTED_DOCUMENTS]:
        note = "" if state.on_disk == "present" else f" ({state.on_disk} on disk)"
        lines.append(f"- **{state.record.title}** ({state.record.display_path}, {state.record.passage_count} {'passage' if state.record.passage_count == 1 else 'passages'}){note}")
    if len(states) > LISTED_DOCUMENTS:
        lines.append(f"- ... and {len(states) - LISTED_DOCUMENTS} more ('piper docs list' shows all).")
    return QueryAnswer("\n".join(lines), data)


async def summarize_document(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Summarize the named document, with the drafting LLM when configured, else extractively."""
    from piper.knowledge.answering import summarize_document as summarize

    name = str(entities.get("document") or "").strip()
    async with _knowledge_base(context) as knowledge:
        if not name:
            return await _which_document(knowledge, "summarize")
        try:
            record = await knowledge.find(name)
            document = await knowledge.read(record)
        except NotFoundError as error:
            return QueryAnswer(_not_found(error), {"document": name, "error": error.message})
        summary = await summarize(document, record.display_path, context.settings)

    if summary.method == "llm":
        message = f"Summary of **{summary.title}** ({summary.document}):\n\n{summary.summary.strip()}"
    else:
        reason = "the LLM failed" if summary.error else "no LLM is configured"
        bullets = "\n".join(f"- {sentence['text']}" for sentence in summary.sentences) or "- (no sentences of prose found)"
        message = f"Key sentences of **{summary.title}** ({summary.document}); {reason}, so this summary is extractive:\n\n{bullets}"
    return QueryAnswer(message, summary.to_json())


async def analyze_document(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Describe the named document: columns, types, counts, top values and ranges for CSV; structure otherwise."""
    name = str(entities.get("document") or "").strip()
    async with _knowledge_base(context) as knowledge:
        if not name:
            return await _which_document(knowledge, "analyze")
        try:
            analysis = await knowledge.analyze(name)
        except NotFoundError as error:
            return QueryAnswer(_not_found(error), {"document": name, "error": error.message})
    return QueryAnswer(analysis_text(analysis), analysis)


def analysis_text(analysis: dict[str, Any]) -> str:
    """Render an analysis from :meth:`KnowledgeBase.analyze` as markdown."""
    lines = [f"**{analysis['title']}** ({analysis['document']}, {analysis['kind']})"]
    if analysis["kind"] != "csv":
        lines.append(f"{analysis['sections']} sections, {analysis['words']} words, {analysis['passages']} passages.")
        if analysis["headings"]:
            lines.append("Headings:")
            lines.extend(f"- {heading}" for heading in analysis["headings"][:30])
        return "\n".join(lines)

    lines.append(f"{analysis['rows']} rows, {len(analysis['columns'])} columns:")
    for column in analysis["columns"]:
        facts = [column["type"], f"{column['count']} values", f"{column['nulls']} empty", f"{column['distinct']} distinct"]
        if "min" in column:
            facts.append(f"min {column['min']}, max {column['max']}, mean {column['mean']:g}")
        if "earliest" in column:
            facts.append(f"from {column['earliest']} to {column['latest']}")
        top = ", ".join(f"{value['value']} ({value['count']})" for value in column["top_values"][:3])
        if top and column["type"] in {"text", "boolean"}:
            facts.append(f"top: {top}")
        lines.append(f"- **{column['name']}**: " + "; ".join(facts))
    return "\n".join(lines)


async def _which_document(knowledge: KnowledgeBase, verb: str) -> QueryAnswer:
    records = await knowledge.database.documents.list()
    if not records:
        return QueryAnswer(EMPTY, {"document": None})
    names = ", ".join(record.display_path for record in records[:10])
    return QueryAnswer(f"Which document should I {verb}? For example: {names}.", {"document": None, "candidates": [record.display_path for record in records]})


def _not_found(error: NotFoundError) -> str:
    return f"{error.message} {error.hint}" if error.hint else error.message


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARACTERS:
        return flat
    return flat[:SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " ..."


SERVICES: dict[str, QueryService] = {
    "search_documents": search_documents,
    "list_documents": list_documents,
    "summarize_document": summarize_document,
    "analyze_document": analyze_document,
}
"""Read action to query service."""
