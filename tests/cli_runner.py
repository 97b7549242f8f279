"""Running ``piper`` in the test process, through the real entry point, and reading what it printed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from piper.cli import output
from piper.cli.main import main


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error_text(self) -> str:
        """Stderr with whitespace collapsed, because rich wraps long messages at the console width."""
        return " ".join(self.stderr.split())


Runner = Callable[..., Result]


@pytest.fixture
def run_piper(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Return a function that runs ``piper ARGS...`` and returns its exit code and output."""
    monkeypatch.setattr(output.session, "json_mode", False)
    monkeypatch.setattr(output.session, "debug", False)

    # The root callback configures the "piper" logger for a process; undo it after the test
    # so that pytest's log capture (caplog) keeps seeing records in later tests.
    piper_logger = logging.getLogger("piper")
    monkeypatch.setattr(piper_logger, "handlers", list(piper_logger.handlers))
    monkeypatch.setattr(piper_logger, "propagate", piper_logger.propagate)
    monkeypatch.setattr(piper_logger, "level", piper_logger.level)

    def invoke(*arguments: str) -> Result:
        capsys.readouterr()
        # JSON mode is per process and only ever switched on, so each run starts afresh.
        output.session.json_mode = False
        with pytest.raises(SystemExit) as exited:
            main(list(arguments))
        captured = capsys.readouterr()
        code = exited.value.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            # sys.exit("message") prints the message and exits with 1.
            code = 1
        return Result(code, captured.out, captured.err)

    return invoke
