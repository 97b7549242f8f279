"""Credential lookup and storage: an environment variable, then the OS keyring, then a private file.

Secrets live in the OS keyring under the service ``piper-morgan``, with the
environment variable's name as the entry name (``ANTHROPIC_API_KEY``,
``OPENAI_API_KEY``, ``GITHUB_TOKEN``, ...). A set environment variable
overrides the keyring. Where no OS keyring exists (headless Linux, where
keyring picks its ``fail`` backend or a keyrings.alt file backend),
``piper auth login`` stores the secret in ``credentials.json`` in the
config folder with mode 0600 instead, and lookups read that file last.
No function here logs, prints or stores a value anywhere else.

``keyring`` is imported only when the environment variable is unset,
because importing it and choosing a backend takes about 0.17 s.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from piper.errors import ConfigError, CredentialsError, UsageError
from piper.paths import config_dir

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "piper-morgan"
CREDENTIALS_FILE = "credentials.json"

SecretSource = Literal["environment", "keyring", "file"]


@dataclass(frozen=True)
class Service:
    """A service that Piper stores a credential for."""

    name: str
    """The name used on the command line (``piper auth login github``)."""

    variable: str
    """The environment variable, which is also the keyring entry and the file key."""

    title: str
    """The service's name for people."""

    kind: str
    """The credential's name in messages ("token", "API key")."""


SERVICES: dict[str, Service] = {
    service.name: service
    for service in (
        Service("github", "GITHUB_TOKEN", "GitHub", "token"),
        Service("slack", "SLACK_BOT_TOKEN", "Slack", "bot token"),
        Service("notion", "NOTION_TOKEN", "Notion", "token"),
        Service("anthropic", "ANTHROPIC_API_KEY", "Anthropic", "API key"),
        Service("openai", "OPENAI_API_KEY", "OpenAI", "API key"),
    )
}


@dataclass(frozen=True)
class FoundSecret:
    """A secret's value and the place it was read from."""

    value: str
    source: SecretSource

    def __repr__(self) -> str:
        # Keep the value out of tracebacks, debug logs and test failure output.
        return f"FoundSecret(value='***', source={self.source!r})"


def get_service(name: str) -> Service:
    """Return the service called ``name`` (``github``, ``slack``, ...), or raise a UsageError naming the valid ones."""
    service = SERVICES.get(name.strip().lower())
    if service is None:
        raise UsageError(f"Unknown service '{name}'.", hint=f"Use one of: {', '.join(SERVICES)}.")
    return service


def service_for_variable(variable: str) -> Service | None:
    """Return the service whose credential lives in ``variable``, or None."""
    for service in SERVICES.values():
        if service.variable == variable:
            return service
    return None


def lookup_secret(name: str) -> str | None:
    """Return the secret ``name`` from the environment, the keyring or the credentials file, or None when none has it.

    An empty or blank environment variable counts as unset. A keyring that
    is missing, locked or fails is logged and treated as empty.
    """
    found = find_secret(name)
    return found.value if found else None


def find_secret(name: str) -> FoundSecret | None:
    """Return the secret ``name`` with its source, looking in the environment, the keyring and the credentials file in that order."""
    value = os.environ.get(name, "").strip()
    if value:
        logger.debug("using %s from the environment", name)
        return FoundSecret(value, "environment")

    value = _read_keyring(name)
    if value:
        logger.debug("using %s from the keyring service %s", name, KEYRING_SERVICE)
        return FoundSecret(value, "keyring")

    value = _read_file(name)
    if value:
        logger.debug("using %s from %s", name, credentials_path())
        return FoundSecret(value, "file")
    return None


def require_secret(service: str) -> str:
    """Return the credential of ``service`` (``github``, ``slack``, ``notion``, ``anthropic``, ``openai``).

    Raises:
        CredentialsError: (exit code 4) when no source has it; the hint names
            the ``piper auth login`` command and the environment variable.
    """
    known = get_service(service)
    value = lookup_secret(known.variable)
    if value is None:
        raise CredentialsError(
            f"No {known.title} {known.kind} is set.",
            hint=login_hint(known),
            details={"service": known.name, "variable": known.variable},
        )
    return value


def credentials_rejected(service: str, reason: str) -> CredentialsError:
    """Return the CredentialsError (exit code 4) for a credential that ``service`` rejected.

    ``reason`` is the service's own word for it (``401 Bad credentials``,
    ``invalid_auth``). It must not contain the credential.
    """
    known = get_service(service)
    return CredentialsError(
        f"{known.title} rejected the {known.kind} ({reason}).",
        hint=f"Run `piper auth login {known.name}` with a valid {known.kind}, or fix the environment variable {known.variable}.",
        details={"service": known.name, "variable": known.variable, "reason": reason},
    )


def login_hint(service: Service) -> str:
    """Return the hint that names the command and the variable that set the credential of ``service``."""
    return f"Run `piper auth login {service.name}`, or set the environment variable {service.variable}."


def describe_secret_sources(name: str) -> str:
    """Return a hint that names where Piper looks for the secret ``name``."""
    service = service_for_variable(name)
    login = f"Run `piper auth login {service.name}`. Or set" if service else "Set"
    return f"{login} the environment variable {name}, or store it in the OS keyring under the service '{KEYRING_SERVICE}' with the entry name '{name}'."


def store_secret(name: str, value: str) -> SecretSource:
    """Store the secret ``name`` in the OS keyring, or in the credentials file when there is no OS keyring.

    Returns where it went. A keyring that fails on write falls back to the
    file too, with a warning, so ``piper auth login`` works on any machine.
    """
    value = value.strip()
    if not value:
        raise ValueError("a secret must not be empty")

    keyring_module = _usable_keyring()
    if keyring_module is not None:
        from keyring.errors import KeyringError

        try:
            keyring_module.set_password(KEYRING_SERVICE, name, value)
        except KeyringError as error:
            logger.warning("could not write %s to the keyring: %s; using %s", name, type(error).__name__, credentials_path())
        else:
            # A stale copy in the file would be read if the keyring entry is removed later.
            _delete_from_file(name)
            return "keyring"

    _write_file(name, value)
    return "file"


def delete_secret(name: str) -> list[SecretSource]:
    """Remove the secret ``name`` from the keyring and the credentials file; return where it was removed from.

    The environment is never changed: a set variable still overrides, and
    the caller says so.
    """
    removed: list[SecretSource] = []
    keyring_module = _readable_keyring()
    if keyring_module is not None:
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring_module.delete_password(KEYRING_SERVICE, name)
        except PasswordDeleteError:
            pass
        except KeyringError as error:
            logger.warning("could not delete %s from the keyring: %s", name, type(error).__name__)
        else:
            removed.append("keyring")

    if _delete_from_file(name):
        removed.append("file")
    return removed


def credentials_path() -> Path:
    """Return the path of the fallback credentials file (mode 0600) in the config folder."""
    return config_dir() / CREDENTIALS_FILE


def keyring_available() -> bool:
    """Return True when an OS keyring (not keyring's ``fail`` backend or a keyrings.alt file) can hold secrets."""
    return _usable_keyring() is not None


def _readable_keyring():  # noqa: ANN202 - the keyring module, imported lazily
    """Return the keyring module when its backend can be read, which is any backend but ``fail``."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        logger.debug("keyring is not installed, so secrets come only from environment variables and the credentials file")
        return None

    backend = keyring.get_keyring()
    # Headless Linux without a Secret Service gets the 'fail' backend, which raises on every call.
    if isinstance(backend, fail.Keyring):
        logger.debug("no OS keyring is available (keyring chose %s)", type(backend).__name__)
        return None
    return keyring


def _usable_keyring():  # noqa: ANN202 - the keyring module, imported lazily
    """Return the keyring module when its backend is an OS keyring that Piper may write to."""
    keyring_module = _readable_keyring()
    if keyring_module is None:
        return None

    backend = keyring_module.get_keyring()
    # keyrings.alt backends store secrets in files rather than an OS keyring, so Piper writes
    # its own 0600 file instead, which is the path `piper auth status` reports. Entries that
    # `keyring set` put there earlier are still read and deleted.
    if type(backend).__module__.startswith(("keyrings.alt", "keyring.backends.null")):
        logger.debug("keyring chose the file backend %s, which is not an OS keyring", type(backend).__name__)
        return None
    return keyring_module


def _read_keyring(name: str) -> str | None:
    keyring_module = _readable_keyring()
    if keyring_module is None:
        return None

    from keyring.errors import KeyringError

    try:
        value = keyring_module.get_password(KEYRING_SERVICE, name)
    except KeyringError as error:
        backend = type(keyring_module.get_keyring()).__name__
        logger.warning("could not read %s from the keyring %s: %s", name, backend, type(error).__name__)
        return None
    return value.strip() if value else None


def _load_file() -> dict[str, str]:
    path = credentials_path()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        logger.warning("could not read %s: %s", path, error.strerror)
        return {}

    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("%s can be read by other users (mode %o); run `chmod 600 %s`", path, stat.S_IMODE(mode), path)
    try:
        entries = json.loads(text)
    except json.JSONDecodeError:
        # The parser's message can quote the file's text, which contains secrets.
        logger.warning("%s is not valid JSON, so it is ignored; run `piper auth login` again to rewrite it", path)
        return {}
    if not isinstance(entries, dict):
        logger.warning("%s does not hold a JSON object, so it is ignored", path)
        return {}
    return {str(key): value for key, value in entries.items() if isinstance(value, str)}


def _read_file(name: str) -> str | None:
    value = _load_file().get(name, "").strip()
    return value or None


def _write_file(name: str, value: str) -> None:
    _set_aside_damaged_file()
    entries = _load_file()
    entries[name] = value
    _save_file(entries)
    logger.warning("no OS keyring is available, so %s is stored in %s (mode 0600)", name, credentials_path())


def _delete_from_file(name: str) -> bool:
    entries = _load_file()
    if name not in entries:
        return False
    del entries[name]
    _save_file(entries)
    return True


def _set_aside_damaged_file() -> None:
    """Rename a credentials file that is not a JSON object, so the tokens in it outlive the new file written in its place."""
    path = credentials_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        # A missing file needs nothing; any other read error is raised by _save_file with the fix.
        return
    try:
        entries = json.loads(text)
    except json.JSONDecodeError:
        entries = None
    if isinstance(entries, dict):
        return

    backup = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, backup)
        os.chmod(backup, 0o600)
    except OSError as error:
        raise _unwritable(path, error) from None
    logger.warning(
        "%s is not a valid JSON object, so it was renamed to %s before a new file is written. Store the tokens it contained again with `piper auth login`",
        path, backup,
    )


def _unwritable(path: Path, error: OSError) -> ConfigError:
    return ConfigError(
        f"Cannot write the credentials file {path}: {error.strerror or type(error).__name__}.",
        hint=f"Check that {path.parent} is a folder you can write to and that {path.name} in it is not a folder, or point PIPER_CONFIG_DIR at another folder. Setting the service's environment variable instead also works.",
        details={"path": str(path)},
    )


def _save_file(entries: dict[str, str]) -> None:
    """Replace the credentials file atomically; the new file is created with mode 0600, never wider.

    Raises:
        ConfigError: when the config folder cannot be created or written, or the path is a folder.
    """
    path = credentials_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".credentials-", dir=path.parent)
    except OSError as error:
        raise _unwritable(path, error) from None
    try:
        # mkstemp creates the file with mode 0600 already; chmod makes the contract explicit.
        os.chmod(temporary, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _unwritable(path, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
