"""The chat's access to the rest of Piper: the core, the database, the standup engine and the todos.

The app creates a :class:`ChatBackend` after its first paint, because
opening it imports SQLAlchemy and the core. Every call is a coroutine that
the app runs in a worker, so the screen keeps drawing while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.core import Confirm, Piper, Reply
    from piper.domain.conversation import Conversation, Turn
    from piper.domain.todo import Todo
    from piper.queries.conversation import TokenCallback
    from piper.standup.request import StandupOptions
    from piper.storage import Database

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BackendOptions:
    """How to build the backend; tests fix the clock, the database URL and the standup sources."""

    database_url: str | None = None
    """None uses ``PIPER_DATABASE_URL``, else the SQLite file in the data folder."""

    settings: Settings | None = None
    """None reads ``PIPER.user.md``."""

    now: Callable[[], dt.datetime] | None = None
    """Returns the current aware time; None uses the configured time zone."""

    standup: StandupOptions | None = None
    """Options of the standup panel; None uses the configured defaults, as ``piper standup`` does."""

    warm_up: bool = True
    """Load the classifier model and the configured LLM SDKs in a thread after opening (see :meth:`ChatBackend.open`)."""


class ChatBackend:
    """An open database and a Piper core, with the reads and writes the chat's panels make."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        self.options = options or BackendOptions()
        self._stack = contextlib.AsyncExitStack()
        self._database: Database | None = None
        self._piper: Piper | None = None
        self._warm_up: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Open the database (creating or upgrading it) and build the core.

        Raises:
            StorageError, ConfigError: as :func:`piper.storage.open_database` does.
        """
        from piper.config import load_settings
        from piper.core import Piper
        from piper.storage import open_database

        settings = self.options.settings or load_settings()
        self._database = await self._stack.enter_async_context(open_database(self.options.database_url))
        self._piper = Piper(self._database, settings=settings, now=self.options.now)
        if self.options.warm_up:
            self._warm_up = asyncio.create_task(asyncio.to_thread(self._load_heavy_parts))

    def _load_heavy_parts(self) -> None:
        """Load what the first message would otherwise load on the event loop, freezing the screen meanwhile.

        The classifier's model (a few hundred milliseconds) loads synchronously
        inside ``classify``, and an LLM SDK import takes 0.5 to 1.3 s.
        """
        import importlib

        self.piper.classifier.embedding.load()
        llm = self.settings.llm
        providers = {llm.classification.provider, llm.conversation.provider, llm.drafting.provider}
        if "anthropic" in providers:
            importlib.import_module("anthropic")
        if providers & {"openai", "openai_compatible"}:
            importlib.import_module("openai")

    async def _warmed_up(self) -> None:
        """Wait for the warm-up; a failure there is logged and left for the real call to report."""
        if self._warm_up is None:
            return
        try:
            await self._warm_up
        except Exception as error:  # noqa: BLE001 - the turn that follows raises the same error with context
            logger.warning("Loading the classifier or an LLM SDK in the background failed: %s", error)
        self._warm_up = None

    async def close(self) -> None:
        await self._warmed_up()
        await self._stack.aclose()
        self._database = None
        self._piper = None

    @property
    def piper(self) -> Piper:
        if self._piper is None:
            raise RuntimeError("the chat backend is not open; await open() first")
        return self._piper

    @property
    def settings(self) -> Settings:
        return self.piper.settings

    # --- What the status bar shows -------------------------------------------------

    def database_label(self) -> str:
        """Return the database as people read it: the SQLite file, or the PostgreSQL URL without its password."""
        location = self.piper.database.location
        if location.path is not None:
            return str(location.path)
        return location.display

    def llm_label(self) -> str:
        """Return ``provider:model`` of the conversation model, or ``offline`` when none is configured."""
        choice = self.settings.llm.conversation
        if choice.provider == "none":
            return "offline"
        return f"{choice.provider}:{choice.model}"

    # --- Conversations ------------------------------------------------------------

    async def conversations(self) -> list[Conversation]:
        return await self.piper.conversations.list()

    async def turns(self, conversation_id: str) -> list[Turn]:
        return await self.piper.conversations.turns(conversation_id)

    async def rename(self, conversation_id: str, title: str) -> Conversation:
        return await self.piper.conversations.rename(conversation_id, title)

    async def send(
        self,
        text: str,
        *,
        conversation_id: str | None,
        confirm: Confirm,
        on_token: TokenCallback | None = None,
    ) -> Reply:
        """Handle one message in ``conversation_id``, or in a new conversation when it is None."""
        await self._warmed_up()
        return await self.piper.handle_message(
            text, conversation_id=conversation_id, new=conversation_id is None, confirm=confirm, on_token=on_token
        )

    # --- Panels -------------------------------------------------------------------

    async def open_todos(self) -> list[Todo]:
        """Return the open todos, most urgent first (blocked and done ones are left out)."""
        from piper.domain.todo import TodoStatus

        return await self.piper.database.todos.list(statuses=[TodoStatus.OPEN])

    async def complete_todo(self, todo_id: int) -> Todo:
        return await self.piper.database.todos.complete(todo_id, now=self._now())

    async def standup_markdown(self) -> str:
        """Return today's standup as markdown, without storing it in the standup history.

        A standup that cannot be built (no repository, a bad setting) returns
        a short markdown explanation instead of raising, so the panel shows it.
        """
        from piper.errors import PiperError
        from piper.standup.render.markdown import render
        from piper.standup.request import StandupOptions, build_request
        from piper.standup.service import run_standup

        options = self.options.standup or StandupOptions()
        try:
            request = build_request(options, self.settings, now=self._now())
            outcome = await run_standup(request, save=False)
        except PiperError as error:
            hint = f"\n\n{error.hint}" if error.hint else ""
            return f"# Standup\n\nThe standup could not be built: {error.message}{hint}\n"
        return render(outcome.report)

    def _now(self) -> dt.datetime:
        if self.options.now is not None:
            return self.options.now()
        return dt.datetime.now().astimezone()

