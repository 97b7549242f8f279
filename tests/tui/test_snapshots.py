"""Snapshot tests of the chat's main screens at 80x24 and at 160x48.

The clock is fixed, the screens are taken when no worker runs (so no
spinner frame shows) and the cursor does not blink. Update the SVG files
with ``pytest tests/tui/test_snapshots.py --snapshot-update`` after a
deliberate change, and look at them before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, send, settle, wait_for

SMALL = (80, 24)
LARGE = (160, 48)

SnapCompare = Callable[..., bool]


def chat_with(messages: Sequence[str], *, keys: Sequence[str] = (), until: Callable[[Pilot], bool] | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """Return a ``run_before`` that sends ``messages`` one by one, then presses ``keys``."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        app.chat_input.cursor_blink = False  # type: ignore[attr-defined]
        for text in messages:
            await send(app, pilot, text)  # type: ignore[arg-type]
            if until is not None and text == messages[-1]:
                await wait_for(lambda: until(pilot))
            else:
                await settle(app, pilot)  # type: ignore[arg-type]
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)  # type: ignore[arg-type]
        app.clear_notifications()
        await pilot.pause()

    return run_before


TODO_CHAT = ["add a todo to ship the beta, urgent", "add a todo to call Grace", "what's on my todo list", "create a project"]


def test_main_screen_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=chat_with(TODO_CHAT))


def test_main_screen_large(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=chat_with(TODO_CHAT))


def test_confirm_dialog_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    from piper.tui.screens import ConfirmScreen

    messages = ["add a todo to call Grace", "delete the grace todo"]
    run_before = chat_with(messages, until=lambda pilot: isinstance(pilot.app.screen, ConfirmScreen))
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)


def test_standup_panel_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    messages = ["add a todo to ship the beta, urgent", "block todo 1 because legal review pending"]
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=chat_with(messages, keys=["ctrl+s"]))


def test_todo_panel_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    messages = ["add a todo to ship the beta, urgent", "add a todo to call Grace"]
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=chat_with(messages, keys=["ctrl+t"]))


def test_help_panel_large(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=chat_with([], keys=["f1"]))
