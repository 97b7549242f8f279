from __future__ import annotations

import json
import logging
import stat

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from piper.errors import CredentialsError, UsageError
from piper.secrets import (
    KEYRING_SERVICE,
    credentials_path,
    credentials_rejected,
    delete_secret,
    find_secret,
    keyring_available,
    lookup_secret,
    require_secret,
    store_secret,
)
from tests.doubles.memory_keyring import MemoryKeyring

TOKEN = "xoxb-secret-test-token-5150"


def test_require_returns_environment_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_from_env")

    assert require_secret("github") == "ghp_from_env"


def test_require_missing_names_fix() -> None:
    with pytest.raises(CredentialsError) as raised:
        require_secret("slack")

    assert raised.value.exit_code == 4
    assert "No Slack bot token is set" in raised.value.message
    assert "piper auth login slack" in (raised.value.hint or "")
    assert "SLACK_BOT_TOKEN" in (raised.value.hint or "")
    assert raised.value.details == {"service": "slack", "variable": "SLACK_BOT_TOKEN"}


def test_require_unknown_service_is_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        require_secret("jira")

    assert "jira" in raised.value.message
    assert "github" in (raised.value.hint or "")


def test_rejected_names_reason_and_fix() -> None:
    error = credentials_rejected("notion", "401 unauthorized")

    assert error.exit_code == 4
    assert "Notion rejected the token (401 unauthorized)" in error.message
    assert "piper auth login notion" in (error.hint or "")


def test_store_uses_real_keyring(credential_environment: MemoryKeyring) -> None:
    assert keyring_available()
    assert store_secret("SLACK_BOT_TOKEN", TOKEN + "\n") == "keyring"

    assert credential_environment.entries[(KEYRING_SERVICE, "SLACK_BOT_TOKEN")] == TOKEN
    assert not credentials_path().exists()
    assert find_secret("SLACK_BOT_TOKEN").source == "keyring"


def test_store_without_keyring_writes_private_file(no_keyring: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="piper.secrets"):
        assert store_secret("SLACK_BOT_TOKEN", TOKEN) == "file"

    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"SLACK_BOT_TOKEN": TOKEN}
    assert "no OS keyring is available" in caplog.text
    assert TOKEN not in caplog.text
    assert lookup_secret("SLACK_BOT_TOKEN") == TOKEN
    assert find_secret("SLACK_BOT_TOKEN").source == "file"


def test_keyrings_alt_counts_as_no_keyring(tmp_path) -> None:  # noqa: ANN001 - pytest's tmp_path
    alternative = PlaintextKeyring()
    alternative.file_path = str(tmp_path / "keyring_pass.cfg")
    keyring.set_keyring(alternative)

    assert not keyring_available()
    assert store_secret("NOTION_TOKEN", "secret_abc") == "file"
    assert not (tmp_path / "keyring_pass.cfg").exists()


def test_keyrings_alt_entry_still_read(tmp_path) -> None:  # noqa: ANN001 - pytest's tmp_path
    alternative = PlaintextKeyring()
    alternative.file_path = str(tmp_path / "keyring_pass.cfg")
    alternative.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-set-with-keyring-cli")
    keyring.set_keyring(alternative)

    found = find_secret("OPENAI_API_KEY")

    assert found is not None
    assert found.value == "sk-set-with-keyring-cli"
    assert found.source == "keyring"
    assert delete_secret("OPENAI_API_KEY") == ["keyring"]
    assert lookup_secret("OPENAI_API_KEY") is None


def test_store_keeps_other_entries(no_keyring: None) -> None:
    store_secret("GITHUB_TOKEN", "ghp_one")
    store_secret("NOTION_TOKEN", "secret_two")
    store_secret("GITHUB_TOKEN", "ghp_three")

    assert json.loads(credentials_path().read_text()) == {"GITHUB_TOKEN": "ghp_three", "NOTION_TOKEN": "secret_two"}


def test_environment_overrides_file(monkeypatch: pytest.MonkeyPatch, no_keyring: None) -> None:
    store_secret("GITHUB_TOKEN", "ghp_file")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_env")

    found = find_secret("GITHUB_TOKEN")

    assert found is not None
    assert found.value == "ghp_env"
    assert found.source == "environment"


def test_found_secret_repr_hides_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)

    assert TOKEN not in repr(find_secret("GITHUB_TOKEN"))


def test_delete_removes_keyring_and_file(credential_environment: MemoryKeyring) -> None:
    credential_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-keyring")
    credentials_path().parent.mkdir(parents=True)
    credentials_path().write_text(json.dumps({"OPENAI_API_KEY": "sk-file", "NOTION_TOKEN": "keep"}))

    assert delete_secret("OPENAI_API_KEY") == ["keyring", "file"]

    assert lookup_secret("OPENAI_API_KEY") is None
    assert lookup_secret("NOTION_TOKEN") == "keep"


def test_delete_missing_returns_empty(no_keyring: None) -> None:
    assert delete_secret("OPENAI_API_KEY") == []


def test_wide_file_mode_warns(no_keyring: None, caplog: pytest.LogCaptureFixture) -> None:
    store_secret("GITHUB_TOKEN", "ghp_x")
    credentials_path().chmod(0o644)

    with caplog.at_level(logging.WARNING, logger="piper.secrets"):
        assert lookup_secret("GITHUB_TOKEN") == "ghp_x"

    assert "can be read by other users" in caplog.text


def test_corrupt_file_ignored_without_echo(no_keyring: None, caplog: pytest.LogCaptureFixture) -> None:
    credentials_path().parent.mkdir(parents=True)
    credentials_path().write_text('{"GITHUB_TOKEN": "ghp_half_written')

    with caplog.at_level(logging.WARNING, logger="piper.secrets"):
        assert lookup_secret("GITHUB_TOKEN") is None

    assert "is not valid JSON" in caplog.text
    assert "ghp_half_written" not in caplog.text
