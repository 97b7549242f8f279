"""`piper classify`: show how Piper reads a message (category, action, confidence, entities)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any, Optional

import typer

from piper.cli import output
from piper.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from piper.intent.classifier import IntentClassifier


def classify(
    text: Optional[str] = typer.Argument(None, help="The message to classify, in quotes, or - to read it from standard input."),
    json_flag: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Read one message per line from standard input and print one JSON object per line."
    ),
) -> None:
    """Classify a message into an intent without acting on it."""
    output.set_json_mode(json_flag)

    if jsonl:
        if text is not None:
            raise UsageError("--jsonl reads messages from standard input and takes no TEXT argument.")
        _classify_lines()
        return

    if text is None:
        raise UsageError("Missing TEXT.", hint='Run piper classify "file a bug in acme/web", or pass - to read standard input.')
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("TEXT is empty; give a message to classify.")

    import asyncio

    classifier = _classifier()
    with asyncio.Runner() as runner:
        try:
            intent = runner.run(classifier.classify(text, now=_now()))
        finally:
            runner.run(_close(classifier))
    if json_flag:
        output.print_success(intent.to_json())
        return
    typer.echo(_describe(intent.to_json()))


_BLANK_LINE = {"category": "UNKNOWN", "action": "unknown", "confidence": 0.0, "entities": {}, "classifier": "rules"}
"""The object printed for a blank input line in ``--jsonl`` mode."""


def _classify_lines() -> None:
    """Classify each line of standard input with one loaded model, printing one object per line.

    A blank line gets an ``unknown`` object with confidence 0, so output line N always
    belongs to input line N.
    """
    import asyncio

    classifier = _classifier()
    now = _now()
    # One event loop for every line: the LLM provider's HTTP connections belong to the loop that opened them.
    with asyncio.Runner() as runner:
        try:
            for line in sys.stdin:
                if not line.strip():
                    sys.stdout.write(json.dumps(_BLANK_LINE, ensure_ascii=False) + "\n")
                    continue
                intent = runner.run(classifier.classify(line, now=now))
                sys.stdout.write(json.dumps(intent.to_json(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
        finally:
            runner.run(_close(classifier))


def _classifier() -> IntentClassifier:
    # Imported here: the classifier pulls in numpy and onnxruntime, which --help must not pay for.
    from piper.config import load_settings
    from piper.intent.classifier import IntentClassifier
    from piper.intent.llm_classifier import build_llm_classifier

    # TODO: pass the database's project names as known_projects once the core exposes a cheap lookup.
    return IntentClassifier(llm=build_llm_classifier(load_settings()))


async def _close(classifier: IntentClassifier) -> None:
    """Close the LLM provider's connections, if there is a provider, before the event loop ends."""
    close = getattr(classifier.llm, "aclose", None)
    if close is not None:
        await close()


def _now() -> dt.datetime:
    """Return the current time in the configured time zone, else the system's."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from piper.config import load_settings

    name = load_settings().identity.timezone
    if not name:
        return dt.datetime.now().astimezone()
    try:
        return dt.datetime.now(ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Unknown time zone {name!r} in identity.timezone.", hint="Use an IANA name such as Europe/Berlin."
        ) from None


def _describe(data: dict[str, Any]) -> str:
    """Return one line such as ``EXECUTION/create_issue 0.93 (rules) repository=acme/web``."""
    entities = " ".join(f"{key}={value}" for key, value in data["entities"].items())
    line = f"{data['category']}/{data['action']} {data['confidence']:.2f} ({data['classifier']})"
    return f"{line} {entities}" if entities else line
