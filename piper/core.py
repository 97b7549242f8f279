"""The Piper core: one message in, one reply out. The CLI, the TUI and the MCP server all call :class:`Piper`.

A turn is classified, then a read (query, status, priority, time, identity,
small talk) is answered by the QueryRouter, and anything else becomes a
validated workflow run by the orchestration engine. Both turns are stored
in the conversation. The assistant turn's ``intent`` column also stores the
conversation state (an open question and the todo the last turn touched),
so the next turn can answer the question or say "make it high priority".
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from piper.domain.conversation import Conversation, Role
from piper.domain.intent import Action, ClassifierName, Intent
from piper.messages import templates
from piper.messages.humanize import humanize_action
from piper.messages.personality import apply_personality
from piper.queries.conversation import CONVERSATION_ACTIONS, TokenCallback, converse, offline_reply
from piper.queries.drafts import DRAFT_ACTIONS, draft
from piper.queries.model import QueryContext
from piper.queries.router import READ_ANALYSES, READ_CATEGORIES, QueryRouter

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.domain.workflow import Workflow
    from piper.errors import CredentialsError
    from piper.intent.classifier import IntentClassifier
    from piper.storage import Database
    from piper.workflows.engine import OrchestrationEngine
    from piper.workflows.validation import ClarificationNeeded

logger = logging.getLogger(__name__)

CONTINUE_WINDOW = dt.timedelta(hours=1)
"""A turn without a conversation id continues the latest conversation only if it was active this recently."""

ANSWER_OVERRIDE_CONFIDENCE = 0.9
"""While a question is open, a message counts as a new request instead of the answer only at this confidence or more."""

Confirm = Callable[[str], bool | Awaitable[bool]]
"""Asks the user a yes/no question and returns the answer, or an awaitable of it (a TUI's modal dialog)."""

_FOLLOW_UP = re.compile(
    r"^(?:and|also|then|now|ok|okay)?[\s,]*(?:please\s+)?(?P<verb>make|set|mark|block|delete|remove|complete|finish|reopen)"
    r"\s+(?:it|that|this)(?:\s+(?:as|to))?\s*(?P<rest>[\w\s]*?)\s*(?:please)?[.!]?$",
    re.IGNORECASE,
)
_PRIORITY_WORDS = ("low", "medium", "high", "urgent")


@dataclass(frozen=True, slots=True)
class Reply:
    """Piper's reply to one message: the ``data`` object of ``piper ask --json``."""

    intent: dict[str, Any]
    """As ``piper classify --json`` prints it, with a published action name only.

    For a follow-up that runs a Piper-only workflow type (``update_todo_priority``), this is the
    classifier's reading of the text; the workflow records the type that ran.
    """

    message: str
    """Markdown for people."""

    result: dict[str, Any]
    workflow_id: str | None
    conversation_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "message": self.message,
            "result": self.result,
            "workflow_id": self.workflow_id,
            "conversation_id": self.conversation_id,
        }


@dataclass(slots=True)
class ConversationState:
    """Conversation state carried from one turn to the next."""

    pending: dict[str, Any] | None = None
    """An open clarifying question (``ClarificationNeeded.to_json()``) that the next message answers."""

    todo_id: int | None = None
    """The todo the latest workflow touched, which "it" in a follow-up means."""

    def to_json(self) -> dict[str, Any]:
        return {"pending": self.pending, "todo_id": self.todo_id}


@dataclass(slots=True)
class _Turn:
    """The working state of the message being handled."""

    conversation: Conversation
    state: ConversationState
    intent: dict[str, Any]
    action: str
    entities: dict[str, Any] = field(default_factory=dict)
    user_turn_index: int | None = None
    text: str = ""
    parsed: bool = False
    """True when Piper read the action from the wording itself (a follow-up, "block todo 4 because ..."),
    so the classifier's confidence in ``intent`` says nothing about it."""

    on_token: TokenCallback | None = None
    """Receives the deltas of a streamed model reply; None requests the whole reply at once."""


class Piper:
    """The conversation core.

    Args:
        database: An open database (``piper.storage.open_database()``).
        settings: Defaults to ``load_settings()``.
        classifier: Defaults to the offline pipeline (rules, then the local model), with the
            LLM stage when ``settings.llm.classification`` names a provider.
        engine: Defaults to ``build_engine(database)`` with the todo and project handlers.
        now: Returns the current aware time; defaults to the configured time zone.
    """

    def __init__(
        self,
        database: Database,
        *,
        settings: Settings | None = None,
        classifier: IntentClassifier | None = None,
        engine: OrchestrationEngine | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        from piper.config import load_settings
        from piper.storage.repositories.conversations import ConversationRepository
        from piper.workflows.engine import build_engine
        from piper.workflows.factory import WorkflowFactory

        self.database = database
        self.settings = settings or load_settings()
        self._classifier = classifier
        self.engine = engine or build_engine(database)
        self.factory = WorkflowFactory(database)
        self.router = QueryRouter()
        self.conversations = ConversationRepository(database)
        self._now = now or self._configured_now

    @property
    def classifier(self) -> IntentClassifier:
        if self._classifier is None:
            self._classifier = _default_classifier(self.settings)
        return self._classifier

    async def handle_message(
        self,
        text: str,
        *,
        conversation_id: str | None = None,
        new: bool = False,
        confirm: Confirm | None = None,
        assume_yes: bool = False,
        on_token: TokenCallback | None = None,
    ) -> Reply:
        """Handle one user message and return Piper's reply; both turns are stored.

        ``confirm`` asks the user before a write that reaches other people or a
        destructive action. Without it, such an action runs only with
        ``assume_yes``. Otherwise it is recorded as cancelled and not run.

        ``on_token`` makes a conversation or drafting model stream its reply:
        it gets each text delta as it arrives. The returned message is the
        whole reply with the personality lines added, so a face shows it in
        place of the streamed text when the turn ends.

        Raises:
            NotFoundError: for an unknown ``conversation_id``.
            UsageError: for an empty message, or ``new`` with ``conversation_id``.
        """
        from piper.errors import UsageError

        if not text.strip():
            raise UsageError("The message is empty; say what you need, such as \"what's on my todo list\".")
        if new and conversation_id:
            raise UsageError("--new starts a conversation, so it cannot be combined with --conversation.")

        conversation = await self._conversation(conversation_id, new=new)
        state = await self._state(conversation.id)
        turn = await self._understand(text, conversation, state)
        turn.on_token = on_token
        user_turn = await self.conversations.add_turn(conversation.id, Role.USER, text, intent=turn.intent)
        turn.user_turn_index = user_turn.index

        reply = await self._respond(turn, confirm=confirm, assume_yes=assume_yes)
        voice_intent = reply.intent
        if turn.parsed:
            voice_intent = {**reply.intent, "action": turn.action, "confidence": 1.0, "classifier": ClassifierName.RULES.value}
        voiced = apply_personality(reply.message, voice_intent, reply.result, reply.workflow_id, self.settings.personality)
        reply = replace(reply, message=voiced)

        stored_intent = {**reply.intent, "state": turn.state.to_json()}
        await self.conversations.add_turn(
            conversation.id, Role.ASSISTANT, reply.message, intent=stored_intent, workflow_id=reply.workflow_id
        )
        return reply

    # --- Conversation and state -------------------------------------------------

    async def _conversation(self, conversation_id: str | None, *, new: bool) -> Conversation:
        if conversation_id:
            return await self.conversations.get(conversation_id)
        if not new:
            latest = await self.conversations.latest()
            if latest is not None and self._now() - latest.updated_at <= CONTINUE_WINDOW:
                return latest
        return await self.conversations.create()

    async def _state(self, conversation_id: str) -> ConversationState:
        """Return the state that the latest assistant turn stored, or an empty one."""
        for turn in reversed(await self.conversations.turns(conversation_id)):
            if turn.role is Role.ASSISTANT:
                stored = (turn.intent or {}).get("state") or {}
                return ConversationState(pending=stored.get("pending"), todo_id=stored.get("todo_id"))
        return ConversationState()

    # --- Understanding ----------------------------------------------------------

    async def _understand(self, text: str, conversation: Conversation, state: ConversationState) -> _Turn:
        """Classify ``text``, reading it as a follow-up on the last todo or as the answer to an open question when it fits."""
        known_projects = [project.name for project in await self.database.projects.list()]
        follow_up = _block_request(text, state.todo_id) or _follow_up(text, state.todo_id)
        if follow_up is not None:
            action, entities = follow_up
            if _is_contract_action(action):
                reported = {
                    "category": _category_of(action), "action": action, "confidence": 1.0,
                    "entities": entities, "classifier": ClassifierName.RULES.value,
                }
            else:
                # The reported intent uses only the published action names, so a Piper-only
                # workflow type (update_todo_priority) shows as the classifier reads the text.
                classified = await self.classifier.classify(text, known_projects=known_projects, now=self._now())
                reported = classified.to_json()
            state.pending = None
            return _Turn(conversation, state, reported, action, entities, text=text, parsed=True)

        intent = await self.classifier.classify(text, known_projects=known_projects, now=self._now())

        if state.pending is not None and not _is_new_request(intent, state.pending):
            # The message answers the open question; the intent stays the classified one for the record.
            return _Turn(conversation, state, intent.to_json(), "__answer__", {"answer": text}, text=text)

        state.pending = None
        entities = dict(intent.entities)
        if intent.action is Action.CREATE_TODO:
            # Priority is no classify entity, so it is read here for the workflow only.
            priority = _priority_in(text)
            if priority is not None:
                entities.setdefault("priority", priority)
        return _Turn(conversation, state, intent.to_json(), intent.action.value, entities, text=text)

    # --- Responding -------------------------------------------------------------

    async def _respond(self, turn: _Turn, *, confirm: Confirm | None, assume_yes: bool) -> Reply:
        from piper.domain.intent import IntentCategory

        if turn.action == "__answer__":
            return await self._answer_question(turn, confirm=confirm, assume_yes=assume_yes)

        category = IntentCategory(turn.intent["category"])
        if (category in READ_CATEGORIES or turn.action in READ_ANALYSES) and self.router.handles(turn.action):
            context = QueryContext(database=self.database, settings=self.settings, now=self._now(), text=turn.text)
            answer = await self.router.answer(turn.action, turn.entities, context)
            return self._reply(turn, answer.message, answer.result)

        if turn.action in CONVERSATION_ACTIONS:
            return await self._converse(turn)

        if turn.action in DRAFT_ACTIONS:
            context = QueryContext(database=self.database, settings=self.settings, now=self._now())
            drafted = await draft(context, turn.text, on_token=turn.on_token)
            if drafted is not None:
                return self._reply(turn, drafted.message, drafted.result)

        if not turn.parsed and _too_unsure_to_write(turn):
            confidence = float(turn.intent.get("confidence", 0.0))
            message = (
                f"I'm not sure what you want: it could be a request to {humanize_action(turn.action)}, "
                f"but I'm only {confidence:.0%} sure, so I changed nothing. Say it another way, "
                "for example \"add a todo to ...\", \"block todo 4 because ...\" or \"mark todo 4 done\"."
            )
            return self._reply(turn, message, {"performed": False, "reason": "low_confidence"})

        integration = templates.integration_of(turn.action)
        if integration is not None and not self._has_handlers(integration):
            result = {"performed": False, "reason": "not_configured", "integration": integration}
            return self._reply(turn, templates.integration_missing(turn.action, integration), result)

        return await self._start_workflow(turn, confirm=confirm, assume_yes=assume_yes)

    async def _converse(self, turn: _Turn) -> Reply:
        """Answer guidance or an unknown message with the conversation model, or offline when none is configured."""
        context = QueryContext(database=self.database, settings=self.settings, now=self._now())
        # The current message is already stored, so it is left out of the history.
        history = [stored for stored in await self.conversations.turns(turn.conversation.id) if stored.index != turn.user_turn_index]
        answered = await converse(context, turn.text, history, on_token=turn.on_token)
        if answered is None:
            return self._reply(turn, offline_reply(turn.action), {"performed": False})
        return self._reply(turn, answered.message, answered.result)

    async def _start_workflow(self, turn: _Turn, *, confirm: Confirm | None, assume_yes: bool) -> Reply:
        from piper.errors import UsageError
        from piper.workflows.validation import UnsupportedActionError

        try:
            built = await self.factory.create(turn.action, turn.entities, self._factory_context(turn))
        except UnsupportedActionError:
            llm_configured = self.settings.llm.drafting.provider != "none"
            return self._reply(turn, templates.unsupported(turn.action, llm_configured=llm_configured), {"performed": False})
        except UsageError as error:
            return self._reply(turn, f"I could not do that: {error.message}", {"performed": False})
        return await self._run_or_ask(turn, built, confirm=confirm, assume_yes=assume_yes)

    async def _answer_question(self, turn: _Turn, *, confirm: Confirm | None, assume_yes: bool) -> Reply:
        from piper.errors import UsageError
        from piper.workflows.validation import ClarificationNeeded

        pending = turn.state.pending or {}
        question = ClarificationNeeded(
            action=pending["action"],
            question=pending["question"],
            missing_fields=tuple(pending["missing_fields"]),
            entities=dict(pending["entities"]),
            candidates=tuple(pending.get("candidates") or ()),
        )
        turn.state.pending = None
        turn.action = question.action
        # The reply reports the request being completed, not how the bare answer classifies on its own.
        turn.intent = {
            "category": _category_of(question.action), "action": question.action, "confidence": 1.0,
            "entities": {**question.entities, question.missing_fields[0]: turn.entities["answer"].strip()},
            "classifier": ClassifierName.RULES.value,
        }
        try:
            built = await self.factory.fill(question, turn.entities["answer"], self._factory_context(turn))
        except UsageError as error:
            return self._reply(turn, f"I could not do that: {error.message}", {"performed": False})
        return await self._run_or_ask(turn, built, confirm=confirm, assume_yes=assume_yes)

    async def _run_or_ask(
        self, turn: _Turn, built: Workflow | ClarificationNeeded, *, confirm: Confirm | None, assume_yes: bool
    ) -> Reply:
        from piper.workflows.effects import requires_confirmation
        from piper.workflows.validation import ClarificationNeeded

        if isinstance(built, ClarificationNeeded):
            turn.state.pending = built.to_json()
            return self._reply(turn, built.question, {"performed": False, "clarification": built.to_json()})

        workflow = built
        missing = _missing_credential(workflow)
        if missing is not None:
            # Asked before the confirmation: approving a post that cannot be sent wastes the user's yes.
            message = f"I could not do that: {missing.message} {missing.hint or ''}".strip()
            await self.engine.cancel_pending(workflow, message)
            result = {"performed": False, "reason": "missing_credentials", "workflow": workflow.to_json(), **missing.details}
            return self._reply(turn, message, result, workflow_id=workflow.id)

        if requires_confirmation(workflow.type) and not assume_yes:
            entities = workflow.context.get("entities") or {}
            summary = ", ".join(f"{key}: {value}" for key, value in entities.items()) or workflow.type
            approved = await _ask(confirm, templates.confirmation_prompt(workflow.type, summary)) if confirm is not None else False
            if not approved:
                message = templates.not_confirmed(workflow.type, had_terminal=confirm is not None)
                await self.engine.cancel_pending(workflow, message)
                result = {"performed": False, "reason": "not_confirmed", "workflow": workflow.to_json()}
                return self._reply(turn, message, result, workflow_id=workflow.id)

        await self.engine.run(workflow)
        return self._workflow_reply(turn, workflow)

    def _workflow_reply(self, turn: _Turn, workflow: Workflow) -> Reply:
        from piper.domain.workflow import RunStatus

        performed = workflow.status is RunStatus.COMPLETED
        for task in workflow.tasks:
            todo = (task.output or {}).get("todo")
            if task.status is RunStatus.COMPLETED and isinstance(todo, dict) and "id" in todo:
                turn.state.todo_id = int(todo["id"])

        if performed:
            message = "\n".join(task.message for task in workflow.tasks if task.message) or "Done."
        else:
            message = templates.workflow_failed(workflow.type, workflow.error)
        result = {"performed": performed, "workflow": workflow.to_json()}
        return self._reply(turn, message, result, workflow_id=workflow.id)

    # --- Helpers ----------------------------------------------------------------

    def _reply(self, turn: _Turn, message: str, result: dict[str, Any], *, workflow_id: str | None = None) -> Reply:
        return Reply(turn.intent, message, result, workflow_id, turn.conversation.id)

    def _factory_context(self, turn: _Turn) -> dict[str, Any]:
        return {
            "conversation_id": turn.conversation.id,
            "turn_id": turn.user_turn_index,
            "today": self._now().date(),
            "default_repository": self.settings.default_repository,
            "default_channel": self.settings.slack.default_channel,
            "notion_parent": self.settings.notion.default_parent,
        }

    def _has_handlers(self, integration: str) -> bool:
        return any(task_type.startswith(f"{integration}.") for task_type in self.engine.handlers.task_types)

    def _configured_now(self) -> dt.datetime:
        from zoneinfo import ZoneInfo

        name = self.settings.identity.timezone
        return dt.datetime.now(ZoneInfo(name)) if name else dt.datetime.now().astimezone()


async def _ask(confirm: Confirm, question: str) -> bool:
    """Return the user's answer from a sync ``confirm`` (a terminal prompt) or an async one (a modal dialog)."""
    answer = confirm(question)
    if inspect.isawaitable(answer):
        answer = await answer
    return bool(answer)


_shared_classifier: IntentClassifier | None = None


def _default_classifier(settings: Settings) -> IntentClassifier:
    """Return the offline classifier, loaded on first use and shared by every Piper in the process.

    Loading the local model takes a few hundred milliseconds, so a process
    that handles many messages (the TUI, the MCP server, tests) pays it once.
    When ``settings`` name a classification provider, the result is a new
    pipeline around the shared local model with that provider's LLM stage.
    """
    from piper.intent.classifier import IntentClassifier
    from piper.intent.llm_classifier import build_llm_classifier

    global _shared_classifier
    if _shared_classifier is None:
        _shared_classifier = IntentClassifier()

    llm = build_llm_classifier(settings)
    if llm is None:
        return _shared_classifier
    return IntentClassifier(embedding=_shared_classifier.embedding, llm=llm)


def _follow_up(text: str, todo_id: int | None) -> tuple[str, dict[str, Any]] | None:
    """Read "and make it high priority", "mark it done", "block it" or "delete it" as an action on ``todo_id``."""
    if todo_id is None:
        return None
    match = _FOLLOW_UP.match(text.strip())
    if match is None:
        return None

    verb = match["verb"].casefold()
    rest = match["rest"].casefold().split()
    target = {"todo": f"#{todo_id}"}
    priority = next((word for word in rest if word in _PRIORITY_WORDS), None)
    if verb in ("make", "set", "mark") and priority is not None:
        return "update_todo_priority", {**target, "priority": priority}
    if verb in ("complete", "finish") or (verb == "mark" and rest[:1] in (["done"], ["complete"], ["completed"], ["finished"])):
        return "complete_todo", target
    if verb == "block" or (verb == "mark" and rest[:1] == ["blocked"]):
        return "block_todo", target
    if verb in ("delete", "remove"):
        return "delete_todo", target
    if verb == "reopen":
        return "reopen_todo", target
    return None


_PRIORITY_IN_TEXT = re.compile(
    r"\b(?:(?P<level>urgent|high|medium|low)(?:[- ]priority|[- ]prio)\b|(?P<urgent>urgent(?:ly)?|asap)\b)",
    re.IGNORECASE,
)


def _priority_in(text: str) -> str | None:
    """Return the priority a new todo's message states ("high priority", "urgent", "asap"), else None.

    "high" alone does not count, because "a high-level review" is no priority.
    """
    match = _PRIORITY_IN_TEXT.search(text)
    if match is None:
        return None
    if match.group("level"):
        return match.group("level").casefold()
    return "urgent"


WRITE_CONFIDENCE = 0.5
"""Below this classifier confidence a change is not made; the reply asks for other words instead."""

_BLOCK_REQUEST = re.compile(
    r"^(?:please\s+)?block\s+(?:(?:todo|task)\s*#?(?P<id>\d+)|(?P<it>it|that|this)|(?:the\s+)?(?P<words>.+?)\s+(?:todo|task))"
    r"(?:\s*(?:,|because(?:\s+of)?|since|due to|as|:|-)\s*(?P<reason>.+?))?\s*[.!]?$"
    r"|^(?:todo|task)\s*#?(?P<id2>\d+)\s+is\s+blocked(?:\s+(?:by|on|because(?:\s+of)?|until)\s+(?P<reason2>.+?))?\s*[.!]?$",
    re.IGNORECASE,
)


def _block_request(text: str, todo_id: int | None) -> tuple[str, dict[str, Any]] | None:
    """Read "block todo 4 because legal review pending", "todo 4 is blocked by legal" or "block it: waiting on Sam"."""
    match = _BLOCK_REQUEST.match(text.strip())
    if match is None:
        return None

    if match["id"] or match["id2"]:
        target = f"#{match['id'] or match['id2']}"
    elif match["it"]:
        if todo_id is None:
            return None
        target = f"#{todo_id}"
    else:
        target = match["words"].strip()

    entities: dict[str, Any] = {"todo": target}
    reason = match["reason"] or match["reason2"]
    if reason:
        entities["reason"] = reason.strip()
    return "block_todo", entities


def _missing_credential(workflow: Workflow) -> CredentialsError | None:
    """Return the error for the first task whose service has no token set, or None when all are set.

    A task type that starts with a credential service's name (``github.create_issue``) needs its token.
    """
    from piper.errors import CredentialsError
    from piper.secrets import SERVICES, require_secret

    for task in workflow.tasks:
        service = task.type.split(".", 1)[0]
        if service not in SERVICES:
            continue
        try:
            require_secret(service)
        except CredentialsError as error:
            return error
    return None


def _too_unsure_to_write(turn: _Turn) -> bool:
    """Return True for a change that only a weak classifier guess asked for (rules and the LLM are trusted)."""
    from piper.workflows.effects import Effect, effect_of

    if effect_of(turn.action).effect is Effect.READ:
        return False
    if turn.intent.get("classifier") != ClassifierName.EMBEDDING.value:
        return False
    return float(turn.intent.get("confidence", 0.0)) < WRITE_CONFIDENCE


def _is_contract_action(action: str) -> bool:
    try:
        Action(action)
    except ValueError:
        return False
    return True


def _category_of(action: str) -> str:
    """Return the category of a classify action; Piper-only workflow types (``update_todo_priority``) count as EXECUTION."""
    try:
        return Action(action).category.value
    except ValueError:
        return "EXECUTION"


def _is_new_request(intent: Intent, pending: dict[str, Any]) -> bool:
    """Return True when a message sent while a question is open is a new request rather than the answer.

    A restated request that now carries the missing field ("create project Atlas" after "What
    should the project be called?") is a new request too, so its entities are used, not its text.
    """
    if intent.classifier is ClassifierName.RULES and intent.action is not Action.UNKNOWN:
        return True
    if intent.action.value == pending["action"]:
        return any(field in intent.entities for field in pending.get("missing_fields", ()))
    return intent.confidence >= ANSWER_OVERRIDE_CONFIDENCE
