"""Read git configuration: the user's email through git, a repository's remote URL from its file.

``default_author_email`` runs ``git config`` so that every configuration
file, include and ``includeIf`` applies. ``read_config_file`` parses one
file in Python, which is enough for values that live in the repository's
own ``config``, such as ``remote.origin.url``, and costs no process.
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

from piper.integrations.git._runner import find_git_executable, git_environment

logger = logging.getLogger(__name__)

_SECTION = re.compile(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "\\": "\\", '"': '"'}


def default_author_email(cwd: Path | None = None) -> str | None:
    """Return ``git config user.email`` as seen from ``cwd``, or None when it is unset or git is missing."""
    executable = find_git_executable()
    if executable is None:
        return None

    try:
        completed = subprocess.run(
            [executable, "config", "--get", "user.email"],
            cwd=cwd,
            env=git_environment(),
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.debug("git config user.email failed: %s", error)
        return None

    email = completed.stdout.decode("utf-8", errors="replace").strip()
    return email if completed.returncode == 0 and email else None


def read_config_file(path: Path) -> dict[str, list[str]]:
    """Parse one git config file into ``{"section.subsection.key": [values...]}``.

    Section and key names are lowercased, because git compares them
    case-insensitively, but subsection names keep their case. A key without ``=`` is a boolean true.
    A missing or unreadable file gives an empty mapping.

    NOTE: ``[include]`` and ``[includeIf]`` are not followed.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}

    values: dict[str, list[str]] = {}
    section: str | None = None
    for line in _join_continued_lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue

        if stripped.startswith("["):
            section = _parse_section(stripped)
            continue
        if section is None:
            continue

        name, separator, raw_value = stripped.partition("=")
        key = name.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            continue
        value = _parse_value(raw_value) if separator else "true"
        values.setdefault(f"{section}.{key}", []).append(value)
    return values


def _join_continued_lines(text: str) -> list[str]:
    """Join lines that end with a backslash (git's line continuation) to the next one."""
    lines: list[str] = []
    pending = ""
    for line in text.splitlines():
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending += line[:-1]
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _parse_section(header: str) -> str | None:
    match = _SECTION.match(header)
    if match is None:
        return None
    name, subsection = match.group(1), match.group(2)
    if subsection is not None:
        unescaped = re.sub(r"\\(.)", r"\1", subsection)
        return f"{name.lower()}.{unescaped}"
    # The deprecated [section.subsection] form lowercases the subsection as well.
    return name.lower()


def _parse_value(raw: str) -> str:
    """Unquote a config value: strip comments outside quotes and apply git's escapes.

    Whitespace at the end is dropped unless it was quoted or escaped.
    """
    result: list[str] = []
    kept_length = 0
    in_quotes = False
    index = 0
    raw = raw.strip()
    while index < len(raw):
        character = raw[index]
        if character == "\\" and index + 1 < len(raw):
            result.append(_ESCAPES.get(raw[index + 1], raw[index + 1]))
            kept_length = len(result)
            index += 2
            continue

        if character == '"':
            in_quotes = not in_quotes
        elif character in "#;" and not in_quotes:
            break
        else:
            result.append(character)
            if in_quotes or not character.isspace():
                kept_length = len(result)
        index += 1
    return "".join(result[:kept_length])
