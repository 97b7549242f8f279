"""Building commit URLs from remote URLs."""

from __future__ import annotations

import pytest

from piper.integrations.git import commit_url

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://github.com/acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("https://github.com/acme/web", f"https://github.com/acme/web/commit/{SHA}"),
        ("https://github.com/acme/web/", f"https://github.com/acme/web/commit/{SHA}"),
        ("git@github.com:acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("github.com:acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("ssh://git@github.com/acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("ssh://git@ssh.github.com:443/acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("git@github.com-work:acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("https://ada:ghp_secret@github.com/acme/web.git", f"https://github.com/acme/web/commit/{SHA}"),
        ("https://gitlab.com/group/sub/project.git", f"https://gitlab.com/group/sub/project/-/commit/{SHA}"),
        ("git@gitlab.com:group/project.git", f"https://gitlab.com/group/project/-/commit/{SHA}"),
        ("https://gitlab.acme.com:8443/team/app.git", f"https://gitlab.acme.com:8443/team/app/-/commit/{SHA}"),
        ("ssh://git@gitlab.acme.com:2222/team/app.git", f"https://gitlab.acme.com/team/app/-/commit/{SHA}"),
        ("git@github.acme.com:team/app.git", f"https://github.acme.com/team/app/commit/{SHA}"),
        ("git@bitbucket.org:team/app.git", f"https://bitbucket.org/team/app/commits/{SHA}"),
        ("https://codeberg.org/team/app.git", f"https://codeberg.org/team/app/commit/{SHA}"),
    ],
)
def test_commit_url_known_hosts(remote, expected):
    assert commit_url(remote, SHA) == expected


@pytest.mark.parametrize(
    "remote",
    [
        "/srv/git/app.git",
        "../app",
        "file:///srv/git/app.git",
        "http://github.com/acme/web.git",
        "git://github.com/acme/web.git",
        "git@myserver:app.git",
        "git@internal.example.com:team/app.git",
        "https://github.com/acme",
        "C:\\repos\\app",
        "",
    ],
)
def test_commit_url_unknown(remote):
    assert commit_url(remote, SHA) is None


def test_commit_url_drops_credentials():
    url = commit_url("https://ada:ghp_secret@github.com/acme/web.git", SHA)

    assert url is not None
    assert "ghp_secret" not in url
    assert "ada@" not in url
