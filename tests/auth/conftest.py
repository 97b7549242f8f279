"""Fixtures for the credential tests: no service variable set and a private in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from piper.secrets import SERVICES
from tests.auth.service_double import ServiceDouble
from tests.doubles.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def credential_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Unset every service's variable and base URL and install an empty in-memory keyring."""
    for service in SERVICES.values():
        monkeypatch.delenv(service.variable, raising=False)
    for variable in ("PIPER_GITHUB_API_URL", "PIPER_SLACK_API_URL", "PIPER_NOTION_API_URL", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(credential_environment: MemoryKeyring) -> None:
    """Install keyring's 'fail' backend, as on a headless Linux machine without a Secret Service."""
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceDouble]:
    """Start the credential-check double and point every service's base URL at it."""
    with ServiceDouble() as double:
        for variable, value in double.environment().items():
            monkeypatch.setenv(variable, value)
        yield double
