from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail

from piper.secrets import KEYRING_SERVICE, describe_secret_sources, lookup_secret
from tests.doubles.memory_keyring import MemoryKeyring


def test_lookup_environment_first(monkeypatch: pytest.MonkeyPatch, llm_environment: MemoryKeyring) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    llm_environment.set_password(KEYRING_SERVICE, "ANTHROPIC_API_KEY", "sk-from-keyring")

    assert lookup_secret("ANTHROPIC_API_KEY") == "sk-from-env"


def test_lookup_falls_back_to_keyring(llm_environment: MemoryKeyring) -> None:
    llm_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-from-keyring\n")

    assert lookup_secret("OPENAI_API_KEY") == "sk-from-keyring"


def test_lookup_blank_env_counts_unset(monkeypatch: pytest.MonkeyPatch, llm_environment: MemoryKeyring) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    llm_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-from-keyring")

    assert lookup_secret("OPENAI_API_KEY") == "sk-from-keyring"


def test_lookup_missing_returns_none() -> None:
    assert lookup_secret("OPENAI_API_KEY") is None


def test_lookup_fail_backend_returns_none() -> None:
    keyring.set_keyring(fail.Keyring())

    assert lookup_secret("OPENAI_API_KEY") is None


def test_lookup_keyring_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    class LockedKeyring(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked("the keyring is locked")

    keyring.set_keyring(LockedKeyring())

    with caplog.at_level(logging.WARNING, logger="piper.secrets"):
        assert lookup_secret("OPENAI_API_KEY") is None

    assert "could not read OPENAI_API_KEY from the keyring" in caplog.text


def test_lookup_never_logs_value(monkeypatch: pytest.MonkeyPatch, llm_environment: MemoryKeyring, caplog: pytest.LogCaptureFixture) -> None:
    llm_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-keyring-value-123")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env-value-456")

    with caplog.at_level(logging.DEBUG):
        lookup_secret("OPENAI_API_KEY")
        lookup_secret("ANTHROPIC_API_KEY")

    assert caplog.records, "the lookups log where each secret came from"
    assert "sk-keyring-value-123" not in caplog.text
    assert "sk-env-value-456" not in caplog.text


def test_describe_names_variable_and_entry() -> None:
    text = describe_secret_sources("ANTHROPIC_API_KEY")

    assert "environment variable ANTHROPIC_API_KEY" in text
    assert "service 'piper-morgan'" in text
    assert "entry name 'ANTHROPIC_API_KEY'" in text
