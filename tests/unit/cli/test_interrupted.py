"""Ctrl-C reports: exit 130, a line on stderr, and the JSON error envelope in --json mode."""

from __future__ import annotations

import json

import pytest
import typer

from piper.cli import main as entry
from piper.cli import output


class _InterruptedCommand:
    def main(self, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt


@pytest.fixture(autouse=True)
def interrupted_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.main, "get_command", lambda app: _InterruptedCommand())
    monkeypatch.setattr(output.session, "json_mode", False)


def test_json_mode_prints_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        entry.main(["docs", "add", "notes", "--json"])

    captured = capsys.readouterr()
    assert stopped.value.code == 130
    assert json.loads(captured.out) == {"status": "error", "error": "Interrupted.", "details": {"reason": "interrupted"}}
    assert captured.err == "Interrupted.\n"


def test_text_mode_keeps_stdout_empty(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        entry.main(["docs", "add", "notes"])

    captured = capsys.readouterr()
    assert stopped.value.code == 130
    assert captured.out == ""
    assert captured.err == "Interrupted.\n"
