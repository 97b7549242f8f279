"""`piper personality`: show and set how Piper words its replies (the ``personality:`` section of PIPER.user.md)."""

from __future__ import annotations

import enum
import sys
from pathlib import Path

import typer

from piper.cli import output
from piper.errors import UsageError

app = typer.Typer(help="Show and set how Piper words its replies.", no_args_is_help=True, rich_markup_mode=None)


class PersonalityKey(str, enum.Enum):
    WARMTH = "warmth"
    CONFIDENCE_DISPLAY = "confidence_display"
    ACTION_ORIENTATION = "action_orientation"
    TECHNICAL_DEPTH = "technical_depth"


@app.command("show")
def show(json_flag: bool = typer.Option(False, "--json", help="Print the profile as JSON.")) -> None:
    """Show the personality profile, with defaults for keys the file does not set."""
    from piper.config import load_settings

    output.set_json_mode(json_flag)
    profile = load_settings().personality.model_dump(mode="json")
    if json_flag:
        output.print_success(profile)
        return
    for key, value in profile.items():
        sys.stdout.write(f"{key}: {value}\n")


@app.command("set")
def set_value(
    key: PersonalityKey = typer.Argument(..., help="The setting to change."),
    value: str = typer.Argument(..., help="low, medium or high; for confidence_display: hidden, when_unsure or always."),
) -> None:
    """Set one personality key in PIPER.user.md, keeping the rest of the file as it is."""
    from pydantic import ValidationError

    from piper.config import PersonalitySettings, parse_settings
    from piper.paths import user_config_path

    try:
        PersonalitySettings.model_validate({key.value: value})
    except ValidationError:
        allowed = "hidden, when_unsure or always" if key is PersonalityKey.CONFIDENCE_DISPLAY else "low, medium or high"
        raise UsageError(f"Invalid value {value!r} for {key.value}; use {allowed}.") from None

    path = user_config_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    updated = _with_value(text, key.value, value, path)

    # Check the whole file before writing, so a set never leaves a file that Piper cannot read.
    parse_settings(updated, path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
    typer.echo(f"Set personality.{key.value} to {value} in {path}.", err=True)


def _with_value(text: str, key: str, value: str, path: Path) -> str:
    """Return ``text`` with ``personality.KEY`` set to ``value``: the key's line is replaced, or a line or block is added."""
    from piper.yaml_blocks import parse_yaml_blocks

    document = parse_yaml_blocks(text, path=path)
    lines = text.splitlines(keepends=True)

    key_line = document.lines.get(("personality", key))
    if key_line is not None:
        old = lines[key_line - 1]
        indent = old[: len(old) - len(old.lstrip())]
        lines[key_line - 1] = f"{indent}{key}: {value}\n"
        return "".join(lines)

    section_line = document.lines.get(("personality",))
    if section_line is not None:
        header = lines[section_line - 1]
        if header.split(":", 1)[1].strip():
            raise UsageError(
                f"{path}:{section_line}: personality is written on one line; write its keys indented below it, then run this again."
            )
        indent = header[: len(header) - len(header.lstrip())] + "  "
        lines.insert(section_line, f"{indent}{key}: {value}\n")
        return "".join(lines)

    # The new block goes after one blank line.
    separator = "\n\n"
    if not text or text.endswith("\n\n"):
        separator = ""
    elif text.endswith("\n"):
        separator = "\n"
    return f"{text}{separator}```yaml\npersonality:\n  {key}: {value}\n```\n"
