"""Parsing one git config file."""

from __future__ import annotations

from piper.integrations.git import read_config_file


def test_read_config_sections(tmp_path):
    path = tmp_path / "config"
    path.write_text(
        "# comment\n"
        "[core]\n"
        "\tbare = false\n"
        "\tFileMode\n"
        '[remote "origin"]\n'
        "\turl = git@github.com:acme/web.git ; trailing comment\n"
        "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
        '[Remote "Upstream"]\n'
        '\tURL = "https://example.com/with # hash.git"\n'
        '[branch "feature/x"]\n'
        "\tremote = origin\n"
        "[alias]\n"
        "\tlong = log \\\n"
        "\t  --oneline\n"
    )

    values = read_config_file(path)

    assert values["core.bare"] == ["false"]
    assert values["core.filemode"] == ["true"]
    assert values["remote.origin.url"] == ["git@github.com:acme/web.git"]
    assert values["remote.Upstream.url"] == ["https://example.com/with # hash.git"]
    assert values["branch.feature/x.remote"] == ["origin"]
    assert values["alias.long"] == ["log \t  --oneline"]


def test_read_config_repeated_key(tmp_path):
    path = tmp_path / "config"
    path.write_text('[remote "origin"]\n\turl = first\n\turl = second\n')

    assert read_config_file(path)["remote.origin.url"] == ["first", "second"]


def test_read_config_missing(tmp_path):
    assert read_config_file(tmp_path / "missing") == {}


def test_read_config_value_whitespace(tmp_path):
    path = tmp_path / "config"
    path.write_text('[user]\n\tname = "Ada "   # quoted space kept\n\temail = ada@example.com   \n\tnote = a\\tb\n')

    values = read_config_file(path)

    assert values["user.name"] == ["Ada "]
    assert values["user.email"] == ["ada@example.com"]
    assert values["user.note"] == ["a\tb"]
