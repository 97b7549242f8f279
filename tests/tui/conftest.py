"""Fixtures for the chat tests: an app on a real SQLite database with a fixed clock, and helpers to drive it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from piper.config import LLMSettings, LLMTaskSettings, Settings
from piper.standup.request import StandupOptions
from piper.tui.app import PiperChatApp
from piper.tui.backend import BackendOptions, ChatBackend
from piper.tui.widgets import MessageView

NOW = dt.datetime(2031, 3, 11, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
"""A Tuesday morning after every todo a test adds (they carry the real time), so the standup window is Monday."""

AppFactory = Callable[..., PiperChatApp]


def fixed_now() -> dt.datetime:
    return NOW


def llm_settings(base_url: str, **chat: object) -> Settings:
    """Return settings whose conversation and drafting models are the loopback double at ``base_url``."""
    task = LLMTaskSettings(provider="openai_compatible", model="double-model", base_url=base_url)
    return Settings(
        identity={"timezone": "Europe/Berlin"},
        llm=LLMSettings(conversation=task, drafting=task, timeout_seconds=5, max_retries=0),
        chat=chat or {},
    )


@pytest.fixture
def make_app(isolated_environment: Path) -> AppFactory:
    """Return a factory of chat apps on the test's own database, with the clock fixed at ``NOW``.

    The standup panel reads only the todos source and an empty folder, so
    it does not depend on the checkout the tests run in.
    """
    empty_folder = isolated_environment / "no-repositories"
    empty_folder.mkdir(exist_ok=True)

    def build(settings: Settings | None = None, **app_options: object) -> PiperChatApp:
        chosen = settings or Settings(identity={"timezone": "Europe/Berlin"})
        options = BackendOptions(
            settings=chosen,
            now=fixed_now,
            standup=StandupOptions(sources=["todos"], cwd=empty_folder),
        )
        return PiperChatApp(backend_factory=lambda: ChatBackend(options), settings=chosen, **app_options)

    return build


async def settle(app: PiperChatApp, pilot: object) -> None:
    """Wait until the app is loaded and no worker runs, then let the screen catch up."""
    await app.wait_until_loaded()
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def send(app: PiperChatApp, pilot: object, text: str) -> None:
    """Type ``text`` into the input and press Enter, without waiting for the reply."""
    await app.wait_until_loaded()
    app.chat_input.load_text(text)
    await pilot.press("enter")  # type: ignore[attr-defined]


async def wait_for(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Poll ``condition`` every 20 ms until it holds; fail the test after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


def messages(app: PiperChatApp) -> list[tuple[str, str]]:
    """Return the log as (speaker, raw markdown) pairs."""
    return [(view.speaker, view.raw) for view in app.log_view.query(MessageView)]
