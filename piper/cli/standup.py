"""`piper standup`: yesterday's accomplishments, today's priorities and blockers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from piper.cli import output
from piper.errors import PiperError, UsageError

if TYPE_CHECKING:
    from piper.standup.model import StandupReport

FORMAT_HELP = "Output format: rich (default on a terminal), text (default when piped), markdown, json or slack."


def _choose_format(format_name: str | None, json_flag: bool, output_file: Path | None, configured: str | None) -> str:
    from piper.standup.render import FORMATS

    if json_flag:
        if format_name and format_name != "json":
            raise UsageError(f"--json conflicts with --format {format_name}; use one of them.")
        return "json"
    if format_name:
        if format_name not in FORMATS:
            raise UsageError(f"--format: invalid format {format_name!r}. Choose from {', '.join(FORMATS)}.")
        return format_name
    if output_file is not None:
        suffix = output_file.suffix.lower()
        return {".md": "markdown", ".markdown": "markdown", ".json": "json"}.get(suffix, "text")
    if configured:
        return configured
    return "rich" if sys.stdout.isatty() else "text"


def _write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that Ctrl-C never leaves half a report.

    A regular file is replaced through a temporary file and keeps its mode;
    a new file gets the mode the umask allows. A symbolic link is followed
    and its target replaced, and a FIFO or device is written to directly.
    """
    import os
    import stat
    import tempfile

    target = path.expanduser()
    if target.is_dir():
        raise UsageError(f"--output: {path} is a folder; give a file name.")
    target = target.resolve()
    if not target.parent.exists():
        raise UsageError(f"--output: the folder {target.parent} does not exist.")

    try:
        existing = target.stat() if target.exists() else None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(text)
            return

        if existing is not None:
            mode = stat.S_IMODE(existing.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask

        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PiperError(f"could not write {path}: {exc.strerror or exc}.") from None


def _emit(report: StandupReport, format_name: str, output_file: Path | None, *, posted: dict | None = None) -> None:
    from piper.standup.render import render_text_format

    data = report.to_json()
    if posted is not None:
        data["posted"] = posted
    if output_file is not None:
        if format_name == "json":
            from piper.cli.output import dumps

            _write_file(output_file, dumps({"status": "success", "data": data}) + "\n")
        else:
            _write_file(output_file, render_text_format(report, format_name))
        # An explicit --json still promises one JSON document on stdout.
        if output.session.json_mode:
            output.print_success(data)
        else:
            sys.stderr.write(f"Wrote the standup to {output_file}.\n")
        return

    if format_name == "json":
        output.print_success(data)
        return
    if format_name == "rich":
        from rich.console import Console

        from piper.standup.render.rich import build

        Console(highlight=False).print(build(report))
        return
    sys.stdout.write(render_text_format(report, format_name))


def _show_history(limit: int) -> None:
    import asyncio

    from piper.standup.history import list_runs

    runs = asyncio.run(list_runs(limit=limit))
    if output.session.json_mode:
        output.print_success({"runs": runs})
        return
    if not runs:
        typer.echo("No standups stored yet. Run `piper standup` to create one.")
        return
    for run in runs:
        counts = run["counts"]
        typer.echo(
            f"{run['id']:>5}  {run['date']}  generated {run['generated_at'][:16].replace('T', ' ')}  "
            f"{counts['yesterday']} done, {counts['today']} today, {counts['blockers']} blocked"
        )
    typer.echo("Show one with `piper standup --show ID`.")


def standup(
    date: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Day the standup is for, YYYY-MM-DD (default: today)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Start of the window, ISO date or datetime (overrides the default)."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="End of the window, ISO date or datetime; a date includes that whole day."),
    author: list[str] = typer.Option([], "--author", "-a", metavar="NAME|EMAIL|all", help="Name or email whose work counts, or 'all'. Repeatable. Default: your configured identity, else git user.email."),
    repo: list[str] = typer.Option([], "--repo", "-r", metavar="PATH", help="Repository to read. Repeatable. Default: the configured ones, else the current one."),
    scan: list[str] = typer.Option([], "--scan", metavar="DIR", help="Find repositories below this folder. Repeatable."),
    depth: Optional[int] = typer.Option(None, "--depth", metavar="N", help="Folder levels below --scan to search (default 3)."),
    workdays: Optional[str] = typer.Option(None, "--workdays", metavar="DAYS", help="Work week, such as Mon-Fri or Sun-Thu (default: configured, else Mon-Fri)."),
    source: list[str] = typer.Option([], "--source", "-s", metavar="SOURCE", help="Source to use: git, github, todos or calendar. Repeatable. Default: every configured source."),
    format_name: Optional[str] = typer.Option(None, "--format", "-f", metavar="FORMAT", help=FORMAT_HELP),
    json_flag: bool = typer.Option(False, "--json", help="Print the JSON envelope (same as --format json)."),
    output_file: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the standup to this file instead of stdout."),
    post: Optional[str] = typer.Option(None, "--post", metavar="TARGET", help="Also post the standup: slack:#channel, or notion:PAGE_ID for a new page below that page."),
    follow_links: Optional[bool] = typer.Option(None, "--follow-links/--no-follow-links", help="Follow symbolic links to folders while scanning."),
    nested: Optional[bool] = typer.Option(None, "--nested/--no-nested", help="Also look for repositories inside found repositories."),
    save: bool = typer.Option(True, "--save/--no-save", help="Store this standup in the history."),
    history: bool = typer.Option(False, "--history", help="List stored standups instead of generating one."),
    show: Optional[int] = typer.Option(None, "--show", metavar="ID", help="Show a stored standup by its id from --history."),
    limit: int = typer.Option(20, "--limit", metavar="N", help="Number of stored standups --history lists."),
) -> None:
    """Report the previous working day: what you did, what is in flight, what is stuck."""
    output.set_json_mode(json_flag or (format_name == "json" and output_file is None))
    chosen_format = _choose_format(format_name, json_flag, output_file, None)

    if history:
        if limit < 1:
            raise UsageError(f"--limit: invalid value {limit}; use 1 or more.")
        _show_history(limit)
        return

    if show is not None:
        import asyncio

        from piper.standup.history import load_run

        stored = asyncio.run(load_run(show))
        _emit(stored, chosen_format, output_file)
        return

    from piper.config import load_settings
    from piper.standup.request import StandupOptions, build_request

    settings = load_settings()
    target = None
    if post is not None:
        from piper.standup.publish import parse_target

        # Checked before any work, so a typo costs no run.
        target = parse_target(post, settings)
    if format_name is None and not json_flag and output_file is None and settings.standup.format:
        chosen_format = _choose_format(None, False, None, settings.standup.format)
        output.set_json_mode(chosen_format == "json")

    options = StandupOptions(
        date=date,
        since=since,
        until=until,
        authors=author,
        repos=repo,
        scan=scan,
        depth=depth,
        workdays=workdays,
        sources=source,
        follow_links=follow_links,
        scan_nested=nested,
    )
    request = build_request(options, settings)
    outcome = _run(request, save=save)
    if target is None:
        _emit(outcome.report, chosen_format, output_file)
        return
    _emit_and_post(outcome, target, settings, chosen_format, output_file)


def _emit_and_post(outcome, target, settings, format_name: str, output_file: Path | None) -> None:  # noqa: ANN001 - types imported lazily
    """Print the standup and post it to ``target``; when the post fails, the output still contains the standup.

    With JSON on stdout the post comes first, so the one document can carry
    ``data.posted``, or, when the post fails, the error envelope with the
    standup in ``details.standup``. Otherwise the standup is printed first
    and the post's result or error follows on stderr.
    """
    import asyncio

    from piper.standup.publish import post_report

    if output.session.json_mode:
        try:
            posted = asyncio.run(post_report(target, outcome.report, settings))
        except PiperError as error:
            error.details["standup"] = outcome.report.to_json()
            error.message = f"The standup was generated but posting it to {target} failed: {error.message}"
            raise
        _emit(outcome.report, format_name, output_file, posted=posted)
        return

    _emit(outcome.report, format_name, output_file)
    sys.stdout.flush()
    try:
        posted = asyncio.run(post_report(target, outcome.report, settings))
    except PiperError as error:
        saved = f" It is saved as run {outcome.run_id}; show it again with `piper standup --show {outcome.run_id}`." if outcome.run_id else ""
        error.message = f"The standup was generated but posting it to {target} failed: {error.message}{saved}"
        raise
    sys.stderr.write(f"Posted the standup to {_describe_post(posted)}.\n")


def _describe_post(posted: dict) -> str:
    if posted["service"] == "notion":
        return f"a new Notion page {posted.get('url') or posted.get('id')}"
    where = f"#{posted['channel_name']}" if posted.get("channel_name") else posted["channel"]
    count = posted["parts"]
    return f"{where} ({count} message{'' if count == 1 else 's'})"


def _run(request, *, save: bool):  # noqa: ANN001, ANN202 - types imported lazily
    import asyncio

    from piper.standup.progress_view import progress_for_terminal
    from piper.standup.service import run_standup

    async def main():  # noqa: ANN202
        with progress_for_terminal() as progress:
            return await run_standup(request, progress=progress, save=save)

    return asyncio.run(main())
