"""Time ``piper chat``: the first paint in a fresh process, and the latency of offline replies.

Usage: python benchmarks/bench_tui.py [--runs 7] [--turns 15] [--conversations 200] [--todos 30]

The script fills a temporary data folder with ``--conversations``
conversations of 10 turns each and ``--todos`` todos, through the core's
repositories. It then:

- starts a fresh Python process ``--runs`` times (after one warm-up) that
  imports the chat as ``piper chat`` does and runs it headless. It reports
  the wall time from spawning the process to Textual's Ready event, which
  follows the first frame, and to the loaded conversation list;
- drives one app in process with Textual's Pilot and times ``--turns``
  offline replies of each kind, from pressing Enter to the reply in the log.
  The first turn of the process is reported apart, because it waits for the
  classifier model to finish loading.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import faulthandler, json, sys, time
faulthandler.dump_traceback_later(60, exit=True)
from piper.config import load_settings
from piper.tui.app import PiperChatApp
from piper.tui.backend import BackendOptions, ChatBackend

marks = {}

class TimedApp(PiperChatApp):
    # Textual calls PiperChatApp.on_ready itself after this handler; calling it here too opened a second backend.
    def on_ready(self):
        marks["first_paint"] = time.time()
        self.run_worker(self._stop_when_loaded())

    async def _stop_when_loaded(self):
        await self.wait_until_loaded()
        marks["loaded"] = time.time()
        await self.action_quit()

settings = load_settings()
app = TimedApp(backend_factory=lambda: ChatBackend(BackendOptions(settings=settings, warm_up=False)), settings=settings)
app.run(headless=True, size=(80, 24))
print(json.dumps(marks))
"""

TURNS = {
    "add a todo": "add a todo to review pull request {n}",
    "list todos": "what's on my todo list",
    "unknown, offline": "the purple elephant sings at dawn {n}",
}


def populate(conversations: int, todos: int) -> None:
    """Fill the data folder named by ``PIPER_DATA_DIR`` with conversations and todos."""

    async def fill() -> None:
        from piper.domain.conversation import Role
        from piper.storage import open_database
        from piper.storage.repositories.conversations import ConversationRepository

        async with open_database() as db:
            stored = ConversationRepository(db)
            for index in range(todos):
                await db.todos.add(f"benchmark todo {index}")
            for index in range(conversations):
                conversation = await stored.create()
                for turn in range(5):
                    await stored.add_turn(conversation.id, Role.USER, f"message {turn} of conversation {index}")
                    await stored.add_turn(conversation.id, Role.ASSISTANT, f"reply {turn} with **markdown**")

    asyncio.run(fill())


def first_paint(runs: int, env: dict[str, str]) -> list[tuple[float, float]]:
    """Return (seconds to the first frame, seconds to the loaded conversation list) for each run after a warm-up."""
    samples = []
    for run in range(runs + 1):
        started = time.time()
        completed = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=90)
        if completed.returncode != 0:
            raise SystemExit(f"the timed chat process failed:\n{completed.stderr}")
        marks = json.loads(completed.stdout.strip().splitlines()[-1])
        if run:
            samples.append((marks["first_paint"] - started, marks["loaded"] - started))
    return samples


async def turn_latency(turns: int) -> dict[str, list[float]]:
    """Return the seconds from Enter to the reply in the log for each kind of offline turn; the first turn is its own kind."""
    from piper.config import Settings
    from piper.tui.app import PiperChatApp
    from piper.tui.backend import BackendOptions, ChatBackend
    from piper.tui.widgets import MessageView

    settings = Settings()
    app = PiperChatApp(backend_factory=lambda: ChatBackend(BackendOptions(settings=settings)), settings=settings, new=True)
    samples: dict[str, list[float]] = {"first turn (add a todo)": []}
    samples.update({kind: [] for kind in TURNS})
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()

        def latest() -> MessageView | None:
            views = app.log_view.query(MessageView)
            return views.last() if views else None

        async def timed(text: str) -> float:
            # The log keeps a fixed number of messages, so a new reply shows as a new last view, not a longer log.
            previous = latest()
            app.chat_input.load_text(text)
            started = time.perf_counter()
            await pilot.press("enter")
            while (view := latest()) is previous or view is None or view.speaker != "assistant":
                await asyncio.sleep(0.001)
            elapsed = time.perf_counter() - started
            await app.workers.wait_for_complete()
            return elapsed

        samples["first turn (add a todo)"].append(await timed("add a todo to start the benchmark"))
        for n in range(turns):
            for kind, template in TURNS.items():
                samples[kind].append(await timed(template.format(n=n)))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--turns", type=int, default=15)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--todos", type=int, default=30)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="piper-bench-tui-") as folder:
        env = {**os.environ, "HOME": folder, "PIPER_DATA_DIR": f"{folder}/data", "PIPER_CONFIG_DIR": f"{folder}/config"}
        env.pop("PIPER_DATABASE_URL", None)
        os.environ.update({key: env[key] for key in ("HOME", "PIPER_DATA_DIR", "PIPER_CONFIG_DIR")})
        os.environ.pop("PIPER_DATABASE_URL", None)

        populate(arguments.conversations, arguments.todos)
        print(f"data: {arguments.conversations} conversations of 10 turns, {arguments.todos} todos")

        paints = first_paint(arguments.runs, env)
        painted = [sample[0] for sample in paints]
        loaded = [sample[1] for sample in paints]
        print(f"first paint: median {statistics.median(painted):.3f} s, best {min(painted):.3f} s ({arguments.runs} runs)")
        print(f"conversation list loaded: median {statistics.median(loaded):.3f} s, best {min(loaded):.3f} s")

        latencies = asyncio.run(turn_latency(arguments.turns))
        for kind, values in latencies.items():
            if len(values) == 1:
                print(f"turn, {kind}: {values[0] * 1000:.0f} ms")
            else:
                print(f"turn, {kind}: median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms ({len(values)} turns)")


if __name__ == "__main__":
    main()
