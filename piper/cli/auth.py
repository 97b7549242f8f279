"""``piper auth``: store, check and remove the tokens and API keys Piper uses.

Tokens go to the OS keyring, or to a 0600 file in the config folder where
there is none (see :mod:`piper.secrets`). No command here prints a token:
``status`` reports where each one is set and whether the service accepts it.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer

from piper.cli import output
from piper.errors import CredentialsError, UsageError

app = typer.Typer(help="Store, check and remove the tokens and API keys Piper uses.", no_args_is_help=True, rich_markup_mode=None)

SERVICE_HELP = "Service: github, slack, notion, anthropic or openai."
JSON_HELP = "Print the result as JSON."
DEFAULT_CHECK_TIMEOUT = 5.0

SOURCE_LABELS = {"environment": "environment variable", "keyring": "OS keyring", "file": "credentials file"}


def _warn(message: str) -> None:
    """Print a warning or note on stderr, so stdout carries only the result."""
    typer.echo(message, err=True)


def _run_checks(tokens: dict[str, str], timeout: float) -> dict[str, Any]:
    import asyncio

    from piper.integrations.credentials_check import check_credentials

    return asyncio.run(check_credentials(tokens, timeout=timeout))


def _read_token(service: Any, with_token: bool) -> str:
    # sys.stdin is None when the process starts with standard input closed (`<&-`).
    if with_token:
        if sys.stdin is None:
            raise UsageError(
                "Standard input is closed, so no token could be read.",
                hint=f"Pipe the token in, as in: piper auth login {service.name} --with-token < token.txt",
            )
        token = sys.stdin.read()
    elif sys.stdin is not None and sys.stdin.isatty():
        import getpass

        token = getpass.getpass(f"Paste your {service.title} {service.kind} (input is hidden): ")
    else:
        raise UsageError(
            "Standard input is not a terminal, so Piper cannot prompt for the token.",
            hint=f"Pipe the token in with --with-token, as in: piper auth login {service.name} --with-token < token.txt",
        )

    token = token.strip()
    if not token:
        raise UsageError(f"No {service.kind} given, so nothing was stored.", hint=f"Paste the {service.kind}, or pipe it in with --with-token.")
    if any(character.isspace() for character in token):
        # The value is not echoed: a mistyped paste can still be a real secret.
        raise UsageError(f"The {service.kind} contains spaces or line breaks, so nothing was stored.", hint=f"Give only the {service.kind}, on one line.")
    return token


@app.command("login")
def login(
    service_name: str = typer.Argument(..., metavar="SERVICE", help=SERVICE_HELP),
    with_token: bool = typer.Option(False, "--with-token", help="Read the token from standard input instead of prompting for it."),
    check: bool = typer.Option(True, "--check/--no-check", help="Check the token against the service before storing it."),
    timeout: float = typer.Option(DEFAULT_CHECK_TIMEOUT, "--timeout", metavar="SECONDS", help="Seconds the check may take."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Store a service's token or API key in the OS keyring (or a private file without one)."""
    from piper.secrets import credentials_path, credentials_rejected, get_service, store_secret

    output.set_json_mode(json_flag)
    service = get_service(service_name)
    token = _read_token(service, with_token)

    check_data: dict[str, Any] | None = None
    if check:
        result = _run_checks({service.name: token}, timeout)[service.name]
        check_data = {"status": result.status, "detail": result.detail}
        if result.status == "rejected":
            error = credentials_rejected(service.name, result.detail)
            error.message += " Nothing was stored."
            raise error
        if result.status == "error":
            _warn(f"Warning: could not check the {service.kind} with {service.title} ({result.detail}); storing it anyway.")

    stored_in = store_secret(service.variable, token)
    if stored_in == "keyring":
        where = f"the OS keyring (service 'piper-morgan', entry '{service.variable}')"
    else:
        where = f"{credentials_path()} (mode 0600), because no OS keyring is available"

    import os

    overridden = bool(os.environ.get(service.variable, "").strip())
    if json_flag:
        output.print_success({
            "service": service.name,
            "variable": service.variable,
            "stored_in": stored_in,
            "path": str(credentials_path()) if stored_in == "file" else None,
            "check": check_data,
            "overridden_by_environment": overridden,
        })
    else:
        account = f" Logged in {check_data['detail']}." if check_data and check_data["status"] == "valid" else ""
        typer.echo(f"Stored the {service.title} {service.kind} in {where}.{account}")
    if overridden:
        _warn(f"Note: the environment variable {service.variable} is set and overrides the stored {service.kind}.")


@app.command("logout")
def logout(
    service_name: str = typer.Argument(..., metavar="SERVICE", help=SERVICE_HELP),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Remove a service's stored token from the OS keyring and the credentials file."""
    import os

    from piper.secrets import delete_secret, get_service

    output.set_json_mode(json_flag)
    service = get_service(service_name)
    removed = delete_secret(service.variable)
    overridden = bool(os.environ.get(service.variable, "").strip())

    if json_flag:
        output.print_success({"service": service.name, "variable": service.variable, "removed_from": removed, "still_set_in_environment": overridden})
    elif removed:
        places = " and ".join(SOURCE_LABELS[source] for source in removed)
        typer.echo(f"Removed the {service.title} {service.kind} from the {places}.")
    else:
        typer.echo(f"No stored {service.title} {service.kind} to remove.")
    if overridden:
        _warn(f"Note: the environment variable {service.variable} is still set; unset it to stop using it.")


@app.command("status")
def status(
    service_names: Optional[list[str]] = typer.Argument(None, metavar="[SERVICE]...", help="Services to report (default: all)."),
    check: bool = typer.Option(True, "--check/--no-check", help="Check each set credential against its service (one request each)."),
    timeout: float = typer.Option(DEFAULT_CHECK_TIMEOUT, "--timeout", metavar="SECONDS", help="Seconds each check may take."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show which credentials are set, where from, and whether each service accepts them.

    Exits with code 4 when a service rejects its credential, or when a
    service named on the command line has none.
    """
    from piper.secrets import SERVICES, credentials_path, find_secret, get_service, keyring_available

    output.set_json_mode(json_flag)
    if timeout <= 0:
        raise UsageError(f"--timeout: invalid value {timeout}; use a number of seconds above 0.")
    services = [get_service(name) for name in service_names] if service_names else list(SERVICES.values())

    found = {service.name: find_secret(service.variable) for service in services}
    tokens = {name: secret.value for name, secret in found.items() if secret is not None}
    results = _run_checks(tokens, timeout) if check and tokens else {}

    rows = []
    for service in services:
        secret = found[service.name]
        result = results.get(service.name)
        check_status = result.status if result else None
        if secret is not None and result is None:
            check_status = "not_checked"
        rows.append({
            "service": service.name,
            "variable": service.variable,
            "set": secret is not None,
            "source": secret.source if secret else None,
            "check": check_status,
            "detail": result.detail if result else None,
        })

    data = {"services": rows, "keyring_available": keyring_available(), "credentials_file": str(credentials_path())}
    problem = _status_problem(rows, named=bool(service_names))
    if json_flag:
        if problem is None:
            output.print_success(data)
            return
        raise CredentialsError(problem, hint=_status_hint(rows, named=bool(service_names)), details=data)

    _print_status(rows)
    if not keyring_available():
        typer.echo(f"No OS keyring is available; `piper auth login` stores tokens in {credentials_path()} (mode 0600).")
    if problem is not None:
        raise CredentialsError(problem, hint=_status_hint(rows, named=bool(service_names)))


def _print_status(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if not row["set"]:
            typer.echo(f"{row['service']:<10} not set        run `piper auth login {row['service']}` or set {row['variable']}")
            continue
        source = SOURCE_LABELS[row["source"]]
        if row["source"] == "environment":
            source += f" {row['variable']}"
        check = {"valid": "valid", "rejected": "REJECTED", "error": "not checked", "not_checked": "not checked"}[row["check"]]
        detail = f" ({row['detail']})" if row["detail"] else ""
        typer.echo(f"{row['service']:<10} {check:<14} from the {source}{detail}")


def _failing(rows: list[dict[str, Any]], named: bool) -> list[dict[str, Any]]:
    return [row for row in rows if row["check"] == "rejected" or (named and not row["set"])]


def _status_problem(rows: list[dict[str, Any]], *, named: bool) -> str | None:
    failing = _failing(rows, named)
    if not failing:
        return None
    rejected = [row["service"] for row in failing if row["check"] == "rejected"]
    missing = [row["service"] for row in failing if not row["set"]]
    parts = []
    if rejected:
        parts.append(f"rejected: {', '.join(rejected)}")
    if missing:
        parts.append(f"not set: {', '.join(missing)}")
    return "Credentials " + "; ".join(parts) + "."


def _status_hint(rows: list[dict[str, Any]], *, named: bool) -> str:
    fixes = []
    for row in _failing(rows, named):
        if row["source"] == "environment":
            # A stored token would not help: the variable overrides it.
            fixes.append(f"fix or unset the environment variable {row['variable']}")
        else:
            fixes.append(f"run `piper auth login {row['service']}`")
    hint = "; ".join(fixes) + "."
    return hint[0].upper() + hint[1:]
