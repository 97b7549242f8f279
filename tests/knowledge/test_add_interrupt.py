"""Stopping a real ``piper docs add`` while it writes records and passages leaves a state that the next add repairs.

The test waits until the add has recorded some documents, so it is in the
middle of its loop, then interrupts the process (Ctrl-C) or kills it, and
checks that a second add finishes the job: every document ready, none
missing from search.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

FILES = 60
STARTED_RECORDS = 3
"""Documents recorded before the signal is sent: enough to know the add is in its loop."""

DEADLINE = 60.0
"""Seconds to wait for the add to reach that point, or to exit."""


def piper(*arguments: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "piper", *arguments], capture_output=True, text=True, **options)


def recorded(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # The database or the table does not exist yet.


def wait_for_records(process: subprocess.Popen[str], database: Path) -> None:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if process.poll() is not None:
            pytest.fail(f"piper exited ({process.returncode}) before the add was under way: {process.stderr.read()}")
        if recorded(database) >= STARTED_RECORDS:
            return
        time.sleep(0.01)
    pytest.fail(f"the add never recorded {STARTED_RECORDS} documents")


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_add_repaired(isolated_environment: Path, tmp_path: Path, signal_number: int) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for number in range(FILES):
        (folder / f"note-{number:03d}.md").write_text(f"# Note {number}\n\nMeeting note {number} mentions code TICKET-{number:03d}.\n")
    database = isolated_environment / "data" / "piper.db"

    process = subprocess.Popen(
        [sys.executable, "-m", "piper", "docs", "add", str(folder), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    wait_for_records(process, database)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=DEADLINE)

    if signal_number == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr
        assert "Run the same 'piper docs add' again to add the rest." in stderr
    else:
        assert process.returncode == -signal.SIGKILL

    second = piper("docs", "add", str(folder), "--json", cwd=tmp_path, timeout=DEADLINE * 2)
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)["data"]
    assert len(report["added"]) + len(report["unchanged"]) + len(report["updated"]) == FILES, report

    listed = json.loads(piper("docs", "list", "--json", cwd=tmp_path).stdout)["data"]["documents"]
    assert len(listed) == FILES
    assert {document["status"] for document in listed} == {"ready"}
    found = json.loads(piper("docs", "search", "TICKET-007", "-k", "1", "--json", cwd=tmp_path).stdout)["data"]["results"]
    assert found[0]["document"].endswith("note-007.md"), found
