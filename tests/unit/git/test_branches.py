"""Parsing ``git for-each-ref`` output and choosing the default branch."""

from __future__ import annotations

import datetime as dt

from piper.integrations.git._branches import (
    BranchList,
    LocalBranch,
    Tracking,
    parse_branch_list,
    parse_tracking,
    short_ref_name,
    tracking_arguments,
)

SHA = "0123456789abcdef0123456789abcdef01234567"


def line(*fields: str) -> bytes:
    return "\0".join(fields).encode()


def branch(name: str) -> LocalBranch:
    return LocalBranch(name=name, sha=SHA, upstream=None, committed_at=None, author_name="", author_email="")


def test_parse_branch_list():
    output = b"\n".join(
        [
            line("refs/heads/feature/export", SHA, "refs/remotes/origin/feature/export", "1772787600 +0100",
                 "Ada Lovelace", "ada@example.com", ""),
            line("refs/heads/main", SHA, "refs/remotes/origin/main", "1772787600 +0000", "Ada", "ada@example.com", ""),
            line("refs/heads/local", SHA, "", "1772787600 -0800", "Grace", "grace@example.com", ""),
            line("refs/heads/broken", SHA, "", "not a date", "Grace", "grace@example.com", ""),
            line("refs/remotes/origin/HEAD", SHA, "", "1772787600 +0000", "Ada", "ada@example.com", "refs/remotes/origin/main"),
            line("too", "few", "fields"),
            b"",
        ]
    )

    parsed = parse_branch_list(output)

    export, main, local, broken = parsed.branches
    assert export.name == "feature/export"
    assert export.upstream == "refs/remotes/origin/feature/export"
    assert export.committed_at == dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert main.name == "main"
    assert local.upstream is None
    assert broken.committed_at is None
    assert local.author_email == "grace@example.com"
    assert parsed.remote_heads == {"origin": "refs/remotes/origin/main"}
    assert parsed.default_branch() == "refs/remotes/origin/main"


def test_parse_tracking():
    output = b"\n".join(
        [
            line("refs/heads/feature", "ahead 3, behind 2"),
            line("refs/heads/feature/x", "behind 1"),
            line("refs/heads/gone", "gone"),
            line("refs/heads/synced", ""),
            b"",
        ]
    )

    tracking = parse_tracking(output)

    assert tracking == {
        "feature": Tracking(ahead=3, gone=False),
        "feature/x": Tracking(ahead=0, gone=False),
        "gone": Tracking(ahead=0, gone=True),
        "synced": Tracking(ahead=0, gone=False),
    }


def test_tracking_arguments_exact_refs():
    arguments = tracking_arguments([branch("feature"), branch("fix/a")])

    assert arguments[-2:] == ["refs/heads/feature", "refs/heads/fix/a"]


def test_default_branch_choices():
    assert BranchList([branch("main"), branch("x")], {}).default_branch() == "refs/heads/main"
    assert BranchList([branch("master")], {}).default_branch() == "refs/heads/master"
    assert BranchList([branch("trunk")], {}).default_branch() is None
    assert BranchList([branch("main")], {"upstream": "refs/remotes/upstream/dev"}).default_branch() == "refs/remotes/upstream/dev"
    both = {"upstream": "refs/remotes/upstream/dev", "origin": "refs/remotes/origin/main"}
    assert BranchList([], both).default_branch() == "refs/remotes/origin/main"


def test_short_ref_name():
    assert short_ref_name("refs/heads/feature/x") == "feature/x"
    assert short_ref_name("refs/remotes/origin/main") == "origin/main"
    assert short_ref_name("refs/tags/v1") == "refs/tags/v1"
