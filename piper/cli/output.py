"""Printing results and errors: the JSON envelope, plain messages and exit codes.

Every command that takes ``--json`` prints exactly one JSON document on
stdout: ``{"status": "success", "data": ...}`` or ``{"status": "error",
"error": ..., "details": ...}``. Logs and progress go to stderr.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sys
from pathlib import Path
from typing import Any

from piper.errors import PiperError


class _Session:
    """Per-process output settings, filled by the root callback and commands."""

    json_mode: bool = False
    """True once a command has been asked for ``--json`` output."""

    debug: bool = False
    """True when ``--debug`` asked for tracebacks of expected failures."""


session = _Session()


def set_json_mode(enabled: bool) -> None:
    """Record that the running command prints JSON, so errors use the envelope too."""
    session.json_mode = session.json_mode or enabled


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, enums, paths and datetimes into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def dumps(document: Any) -> str:
    """Serialise a document as indented UTF-8 JSON (non-ASCII kept as is)."""
    return json.dumps(to_jsonable(document), ensure_ascii=False, indent=2)


def print_success(data: Any) -> None:
    """Print the success envelope around ``data`` on stdout."""
    sys.stdout.write(dumps({"status": "success", "data": data}) + "\n")
    sys.stdout.flush()


def print_error(error: PiperError) -> None:
    """Report an expected failure: the JSON envelope in JSON mode, else a message on stderr."""
    if session.json_mode:
        envelope = {"status": "error", "error": error.message, "details": dict(error.details)}
        if error.hint:
            envelope["details"].setdefault("hint", error.hint)
        sys.stdout.write(dumps(envelope) + "\n")
        sys.stdout.flush()
        return

    from rich.console import Console
    from rich.markup import escape

    # emoji=False: a message naming "plan:smile:.md" must show that name, not an emoji.
    console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    console.print(f"[bold red]Error:[/] {escape(error.message)}")
    if error.hint:
        console.print(f"[dim]{escape(error.hint)}[/]")
