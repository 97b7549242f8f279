"""`piper calendar`: the events of a day from the calendars in PIPER.user.md."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer

from piper.cli import output
from piper.errors import ConfigError, PiperError, UsageError

app = typer.Typer(help="Read your calendars (.ics files and iCal URLs).", no_args_is_help=True, rich_markup_mode=None)


@app.command("today")
def today(
    date: Optional[str] = typer.Option(None, "--date", help="Day to list, as YYYY-MM-DD. Default: today in identity.timezone."),
    json_flag: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """List a day's events with all-day events first. Cancelled and declined events are left out."""
    import asyncio

    from piper.config import load_settings
    from piper.integrations.calendar import configured_locations, not_configured_reason
    from piper.queries.calendar import day_agenda
    from piper.standup.window import resolve_timezone

    output.set_json_mode(json_flag)
    settings = load_settings()
    try:
        timezone = resolve_timezone(settings.identity.timezone)
    except ValueError as error:
        raise ConfigError(f"identity.timezone: {error}") from None
    now = dt.datetime.now(timezone)
    day = _parse_day(date, now.date())

    if not configured_locations(settings):
        raise ConfigError(
            f"no calendar to read: {not_configured_reason(settings)}.",
            hint="Add your .ics files or iCal URLs under 'calendars:' in PIPER.user.md. config/PIPER.user.md shows how.",
        )

    answer = asyncio.run(day_agenda(settings, day=day, now=now))
    if answer.result["calendars_read"] == 0:
        failures = "; ".join(f"{entry['calendar']}: {entry['message']}" for entry in answer.result["errors"])
        raise PiperError(f"no calendar could be read. {failures}", details={"errors": answer.result["errors"]})

    if json_flag:
        output.print_success(answer.result)
        return
    typer.echo(answer.message)


def _parse_day(text: str | None, today: dt.date) -> dt.date:
    if text is None:
        return today
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--date: invalid date {text!r}. Use YYYY-MM-DD, such as {today.isoformat()}.") from None
