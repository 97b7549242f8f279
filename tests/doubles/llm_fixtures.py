"""Fixtures for the LLM tests: a clean environment, a private keyring and a reset of the circuit breakers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import keyring
import pytest

from piper.integrations.llm.registry import reset_circuit_breakers
from tests.doubles.memory_keyring import MemoryKeyring

LLM_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID")


@pytest.fixture(autouse=True)
def llm_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Unset the LLM variables, install an empty in-memory keyring, reset Piper's logger and forget every circuit breaker."""
    for variable in LLM_VARIABLES:
        monkeypatch.delenv(variable, raising=False)

    # In-process CLI tests leave the 'piper' logger with its own handler and propagate=False, which hides records from caplog.
    piper_logger = logging.getLogger("piper")
    monkeypatch.setattr(piper_logger, "propagate", True)
    monkeypatch.setattr(piper_logger, "handlers", [])
    monkeypatch.setattr(piper_logger, "level", logging.NOTSET)

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    reset_circuit_breakers()
    yield memory
    keyring.set_keyring(previous)
    reset_circuit_breakers()
