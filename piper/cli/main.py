"""Entry point of the ``piper`` script: runs the command tree and maps errors to exit codes.

Exit codes: 0 success, 1 failure, 2 usage error, 4 missing or rejected
credentials, 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from piper.cli import output
from piper.errors import PiperError, UsageError

EXIT_INTERRUPTED = 130
GLOBAL_OPTIONS = ("-v", "-vv", "--verbose", "--debug", "--version")
"""Options of ``piper`` itself, which must come before the command name."""


def _argv_requests_json(argv: list[str]) -> bool:
    """Guess JSON mode for errors that happen before any command has parsed its options."""
    for index, argument in enumerate(argv):
        if argument in ("--json", "--jsonl", "--format=json"):
            return True
        if argument == "--format" and index + 1 < len(argv) and argv[index + 1] == "json":
            return True
    return False


def _click_exceptions():  # noqa: ANN202 - a module
    """Return the click exceptions module that Typer raises from.

    Typer 0.29 vendors click as ``typer._click``; older releases use the
    ``click`` package itself.
    """
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def _exit_after_closed_stdout() -> None:
    """Exit quietly when the reader of stdout went away (``piper standup | head -1``).

    Python's signal documentation recommends pointing stdout at devnull so
    the interpreter's final flush does not fail again.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Run ``piper`` with ``argv`` (default: the process arguments) and exit."""
    import typer
    import typer.main

    from piper.cli.app import app

    click_exceptions = _click_exceptions()

    arguments = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)

    try:
        result = command.main(arguments, prog_name="piper", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        # Plain `piper` with no arguments prints the help and succeeds, like `git`.
        # Typer's rich formatter has already printed the help; plain click returns it.
        if exc.format_message():
            print(exc.format_message())
        sys.exit(0)
    except click_exceptions.UsageError as exc:
        if output.session.json_mode or _argv_requests_json(arguments):
            output.set_json_mode(True)
            output.print_error(UsageError(exc.format_message()))
        else:
            exc.show()
            misplaced = [argument for argument in arguments[1:] if argument in GLOBAL_OPTIONS]
            if misplaced and "No such option" in exc.format_message():
                sys.stderr.write(f"{misplaced[0]} is a global option; put it before the command: piper {misplaced[0]} {arguments[0]} ...\n")
        sys.exit(UsageError.exit_code)
    except typer.Abort:
        _report_interrupted(arguments)
    except click_exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PiperError as exc:
        if output.session.debug:
            import traceback

            traceback.print_exc()
        output.print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _report_interrupted(arguments)
    except BrokenPipeError:
        _exit_after_closed_stdout()
    except OSError as exc:
        if exc.errno is None or getattr(exc, "filename", None) is not None:
            raise
        # Writing to stdout failed (a full disk, a closed terminal).
        sys.stderr.write(f"Error: could not write the output: {exc.strerror or exc}.\n")
        sys.exit(1)

    # With standalone_mode off, click returns the code given to typer.Exit, and
    # Typer 0.29 turns Ctrl-C inside a command into Exit(130).
    code = result if isinstance(result, int) else 0
    if code == EXIT_INTERRUPTED:
        _report_interrupted(arguments)
    sys.exit(code)


def _report_interrupted(arguments: list[str]) -> NoReturn:
    """Say on stderr that Ctrl-C stopped the command and exit 130; with --json, print the error envelope too."""
    sys.stderr.write("Interrupted.\n")
    if output.session.json_mode or _argv_requests_json(arguments):
        # CONTRACTS.md: an error in --json mode still prints the error envelope on stdout.
        envelope = {"status": "error", "error": "Interrupted.", "details": {"reason": "interrupted"}}
        try:
            sys.stdout.write(output.dumps(envelope) + "\n")
            sys.stdout.flush()
        except OSError:
            pass
    sys.exit(EXIT_INTERRUPTED)
