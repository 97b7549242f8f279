"""The intent of a message: its category, action, confidence and entities.

The category and action names are a public interface (``piper classify
--json`` prints them), so their spelling must not change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class IntentCategory(str, enum.Enum):
    """The kind of request, which decides where the core routes it."""

    CONVERSATION = "CONVERSATION"
    IDENTITY = "IDENTITY"
    TEMPORAL = "TEMPORAL"
    STATUS = "STATUS"
    PRIORITY = "PRIORITY"
    GUIDANCE = "GUIDANCE"
    QUERY = "QUERY"
    EXECUTION = "EXECUTION"
    ANALYSIS = "ANALYSIS"
    SYNTHESIS = "SYNTHESIS"
    STRATEGY = "STRATEGY"
    LEARNING = "LEARNING"
    UNKNOWN = "UNKNOWN"


class Action(str, enum.Enum):
    """The operation a message requests; each action belongs to exactly one category."""

    GREETING = "greeting"
    FAREWELL = "farewell"
    THANKS = "thanks"
    GET_IDENTITY = "get_identity"
    GET_CAPABILITIES = "get_capabilities"
    GET_CURRENT_TIME = "get_current_time"
    GET_CALENDAR = "get_calendar"
    GET_STANDUP = "get_standup"
    GET_PROJECT_STATUS = "get_project_status"
    GET_TOP_PRIORITY = "get_top_priority"
    GET_GUIDANCE = "get_guidance"
    LIST_PROJECTS = "list_projects"
    GET_PROJECT = "get_project"
    LIST_ISSUES = "list_issues"
    GET_ISSUE = "get_issue"
    LIST_PULL_REQUESTS = "list_pull_requests"
    LIST_TODOS = "list_todos"
    SEARCH_DOCUMENTS = "search_documents"
    LIST_DOCUMENTS = "list_documents"
    CREATE_ISSUE = "create_issue"
    UPDATE_ISSUE = "update_issue"
    CLOSE_ISSUE = "close_issue"
    COMMENT_ISSUE = "comment_issue"
    CREATE_TODO = "create_todo"
    COMPLETE_TODO = "complete_todo"
    DELETE_TODO = "delete_todo"
    CREATE_PROJECT = "create_project"
    POST_MESSAGE = "post_message"
    PUBLISH_DOCUMENT = "publish_document"
    ANALYZE_ISSUE = "analyze_issue"
    ANALYZE_DOCUMENT = "analyze_document"
    ANALYZE_COMMITS = "analyze_commits"
    ANALYZE_BLOCKERS = "analyze_blockers"
    GENERATE_REPORT = "generate_report"
    SUMMARIZE_DOCUMENT = "summarize_document"
    DRAFT_UPDATE = "draft_update"
    GENERATE_CONTENT = "generate_content"
    PRIORITIZE_BACKLOG = "prioritize_backlog"
    PLAN_ROADMAP = "plan_roadmap"
    LEARN_PATTERNS = "learn_patterns"
    UNKNOWN = "unknown"

    @property
    def category(self) -> IntentCategory:
        """The category this action belongs to."""
        return ACTION_CATEGORIES[self]


_CATEGORY_ACTIONS: dict[IntentCategory, tuple[Action, ...]] = {
    IntentCategory.CONVERSATION: (Action.GREETING, Action.FAREWELL, Action.THANKS),
    IntentCategory.IDENTITY: (Action.GET_IDENTITY, Action.GET_CAPABILITIES),
    IntentCategory.TEMPORAL: (Action.GET_CURRENT_TIME, Action.GET_CALENDAR),
    IntentCategory.STATUS: (Action.GET_STANDUP, Action.GET_PROJECT_STATUS),
    IntentCategory.PRIORITY: (Action.GET_TOP_PRIORITY,),
    IntentCategory.GUIDANCE: (Action.GET_GUIDANCE,),
    IntentCategory.QUERY: (
        Action.LIST_PROJECTS,
        Action.GET_PROJECT,
        Action.LIST_ISSUES,
        Action.GET_ISSUE,
        Action.LIST_PULL_REQUESTS,
        Action.LIST_TODOS,
        Action.SEARCH_DOCUMENTS,
        Action.LIST_DOCUMENTS,
    ),
    IntentCategory.EXECUTION: (
        Action.CREATE_ISSUE,
        Action.UPDATE_ISSUE,
        Action.CLOSE_ISSUE,
        Action.COMMENT_ISSUE,
        Action.CREATE_TODO,
        Action.COMPLETE_TODO,
        Action.DELETE_TODO,
        Action.CREATE_PROJECT,
        Action.POST_MESSAGE,
        Action.PUBLISH_DOCUMENT,
    ),
    IntentCategory.ANALYSIS: (
        Action.ANALYZE_ISSUE,
        Action.ANALYZE_DOCUMENT,
        Action.ANALYZE_COMMITS,
        Action.ANALYZE_BLOCKERS,
        Action.GENERATE_REPORT,
    ),
    IntentCategory.SYNTHESIS: (Action.SUMMARIZE_DOCUMENT, Action.DRAFT_UPDATE, Action.GENERATE_CONTENT),
    IntentCategory.STRATEGY: (Action.PRIORITIZE_BACKLOG, Action.PLAN_ROADMAP),
    IntentCategory.LEARNING: (Action.LEARN_PATTERNS,),
    IntentCategory.UNKNOWN: (Action.UNKNOWN,),
}

ACTION_CATEGORIES: dict[Action, IntentCategory] = {
    action: category for category, actions in _CATEGORY_ACTIONS.items() for action in actions
}
"""The category of every action, as the taxonomy of ``piper classify`` defines it."""


class ClassifierName(str, enum.Enum):
    """The classifier stage that decided an intent."""

    RULES = "rules"
    EMBEDDING = "embedding"
    LLM = "llm"


ENTITY_KEYS = frozenset({"repository", "issue_number", "project", "title", "todo", "document", "channel", "date", "query"})
"""The entity keys that ``piper classify --json`` may report."""


@dataclass(frozen=True)
class Intent:
    """The classified meaning of one message."""

    category: IntentCategory
    action: Action
    confidence: float
    """Between 0 and 1; rules that match report 1.0 or close to it."""
    entities: dict[str, Any] = field(default_factory=dict)
    """Keys: repository, issue_number, project, title, todo, document, channel, date, query."""
    classifier: ClassifierName = ClassifierName.RULES

    @classmethod
    def of(
        cls,
        action: Action,
        confidence: float,
        classifier: ClassifierName,
        entities: dict[str, Any] | None = None,
    ) -> Intent:
        """Build an intent whose category is the one the taxonomy gives ``action``."""
        return cls(action.category, action, round(float(confidence), 4), dict(entities or {}), classifier)

    def to_json(self) -> dict[str, Any]:
        """Return the ``data`` object of ``piper classify --json``."""
        return {
            "category": self.category.value,
            "action": self.action.value,
            "confidence": self.confidence,
            # Only the published entity keys: internal ones such as a message's
            # text to post stay with the workflow and out of scripts' JSON.
            "entities": {key: value for key, value in self.entities.items() if key in ENTITY_KEYS},
            "classifier": self.classifier.value,
        }
