"""WorkflowFactory: turn an action and its entities into a validated workflow, or a question for the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from piper.domain.workflow import Workflow
from piper.workflows.validation import (
    Clarify,
    ClarificationNeeded,
    ValidationRegistry,
    ValidationScope,
)

if TYPE_CHECKING:
    from piper.storage import Database


def default_registry() -> ValidationRegistry:
    """Return a registry with every workflow type Piper has: todos, projects and the integrations."""
    from piper.workflows.integration_specs import register_integration_specs
    from piper.workflows.project_specs import register_project_specs
    from piper.workflows.todo_specs import register_todo_specs

    registry = ValidationRegistry()
    register_todo_specs(registry)
    register_project_specs(registry)
    register_integration_specs(registry)
    return registry


class WorkflowFactory:
    """Builds workflows from requests, checking first that each has the context its type needs.

    Args:
        database: Where validators look up todos and projects; without it,
            a todo must be named by its id.
        registry: The workflow types; default :func:`default_registry`.
    """

    def __init__(self, database: Database | None = None, *, registry: ValidationRegistry | None = None) -> None:
        self.database = database
        self.registry = registry or default_registry()

    async def create(
        self, action: str, entities: Mapping[str, Any], context: Mapping[str, Any] | None = None
    ) -> Workflow | ClarificationNeeded:
        """Validate a request and return its pending workflow, or the question that must be answered first.

        ``context`` supplies defaults such as ``default_repository`` and the
        ``conversation_id`` and ``turn_id`` that the workflow records.

        Raises:
            UnsupportedActionError: for an action without a workflow type.
            UsageError: for a value that no answer can fix, such as a
                project name over the length limit.
        """
        return await self._build(action, dict(entities), context or {}, candidate_ids=())

    async def fill(
        self, pending: ClarificationNeeded, answer_text: str, context: Mapping[str, Any] | None = None
    ) -> Workflow | ClarificationNeeded:
        """Put the user's answer into the first missing field of ``pending`` and validate again.

        When the question listed candidate todos, the answer may be one of
        their ids or words that narrow them down to one.
        """
        entities = dict(pending.entities)
        entities[pending.missing_fields[0]] = answer_text.strip()
        candidate_ids = tuple(candidate["id"] for candidate in pending.candidates)
        return await self._build(pending.action, entities, context or {}, candidate_ids=candidate_ids)

    async def _build(
        self, action: str, entities: dict[str, Any], context: Mapping[str, Any], *, candidate_ids: tuple[int, ...]
    ) -> Workflow | ClarificationNeeded:
        spec = self.registry.get(action)
        scope = ValidationScope(
            action=action, entities=entities, context=context, database=self.database, candidate_ids=candidate_ids
        )
        try:
            planned = await spec.validate(scope)
        except Clarify as question:
            return ClarificationNeeded(
                action=action,
                question=question.question,
                missing_fields=(question.missing_field,),
                entities=entities,
                candidates=question.candidates,
            )

        workflow = Workflow(
            type=action,
            context={"entities": _jsonable(entities)},
            conversation_id=context.get("conversation_id"),
            turn_id=context.get("turn_id"),
        )
        for task in planned:
            workflow.add_task(task.type, task.input)
        return workflow


def _jsonable(entities: dict[str, Any]) -> dict[str, Any]:
    # Entities end up in a JSON column; a date or another object becomes its text.
    return {key: value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)
            for key, value in entities.items()}
