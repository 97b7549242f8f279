"""Fixtures for the GitHub tests: a running GitHub double and Piper pointed at it with its token."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from piper.integrations.github import ClientOptions, GitHubClient
from tests.doubles.github_server import GitHubServer

REPOSITORY = "octokit-fixture-org/paginate-issues"
"""The repository whose 13 issues were recorded by @octokit/fixtures."""

FAST_CONFIG = """\
```yaml
default_repository: {repository}
github:
  timeout_seconds: 1
  max_retries: 1
  request_interval_seconds: 0
  write_interval_seconds: 0
{extra}```
"""


@pytest.fixture
def github_server() -> Iterator[GitHubServer]:
    """The double with pages of 3 issues, as in the recording, so every listing crosses pages."""
    with GitHubServer(max_per_page=3) as server:
        yield server


@pytest.fixture
def github_env(github_server: GitHubServer, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch) -> GitHubServer:
    """Point Piper at the double: token, API URL and a config without pauses between requests."""
    monkeypatch.setenv("GITHUB_TOKEN", github_server.token)
    monkeypatch.setenv("PIPER_GITHUB_API_URL", github_server.api_url)
    write_config(isolated_environment)
    return github_server


def write_config(home: Path, extra: str = "") -> None:
    config_dir = home / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "PIPER.user.md").write_text(FAST_CONFIG.format(repository=REPOSITORY, extra=extra), encoding="utf-8")


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make sure no GitHub token is found: no variable and an empty in-memory keyring."""
    import keyring

    from tests.doubles.memory_keyring import MemoryKeyring

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def client_for(server: GitHubServer, *, sleep: Callable[[float], None] = time.sleep, **options: object) -> GitHubClient:
    """Return a client for the double with no pauses and a short backoff; ``sleep`` receives rate-limit waits."""
    settings = {"timeout": 1.0, "max_retries": 2, "backoff_factor": 0.01, "request_interval": 0, "write_interval": 0, **options}
    return GitHubClient(ClientOptions(api_url=server.api_url, token=server.token, **settings), sleep=sleep)  # type: ignore[arg-type]
