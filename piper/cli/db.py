"""`piper db`: where the database is, which schema revision it has, and upgrading it."""

from __future__ import annotations


import typer

from piper.cli import output

app = typer.Typer(help="Show and upgrade Piper's database (PIPER_DATABASE_URL, else SQLite in the data folder).", no_args_is_help=True, rich_markup_mode=None)


@app.command("status")
def status(json_flag: bool = typer.Option(False, "--json", help="Print the status as JSON.")) -> None:
    """Show the database URL (password masked) and its current and latest schema revision."""
    output.set_json_mode(json_flag)
    import asyncio

    from piper.storage import database_status

    result = asyncio.run(database_status())
    data = {
        "url": result.url,
        "backend": result.backend,
        "path": result.path,
        "exists": result.exists,
        "revision": result.revision,
        "head_revision": result.head_revision,
        "up_to_date": result.up_to_date,
    }
    if json_flag:
        output.print_success(data)
        return

    typer.echo(f"Database:  {result.url}")
    if not result.exists:
        revision = "none, the file does not exist yet (the first piper command that needs it creates it)"
    elif result.revision is None:
        revision = "none, the database has no Piper tables yet (run piper db upgrade)"
    elif result.up_to_date:
        revision = f"{result.revision} (up to date)"
    else:
        revision = f"{result.revision}, latest is {result.head_revision} (run piper db upgrade)"
    typer.echo(f"Revision:  {revision}")


@app.command("upgrade")
def upgrade(json_flag: bool = typer.Option(False, "--json", help="Print the revisions before and after as JSON.")) -> None:
    """Apply the pending schema migrations, all in one transaction."""
    output.set_json_mode(json_flag)
    import asyncio

    from piper.storage import upgrade_database
    from piper.storage.url import resolve_location

    location = resolve_location()
    before, after = asyncio.run(upgrade_database())
    if json_flag:
        output.print_success(
            {"url": location.display, "from_revision": before, "to_revision": after, "upgraded": before != after}
        )
        return
    if before == after:
        typer.echo(f"{location.display} is up to date (revision {after}).")
    else:
        typer.echo(f"Upgraded {location.display} from {before or 'an empty database'} to revision {after}.")
