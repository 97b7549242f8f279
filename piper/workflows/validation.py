"""The validation registry: what each workflow type needs before it may run.

Each :class:`WorkflowSpec` turns the entities of a request into the task
inputs of its workflow, or into a :class:`ClarificationNeeded` that asks
the user for what is missing. Nothing runs until validation succeeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piper.errors import PiperError

if TYPE_CHECKING:
    from piper.storage import Database


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """A task that a validated workflow will run."""

    type: str
    input: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ClarificationNeeded:
    """A request that cannot run yet: the question to ask, and what the answer fills."""

    action: str
    question: str
    missing_fields: tuple[str, ...]
    """Entity keys still missing; the user's next answer fills the first one."""

    entities: dict[str, Any]
    """The entities known so far, kept for :meth:`WorkflowFactory.fill`."""

    candidates: tuple[dict[str, Any], ...] = ()
    """For an ambiguous todo, the matching todos (``id`` and ``text``) that the answer chooses from."""

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "question": self.question,
            "missing_fields": list(self.missing_fields),
            "entities": self.entities,
            "candidates": list(self.candidates),
        }


class Clarify(Exception):
    """Raised inside a validator to stop it with a question; the factory turns it into :class:`ClarificationNeeded`."""

    def __init__(self, missing_field: str, question: str, candidates: tuple[dict[str, Any], ...] = ()) -> None:
        super().__init__(question)
        self.missing_field = missing_field
        self.question = question
        self.candidates = candidates


@dataclass
class ValidationScope:
    """Inputs of a validator: the entities, the caller's context and the database."""

    action: str
    entities: dict[str, Any]
    context: Mapping[str, Any]
    """Defaults from the caller, such as ``default_repository`` and ``today`` (a date)."""

    database: Database | None
    candidate_ids: tuple[int, ...] = ()
    """Todo ids an earlier question offered; an answer is matched among these only."""

    def text(self, key: str) -> str | None:
        """Return the entity ``key`` as stripped text, or None when it is missing or blank."""
        value = self.entities.get(key)
        if value is None:
            return None
        cleaned = str(value).strip()
        return cleaned or None

    def require_text(self, key: str, question: str) -> str:
        value = self.text(key)
        if value is None:
            raise Clarify(key, question)
        return value

    @property
    def today(self) -> dt.date:
        return self.context.get("today") or dt.date.today()


Validator = Callable[[ValidationScope], Awaitable[list[PlannedTask]]]


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    """A workflow type: its action name and the validator that plans its tasks."""

    action: str
    validate: Validator
    description: str = ""
    """Short description for people, such as "add a todo"."""


class UnsupportedActionError(PiperError):
    """An action that has no workflow type in the validation registry."""


@dataclass
class ValidationRegistry:
    """Workflow types by action name."""

    specs: dict[str, WorkflowSpec] = field(default_factory=dict)

    def register(self, spec: WorkflowSpec) -> None:
        """Add a workflow type, replacing any earlier one for the same action."""
        self.specs[spec.action] = spec

    def get(self, action: str) -> WorkflowSpec:
        """Return the workflow type of ``action``.

        Raises:
            UnsupportedActionError: when none is registered.
        """
        spec = self.specs.get(action)
        if spec is None:
            raise UnsupportedActionError(
                f"Piper has no workflow for the action {action!r}.",
                details={"action": action, "supported": sorted(self.specs)},
            )
        return spec

    def __contains__(self, action: object) -> bool:
        return action in self.specs
