"""QueryRouter: sends every read action (queries, status, priority, time, identity, small talk) to a query service that reads real data."""

from __future__ import annotations

from typing import Any

from piper.domain.intent import IntentCategory
from piper.queries import blockers, calendar, documents, github, priority, projects, small_talk, standup, todos
from piper.queries.model import QueryAnswer, QueryContext, QueryService

READ_CATEGORIES = frozenset({
    IntentCategory.QUERY,
    IntentCategory.STATUS,
    IntentCategory.PRIORITY,
    IntentCategory.TEMPORAL,
    IntentCategory.IDENTITY,
    IntentCategory.CONVERSATION,
})
"""Categories the router handles; a message in one of these never creates a workflow."""

READ_ANALYSES = frozenset({"analyze_blockers", "analyze_issue", "analyze_document", "summarize_document"})
"""ANALYSIS and SYNTHESIS actions that only read, so the router handles them and no workflow is made."""

_SERVICES: dict[str, QueryService] = {
    "greeting": small_talk.greeting,
    "farewell": small_talk.farewell,
    "thanks": small_talk.thanks,
    "get_identity": small_talk.get_identity,
    "get_capabilities": small_talk.get_capabilities,
    "get_current_time": small_talk.get_current_time,
    "get_standup": standup.get_standup,
    "get_project_status": projects.get_project_status,
    "get_top_priority": priority.get_top_priority,
    "list_projects": projects.list_projects,
    "get_project": projects.get_project,
    "list_todos": todos.list_todos,
    "analyze_blockers": blockers.analyze_blockers,
    **github.SERVICES,
    **calendar.SERVICES,
    **documents.SERVICES,
}


class QueryRouter:
    """Routes a read action to its query service."""

    def __init__(self, services: dict[str, QueryService] | None = None) -> None:
        self.services = dict(_SERVICES if services is None else services)

    def handles(self, action: str) -> bool:
        return action in self.services

    async def answer(self, action: str, entities: dict[str, Any], context: QueryContext) -> QueryAnswer:
        """Run the query service of ``action`` and return its answer.

        Raises:
            KeyError: for an action without a query service; check :meth:`handles` first.
        """
        return await self.services[action](context, dict(entities))
