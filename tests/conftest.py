"""Fixtures shared by every test: an isolated home, config dir, data dir and git identity.

No test reads the developer's own configuration, database or git settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, Piper's folders and git's global config at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PIPER_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("PIPER_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("PIPER_DATABASE_URL", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # The standup's GitHub source runs by default; a developer's token must not send tests to api.github.com.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("PIPER_GITHUB_API_URL", raising=False)

    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
                     "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(variable, raising=False)
    return home
