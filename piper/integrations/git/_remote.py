"""Turn a remote URL into the web address of a commit on GitHub, GitLab and similar hosts."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Hosts whose web UI is known, and the path that leads from a repository to one commit.
_KNOWN_HOSTS = {
    "github.com": "commit",
    "gitlab.com": "-/commit",
    "bitbucket.org": "commits",
    "codeberg.org": "commit",
    "gitea.com": "commit",
}
# Self-hosted servers are recognised by a host name such as github.acme.com or gitlab.acme.com.
_HOST_KEYWORDS = {"github": "commit", "gitlab": "-/commit", "gitea": "commit", "forgejo": "commit"}

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")


def commit_url(remote_url: str, sha: str) -> str | None:
    """Return the https address of commit ``sha``, or None when the remote is not a known web host.

    Accepts ``https://host/owner/name(.git)``, ``ssh://[user@]host[:port]/owner/name``
    and scp-like ``user@host:owner/name``. User names, passwords and ssh
    ports are dropped, so a token in the remote URL never reaches the output.
    ``http://``, ``git://`` and local paths give None.
    """
    location = _web_location(remote_url.strip())
    if location is None:
        return None
    host, path = location

    commit_path = _commit_path(host)
    if commit_path is None:
        return None
    return f"https://{host}/{path}/{commit_path}/{sha}"


def _web_location(remote_url: str) -> tuple[str, str] | None:
    """Split a remote URL into the web host (with an https port, if any) and the repository path."""
    if "://" in remote_url:
        parts = urlsplit(remote_url)
        scheme = parts.scheme.lower()
        if scheme not in ("https", "ssh", "git+ssh", "ssh+git") or not parts.hostname:
            return None
        host = parts.hostname.lower()
        # An https port is part of the web address; an ssh port is not.
        if scheme == "https" and parts.port:
            host = f"{host}:{parts.port}"
        path = parts.path
    else:
        match = _SCP_LIKE.match(remote_url)
        if match is None:
            return None
        host, path = match.group("host").lower(), match.group("path")

    path = path.strip("/").removesuffix(".git").strip("/")
    if path.count("/") < 1 or path.startswith("~"):
        return None
    return _canonical_host(host), path


def _canonical_host(host: str) -> str:
    """Map ssh aliases such as ``ssh.github.com`` or ``github.com-work`` to the web host."""
    for known in _KNOWN_HOSTS:
        if known in host.split(":")[0]:
            return known
    return host


def _commit_path(host: str) -> str | None:
    name = host.split(":")[0]
    if name in _KNOWN_HOSTS:
        return _KNOWN_HOSTS[name]
    for keyword, commit_path in _HOST_KEYWORDS.items():
        if keyword in name.split("."):
            return commit_path
    # NOTE: other self-hosted servers get no link, because their web UI is unknown.
    return None
