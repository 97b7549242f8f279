"""Interrupting `piper todo import` in the middle of its writes leaves all or nothing.

The import writes every todo and its new project in one transaction. The
test waits until SQLite has spilled part of that transaction into the
write-ahead log, so the write is under way, then stops the real ``piper``
process and checks that the database is intact and contains none of it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

LINES = 200_000
SPILLED_BYTES = 256 * 1024
"""WAL size that shows the import's transaction is being written."""

DEADLINE = 30.0
"""Seconds to wait for the import to reach that point, or to exit."""


def piper(*arguments: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "piper", *arguments], capture_output=True, text=True, **options)


def wait_for_spill(process: subprocess.Popen[str], wal: Path) -> None:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if process.poll() is not None:
            pytest.fail(f"piper exited ({process.returncode}) before the write was under way: {process.stderr.read()}")
        if wal.exists() and wal.stat().st_size > SPILLED_BYTES:
            return
        time.sleep(0.005)
    pytest.fail(f"the write-ahead log never grew past {SPILLED_BYTES} bytes")


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_import_keeps_nothing(isolated_environment: Path, tmp_path: Path, signal_number: int) -> None:
    database = isolated_environment / "data" / "piper.db"
    assert piper("todo", "add", "Kept from before", "--json").returncode == 0
    source = tmp_path / "todos.txt"
    source.write_text("".join(f"imported todo {number}\n" for number in range(LINES)), encoding="utf-8")

    process = subprocess.Popen(
        [sys.executable, "-m", "piper", "todo", "import", str(source), "--project", "Atlas"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_spill(process, database.with_name("piper.db-wal"))
        os.kill(process.pid, signal_number)
        stdout, stderr = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    # The signal normally lands mid-write. On a fast run the commit may finish first: then the
    # import must be whole and reported as done, never "Interrupted." with the rows kept.
    finished = process.returncode == 0
    if signal_number == signal.SIGINT:
        assert process.returncode in (0, 130)
        assert "Traceback" not in stderr
        if finished:
            assert stdout.endswith(f"Imported {LINES} todos.\n")
        else:
            assert stdout == ""
    else:
        assert process.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        broken_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        texts = [row[0] for row in connection.execute("SELECT text FROM todos")]
        projects = connection.execute("SELECT count(*) FROM projects").fetchone()[0]
    assert integrity == [("ok",)]
    assert broken_keys == []
    if finished or len(texts) > 1:
        assert len(texts) == LINES + 1
        assert projects == 1
    else:
        assert texts == ["Kept from before"]
        assert projects == 0

    after = piper("todo", "add", "Still works", "--json")
    assert after.returncode == 0, after.stderr
