"""`piper config`: create, show, locate and validate ``PIPER.user.md``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from piper.cli import output
from piper.errors import ConfigError, PiperError, UsageError

if TYPE_CHECKING:
    from piper.config import Settings

app = typer.Typer(help="Create, show and check your settings file, PIPER.user.md.", no_args_is_help=True, rich_markup_mode=None)

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "PIPER.user.md"
"""The starter file that ``piper config init`` fills in."""

# Values written commented out when they cannot be detected, so the user sees the expected form.
_PLACEHOLDER_EXAMPLES = {"name": "Your Name", "emails": ["you@example.com"], "timezone": "Europe/Berlin"}


@app.command("init")
def init(
    force: bool = typer.Option(False, "--force", help="Replace an existing file and keep the old one as a timestamped backup."),
    to_stdout: bool = typer.Option(False, "--stdout", help="Print the starter file instead of writing it."),
    json_flag: bool = typer.Option(False, "--json", help="Print the JSON envelope with the written path."),
) -> None:
    """Write a starter PIPER.user.md with your git name, email and time zone."""
    output.set_json_mode(json_flag)
    if to_stdout and json_flag:
        raise UsageError("--stdout conflicts with --json; use one of them.")

    from piper import paths

    detected = _detect_identity()
    text = render_starter(**detected)
    if to_stdout:
        sys.stdout.write(text)
        return

    target = paths.user_config_path()
    backup = _write_config(target, text, force=force)

    if json_flag:
        output.print_success({"path": target, "backup": backup, "detected": detected})
        return
    typer.echo(f"Wrote {target}.")
    if backup is not None:
        typer.echo(f"Kept the previous file as {backup}.")
    typer.echo("Edit it, then check it with `piper config validate`.")


@app.command("show")
def show(json_flag: bool = typer.Option(False, "--json", help="Print the settings as JSON in the envelope.")) -> None:
    """Print the settings Piper uses and the line each one comes from."""
    output.set_json_mode(json_flag)
    from piper import paths
    from piper.config import load_settings

    path = paths.user_config_path()
    settings = load_settings(path)
    if json_flag:
        data = settings.model_dump(mode="json")
        data.update(path=str(path), exists=settings.source_path is not None, key_lines=settings.key_lines)
        output.print_success(data)
        return
    sys.stdout.write(format_settings(settings, path))


@app.command("path")
def path_command(json_flag: bool = typer.Option(False, "--json", help="Print the path and whether it exists as JSON.")) -> None:
    """Print the path of PIPER.user.md (on stderr: whether it exists)."""
    output.set_json_mode(json_flag)
    from piper import paths

    path = paths.user_config_path()
    exists = path.is_file()
    if json_flag:
        output.print_success({"path": path, "exists": exists})
        return
    typer.echo(str(path))
    if exists:
        typer.echo("The file exists.", err=True)
    else:
        typer.echo("The file does not exist yet; `piper config init` creates it.", err=True)


@app.command("validate")
def validate(
    file: Optional[Path] = typer.Argument(None, help="File to check (default: your PIPER.user.md)."),
    json_flag: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check a settings file and list every problem with its line (exit 1 on any problem)."""
    output.set_json_mode(json_flag)
    from piper import paths
    from piper.config import load_settings

    path = paths.user_config_path() if file is None else file
    if not path.exists():
        raise ConfigError(f"{path}: not found.", hint="Run `piper config init` to create it.", details={"path": str(path)})

    try:
        load_settings(path)
    except ConfigError as error:
        raise _with_all_problems(error) from None

    if json_flag:
        output.print_success({"path": path, "valid": True})
        return
    typer.echo(f"{path} is valid.")


def _with_all_problems(error: ConfigError) -> ConfigError:
    """Return ``error``, or one listing every problem when validation found several."""
    problems = error.details.get("problems", [])
    if len(problems) < 2:
        return error
    lines = [problem["message"] + (f" {problem['hint']}" if problem["hint"] else "") for problem in problems]
    return ConfigError(
        "\n".join(lines),
        hint=f"Fix these {len(problems)} problems, then run `piper config validate` again.",
        details=error.details,
    )


# --- Building the starter file -----------------------------------------------------


def _detect_identity() -> dict[str, Any]:
    """Return the name and email from git config and the system's time zone, each None when unknown."""
    from piper.config import is_email
    from piper.standup.window import system_timezone

    email = _git_config("user.email")
    return {
        "name": _git_config("user.name"),
        "emails": [email] if email and is_email(email) else None,
        # A fixed UTC offset (the last resort of system_timezone) has no IANA name and is skipped.
        "timezone": getattr(system_timezone(), "key", None),
    }


def _git_config(key: str) -> str | None:
    import subprocess

    try:
        completed = subprocess.run(
            ["git", "config", "--get", key],
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = completed.stdout.strip()
    return value if completed.returncode == 0 and value else None


def render_starter(*, name: str | None, emails: list[str] | None, timezone: str | None) -> str:
    """Fill the starter template. A value that is None leaves its line commented out, with an example.

    Raises:
        PiperError: The filled-in template does not parse, which is a bug in the template.
    """
    from piper.config import parse_settings

    values = {"name": name, "emails": emails, "timezone": timezone}
    lines = []
    for line in TEMPLATE.read_text(encoding="utf-8").split("\n"):
        for key, value in values.items():
            marker = "{{" + key + "}}"
            if marker not in line:
                continue
            if value is None:
                indent = line[: len(line) - len(line.lstrip())]
                line = indent + "# " + line.lstrip().replace(marker, _yaml_value(_PLACEHOLDER_EXAMPLES[key]))
            else:
                line = line.replace(marker, _yaml_value(value))
        lines.append(line)
    text = "\n".join(lines)

    try:
        parse_settings(text, path=TEMPLATE)
    except ConfigError as error:
        raise PiperError(f"the starter file does not parse: {error.message}", hint="Report this as a bug in Piper.") from None
    return text


def _yaml_value(value: Any) -> str:
    """Format a value as inline YAML, quoting only where YAML needs it."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    # A plain scalar is dumped as a document with an explicit end marker.
    return text.removesuffix("\n").removesuffix("\n...")


def _write_config(target: Path, text: str, *, force: bool) -> Path | None:
    """Write ``text`` to ``target`` atomically and return the backup path of a replaced file.

    Raises:
        ConfigError: ``target`` exists and ``force`` is off, or writing fails.
    """
    import os
    import tempfile

    if target.exists() and not force:
        raise _exists_error(target)
    if target.parent.exists() and not target.parent.is_dir():
        raise ConfigError(
            f"{target.parent} is a file, not a folder.",
            hint="Move the file away, or point PIPER_CONFIG_DIR at another folder.",
            details={"path": str(target)},
        )

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        temporary = Path(temporary_name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())

            if not force:
                _link_without_replacing(temporary, target)
                return None
            backup = _back_up(target)
            os.replace(temporary, target)
            return backup
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise ConfigError(
            f"{target}: cannot be written: {error.strerror or error}.",
            hint=f"Check that {target.parent} is a folder you can write to.",
            details={"path": str(target)},
        ) from None


def _link_without_replacing(temporary: Path, target: Path) -> None:
    """Move ``temporary`` to ``target`` unless ``target`` exists, even if it appeared a moment ago."""
    import os

    try:
        # A hard link fails when the target exists, which closes the gap between the check and the write.
        os.link(temporary, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError:
        # NOTE: file systems without hard links fall back to a rename after a second check.
        if target.exists():
            raise _exists_error(target) from None
        os.replace(temporary, target)


def _back_up(target: Path) -> Path | None:
    """Copy ``target`` to ``NAME.YYYYmmdd-HHMMSS.bak`` next to it and return the copy's path."""
    import datetime as dt
    import shutil

    if not target.exists():
        return None
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    backup = target.with_name(f"{target.name}.{stamp}.bak")
    counter = 1
    while backup.exists():
        backup = target.with_name(f"{target.name}.{stamp}-{counter}.bak")
        counter += 1
    shutil.copy2(target, backup)
    return backup


def _exists_error(target: Path) -> ConfigError:
    return ConfigError(
        f"{target} already exists.",
        hint="Edit it, or run `piper config init --force` to replace it (the old file is kept as a backup).",
        details={"path": str(target)},
    )


# --- Showing settings ------------------------------------------------------------------


def format_settings(settings: Settings, path: Path) -> str:
    """Format the settings as YAML, with a comment after each top-level key naming its line or "default"."""
    import yaml

    if settings.source_path is None:
        header = [f"# No settings file at {path}; these are the built-in defaults.", "# `piper config init` creates one."]
    else:
        header = [f"# Settings from {settings.source_path}"]

    sections = []
    for key, value in settings.model_dump(mode="json").items():
        dumped = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
        first, _, rest = dumped.partition("\n")
        line = settings.key_lines.get(key)
        origin = f"line {line}" if line is not None else "default"
        sections.append(f"{first}  # {origin}\n{rest}")
    return "\n".join(header) + "\n\n" + "".join(sections)
