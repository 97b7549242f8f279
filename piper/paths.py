"""Locations of Piper's configuration and data.

Config: ``$PIPER_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/piper``, else
``~/.config/piper``. Data (database, knowledge store, logs):
``$PIPER_DATA_DIR``, else ``$XDG_DATA_HOME/piper``, else
``~/.local/share/piper``. Both follow the XDG Base Directory specification.
"""

from __future__ import annotations

import os
from pathlib import Path

USER_CONFIG_FILE = "PIPER.user.md"
DATABASE_FILE = "piper.db"


def _directory(override: str, xdg_variable: str, fallback: str) -> Path:
    explicit = os.environ.get(override)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get(xdg_variable)
    if xdg:
        return Path(xdg).expanduser() / "piper"
    return Path.home() / fallback / "piper"


def config_dir() -> Path:
    """Return the configuration folder (not created)."""
    return _directory("PIPER_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")


def data_dir() -> Path:
    """Return the data folder (not created)."""
    return _directory("PIPER_DATA_DIR", "XDG_DATA_HOME", ".local/share")


def user_config_path() -> Path:
    """Return the path of ``PIPER.user.md`` in the configuration folder."""
    return config_dir() / USER_CONFIG_FILE
