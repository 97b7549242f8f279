"""Time what the LLM providers add: importing each SDK, and one call's overhead against a loopback double.

Run: .venv/bin/python benchmarks/bench_llm.py [--runs 7] [--calls 200]

Import times come from fresh interpreters, so each includes nothing that
an earlier run cached in memory. Call times come from one process that
sends ``--calls`` non-streaming requests to ``tests/doubles/llm_server.py``
through Piper's provider (timeouts, retries, breaker) and through the bare
SDK client, so the difference is Piper's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPORT_SCRIPT = "import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"


def time_import(module: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT.format(module=module)], capture_output=True, text=True, check=True)
        times.append(float(output.stdout))
    return times


def time_first_call(kind: str, runs: int) -> list[float]:
    """Time get_provider plus the first complete() in a fresh process: SDK import and client set-up included."""
    script = f"""
import asyncio, os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from tests.doubles.llm_server import LLMServer
from piper.config import LLMSettings, LLMTaskSettings, Settings
from piper.integrations.llm import get_provider

async def main():
    with LLMServer() as server:
        url = server.anthropic_base_url if {kind!r} == "anthropic" else server.openai_base_url
        settings = Settings(llm=LLMSettings(conversation=LLMTaskSettings(provider={kind!r}, model="m", base_url=url)))
        started = time.perf_counter()
        provider = get_provider("conversation", settings)
        await provider.complete([{{"role": "user", "content": "hi"}}], max_tokens=16)
        print(time.perf_counter() - started)
        await provider.aclose()

asyncio.run(main())
"""
    environment = {**os.environ, "ANTHROPIC_API_KEY": "sk-bench", "OPENAI_API_KEY": "sk-bench"}
    times = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment)
        times.append(float(output.stdout))
    return times


async def time_calls(kind: str, calls: int) -> tuple[list[float], list[float]]:
    """Return per-call seconds through Piper's provider and through the bare SDK client."""
    from piper.config import LLMSettings, LLMTaskSettings, Settings
    from piper.integrations.llm import get_provider
    from tests.doubles.llm_server import LLMServer

    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-bench")
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench")
    messages = [{"role": "user", "content": "What is on my todo list?"}]

    with LLMServer() as server:
        url = server.anthropic_base_url if kind == "anthropic" else server.openai_base_url
        settings = Settings(llm=LLMSettings(conversation=LLMTaskSettings(provider=kind, model="m", base_url=url)))  # type: ignore[arg-type]
        provider = get_provider("conversation", settings)
        assert provider is not None
        client = provider._client()

        async def bare_call() -> None:
            if kind == "anthropic":
                await client.messages.create(model="m", max_tokens=16, messages=messages)
            else:
                await client.chat.completions.create(model="m", max_tokens=16, messages=messages)

        await provider.complete(messages, max_tokens=16)
        await bare_call()

        wrapped, bare = [], []
        for _ in range(calls):
            started = time.perf_counter()
            await provider.complete(messages, max_tokens=16)
            wrapped.append(time.perf_counter() - started)

            started = time.perf_counter()
            await bare_call()
            bare.append(time.perf_counter() - started)
        await provider.aclose()
    return wrapped, bare


def milliseconds(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms (best {min(values) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per import timing")
    parser.add_argument("--calls", type=int, default=200, help="requests per provider for the call overhead")
    arguments = parser.parse_args()

    for module in ("piper.integrations.llm", "keyring", "openai", "anthropic"):
        print(f"import {module}: {milliseconds(time_import(module, arguments.runs))}")

    for kind in ("anthropic", "openai", "openai_compatible"):
        print(f"{kind}: first call in a fresh process: {milliseconds(time_first_call(kind, arguments.runs))}")

    for kind in ("anthropic", "openai", "openai_compatible"):
        wrapped, bare = asyncio.run(time_calls(kind, arguments.calls))
        overhead = (statistics.median(wrapped) - statistics.median(bare)) * 1000
        print(f"{kind}: call through Piper {milliseconds(wrapped)}, bare SDK {milliseconds(bare)}, overhead {overhead:+.2f} ms")


if __name__ == "__main__":
    main()
