"""Tests for `piper config init|show|path|validate`, run through the real entry point."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from piper.config import load_settings
from tests.cli_runner import Result, Runner, run_piper  # noqa: F401 - fixture

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(run_piper: Runner) -> Runner:
    """Run `piper ARGS...` in this process and return its exit code and output."""
    return run_piper


@pytest.fixture
def config_file(isolated_environment: Path) -> Path:
    return isolated_environment / "config" / "PIPER.user.md"


@pytest.fixture(autouse=True)
def known_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Lisbon")


# --- init ---------------------------------------------------------------------


def test_init_creates_config_dir(run, config_file: Path) -> None:
    assert not config_file.parent.exists()

    result = run("config", "init")

    assert result.exit_code == 0
    assert config_file.is_file()
    assert f"Wrote {config_file}." in result.stdout
    assert list(config_file.parent.iterdir()) == [config_file]


def test_init_fills_identity(run, config_file: Path) -> None:
    run("config", "init")

    settings = load_settings(config_file)
    assert settings.identity.name == "Ada Lovelace"
    assert settings.identity.emails == ["ada@example.com"]
    assert settings.identity.timezone == "Europe/Lisbon"
    assert settings.identity.workdays == "Mon-Fri"


def test_init_comments_out_unknown_values(run, config_file: Path, isolated_environment: Path, monkeypatch) -> None:
    (isolated_environment / ".gitconfig").write_text("")
    monkeypatch.setenv("TZ", "")
    monkeypatch.setattr("piper.standup.window.system_timezone", lambda: dt.timezone.utc)

    result = run("config", "init")

    assert result.exit_code == 0
    text = config_file.read_text()
    assert "  # name: Your Name" in text
    assert "  # emails: [you@example.com]" in text
    assert "  # timezone: Europe/Berlin" in text
    settings = load_settings(config_file)
    assert settings.identity.name is None
    assert settings.identity.emails == []
    assert settings.identity.timezone is None


def test_init_quotes_special_name(run, config_file: Path, isolated_environment: Path) -> None:
    (isolated_environment / ".gitconfig").write_text("[user]\n\tname = \"O'Brien: #1\"\n\temail = ob@example.com\n")

    run("config", "init")

    assert load_settings(config_file).identity.name == "O'Brien: #1"


def test_init_rejects_existing_file(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("my own settings\n")

    result = run("config", "init")

    assert result.exit_code == 1
    assert f"{config_file} already exists." in result.error_text
    assert "--force" in result.error_text
    assert config_file.read_text() == "my own settings\n"
    assert list(config_file.parent.iterdir()) == [config_file]


def test_init_existing_file_json_error(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("mine\n")

    result = run("config", "init", "--json")

    assert result.exit_code == 1
    document = result.json()
    assert document["status"] == "error"
    assert document["details"]["path"] == str(config_file)
    assert "--force" in document["details"]["hint"]


def test_init_force_keeps_backup(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("my own settings\n")

    result = run("config", "init", "--force")

    assert result.exit_code == 0
    backups = sorted(config_file.parent.glob("PIPER.user.md.*.bak"))
    assert len(backups) == 1
    assert backups[0].read_text() == "my own settings\n"
    assert f"Kept the previous file as {backups[0]}." in result.stdout
    assert load_settings(config_file).identity.name == "Ada Lovelace"


def test_init_force_twice_keeps_both(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("first\n")
    run("config", "init", "--force")
    config_file.write_text("second\n")

    result = run("config", "init", "--force", "--json")

    assert result.exit_code == 0
    backups = sorted(config_file.parent.glob("PIPER.user.md.*.bak"))
    assert {backup.read_text() for backup in backups} == {"first\n", "second\n"}
    assert result.json()["data"]["backup"] in {str(backup) for backup in backups}


def test_init_force_without_file(run, config_file: Path) -> None:
    result = run("config", "init", "--force", "--json")

    assert result.exit_code == 0
    assert result.json()["data"] == {
        "path": str(config_file),
        "backup": None,
        "detected": {"name": "Ada Lovelace", "emails": ["ada@example.com"], "timezone": "Europe/Lisbon"},
    }


def test_init_stdout_writes_nothing(run, config_file: Path) -> None:
    result = run("config", "init", "--stdout")

    assert result.exit_code == 0
    assert result.stdout.startswith("# Piper settings")
    assert "  name: Ada Lovelace" in result.stdout
    assert not config_file.parent.exists()


def test_init_stdout_with_json_is_usage_error(run) -> None:
    result = run("config", "init", "--stdout", "--json")

    assert result.exit_code == 2
    assert result.json()["status"] == "error"


def test_init_config_dir_is_file(run, config_file: Path) -> None:
    config_file.parent.parent.mkdir(parents=True, exist_ok=True)
    config_file.parent.write_text("a file where the folder should be")

    result = run("config", "init")

    assert result.exit_code == 1
    assert f"{config_file.parent} is a file, not a folder." in result.error_text


def test_starter_template_parses() -> None:
    from piper.cli.config import render_starter

    text = render_starter(name="Zoë \"Z\" Smith", emails=["zoe@example.com", "z@work.example"], timezone="Asia/Kolkata")

    settings = load_settings_from_text(text)
    assert settings.identity.name == 'Zoë "Z" Smith'
    assert settings.identity.emails == ["zoe@example.com", "z@work.example"]
    assert settings.identity.timezone == "Asia/Kolkata"


def load_settings_from_text(text: str):
    from piper.config import parse_settings

    return parse_settings(text, path=Path("/starter/PIPER.user.md"))


# --- show -----------------------------------------------------------------------


def test_show_defaults_without_file(run, config_file: Path) -> None:
    result = run("config", "show")

    assert result.exit_code == 0
    assert f"# No settings file at {config_file}" in result.stdout
    assert "identity:  # default" in result.stdout
    assert "  workdays: Mon-Fri" in result.stdout


def test_show_names_lines(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("# Me\n\n```yaml\nidentity:\n  name: Ada\n```\n\n```yaml\ndefault_repository: acme/web\n```\n")

    result = run("config", "show")

    assert result.exit_code == 0
    assert f"# Settings from {config_file}" in result.stdout
    assert "identity:  # line 4" in result.stdout
    assert "default_repository: acme/web  # line 9" in result.stdout
    assert "scan: []  # default" in result.stdout


def test_show_json_shape(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("```yaml\nidentity:\n  emails: [ada@example.com]\nrepositories: [web]\n```\n")

    result = run("config", "show", "--json")

    assert result.exit_code == 0
    document = result.json()
    assert document["status"] == "success"
    data = document["data"]
    assert set(data) == {
        "identity",
        "repositories",
        "scan",
        "default_repository",
        "standup",
        "llm",
        "personality",
        "calendars",
        "github",
        "slack",
        "notion",
        "documents",
        "chat",
        "path",
        "exists",
        "key_lines",
    }
    assert data["path"] == str(config_file)
    assert data["exists"] is True
    assert data["identity"]["emails"] == ["ada@example.com"]
    assert data["repositories"] == [str(config_file.parent / "web")]
    assert data["key_lines"] == {"identity": 2, "repositories": 4}
    assert set(data["standup"]) == {"sources", "format", "authors", "follow_links", "scan_nested", "max_git_processes"}


def test_show_json_without_file(run, config_file: Path) -> None:
    data = run("config", "show", "--json").json()["data"]

    assert data["exists"] is False
    assert data["path"] == str(config_file)
    assert data["key_lines"] == {}


def test_show_invalid_file_json_error(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("```yaml\nidentity:\n  timezone: Europe/Berln\n```\n")

    result = run("config", "show", "--json")

    assert result.exit_code == 1
    document = result.json()
    assert document["status"] == "error"
    assert document["error"] == f"{config_file}:3: identity.timezone: unknown time zone 'Europe/Berln'."
    assert document["details"]["line"] == 3
    assert document["details"]["hint"] == "Use an IANA name such as Europe/Berlin."


# --- path -----------------------------------------------------------------------------


def test_path_prints_location(run, config_file: Path) -> None:
    result = run("config", "path")

    assert result.exit_code == 0
    assert result.stdout == f"{config_file}\n"
    assert "does not exist" in result.stderr


def test_path_json_exists(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("")

    result = run("config", "path", "--json")

    assert result.json() == {"status": "success", "data": {"path": str(config_file), "exists": True}}


def test_path_follows_xdg(run, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPER_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated_environment / "xdg"))

    result = run("config", "path")

    assert result.stdout == f"{isolated_environment / 'xdg' / 'piper' / 'PIPER.user.md'}\n"


# --- validate ------------------------------------------------------------------------


def test_validate_example_file(run) -> None:
    example = REPOSITORY_ROOT / "config" / "PIPER.user.md"

    result = run("config", "validate", str(example))

    assert result.exit_code == 0
    assert result.stdout == f"{example} is valid.\n"


def test_validate_missing_file(run, config_file: Path) -> None:
    result = run("config", "validate")

    assert result.exit_code == 1
    assert f"{config_file}: not found." in result.error_text
    assert "piper config init" in result.error_text


def test_validate_lists_every_problem(run, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("```yaml\nidentity:\n  timezone: Mars/Base\nscan:\n  - path: ~/src\n    depth: -1\n```\n")

    result = run("config", "validate", "--json")

    assert result.exit_code == 1
    document = result.json()
    lines = document["error"].split("\n")
    assert len(lines) == 2
    assert lines[0].startswith(f"{config_file}:3: identity.timezone: unknown time zone 'Mars/Base'.")
    assert lines[1].startswith(f"{config_file}:6: scan[0].depth: the depth must be 0 or more, got -1.")
    assert [problem["line"] for problem in document["details"]["problems"]] == [3, 6]


def test_validate_after_init(run) -> None:
    run("config", "init")

    result = run("config", "validate", "--json")

    assert result.exit_code == 0
    assert result.json()["data"]["valid"] is True


# --- Start-up cost ------------------------------------------------------------------


def test_config_module_imports_light() -> None:
    code = "import sys, piper.cli.config; print(sorted(m for m in ('pydantic', 'yaml', 'sqlalchemy') if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ.copy())

    assert completed.stdout.strip() == "[]"
