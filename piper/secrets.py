"""Credential lookup: an environment variable first, then the OS keyring.

Secrets live in the OS keyring under the service ``piper-morgan``, with the
environment variable's name as the entry name (``ANTHROPIC_API_KEY``,
``OPENAI_API_KEY``, ``GITHUB_TOKEN``, ...). A set environment variable
overrides the keyring. No function here logs, prints or stores a value.

``keyring`` is imported only when the environment variable is unset,
because importing it and choosing a backend takes about 0.17 s.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "piper-morgan"


def lookup_secret(name: str) -> str | None:
    """Return the secret ``name`` from the environment or the keyring, or None when neither has it.

    An empty or blank environment variable counts as unset. A keyring that
    is missing, locked or fails is logged and treated as empty.
    """
    value = os.environ.get(name, "").strip()
    if value:
        logger.debug("using %s from the environment", name)
        return value

    value = _read_keyring(name)
    if value:
        logger.debug("using %s from the keyring service %s", name, KEYRING_SERVICE)
        return value
    return None


def describe_secret_sources(name: str) -> str:
    """Return a hint that names where Piper looks for the secret ``name``."""
    return f"Set the environment variable {name}, or store it in the OS keyring under the service '{KEYRING_SERVICE}' with the entry name '{name}'."


def _read_keyring(name: str) -> str | None:
    try:
        import keyring
        from keyring.backends import fail
        from keyring.errors import KeyringError
    except ImportError:
        logger.debug("keyring is not installed, so only environment variables hold secrets")
        return None

    backend = keyring.get_keyring()
    # Headless Linux without a Secret Service gets the 'fail' backend, which raises on every read.
    if isinstance(backend, fail.Keyring):
        logger.debug("no OS keyring is available (keyring chose %s)", type(backend).__name__)
        return None

    try:
        value = keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError as error:
        logger.warning("could not read %s from the keyring %s: %s", name, type(backend).__name__, type(error).__name__)
        return None
    return value.strip() if value else None
