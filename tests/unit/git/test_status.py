"""Counting ``git status --porcelain=v2 -z`` entries."""

from __future__ import annotations

from piper.integrations.git._status import WorkingTreeChanges, parse_status

HASH = "0" * 40


def test_parse_status_kinds():
    output = b"\0".join(
        [
            b"# branch.oid " + HASH.encode(),
            f"1 .M N... 100644 100644 100644 {HASH} {HASH} a.txt".encode(),
            f"1 M. N... 100644 100644 100644 {HASH} {HASH} with\nnewline.txt".encode(),
            f"2 R. N... 100644 100644 100644 {HASH} {HASH} R100 new name.txt".encode(),
            b"1 .M N... looks like an entry but is the original path of the rename",
            f"u UU N... 100644 100644 100644 100644 {HASH} {HASH} {HASH} conflict.txt".encode(),
            b"? notes.md",
            b"? drafts/",
            b"! ignored.log",
            b"",
        ]
    )

    changes = parse_status(output)

    assert changes == WorkingTreeChanges(changed=4, untracked=2, conflicted=1)


def test_parse_status_empty():
    changes = parse_status(b"")

    assert changes.is_clean
    assert changes.describe() == "no changes"


def test_describe_changes():
    assert WorkingTreeChanges(changed=3, untracked=1, conflicted=0).describe() == "3 files changed, 1 untracked"
    assert WorkingTreeChanges(changed=1, untracked=0, conflicted=0).describe() == "1 file changed"
    assert WorkingTreeChanges(changed=0, untracked=2, conflicted=0).describe() == "2 untracked files"
    assert WorkingTreeChanges(changed=0, untracked=1, conflicted=0).describe() == "1 untracked file"
    assert WorkingTreeChanges(changed=2, untracked=0, conflicted=2).describe() == "2 files changed, 2 conflicted"
