"""Tests for finding files to add: recursion, hidden, binary, over-size and unknown files, and symbolic links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piper.errors import UsageError
from piper.knowledge.discovery import discover

LIMIT = 1024


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one file of each skip reason, and a folder beside it that links point into."""
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / ".git").mkdir()
    (docs / ".git" / "notes.md").write_text("inside a hidden folder")
    (docs / "guide.md").write_text("# Guide\n")
    (docs / "sub" / "intro.rst").write_text("Intro\n=====\n")
    (docs / ".draft.md").write_text("hidden file")
    (docs / "data.txt").write_bytes(b"text\x00with a NUL")
    (docs / "huge.md").write_text("x" * (LIMIT + 1))
    (docs / "empty.md").write_text("")
    (docs / "photo.png").write_bytes(b"\x89PNG")
    (docs / "report.pdf").write_bytes(b"%PDF-1.4\x00binary by design")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Outside\n")
    return docs


def reasons(found) -> dict[str, str]:  # noqa: ANN001 - Discovery
    return {skip.path: skip.reason for skip in found.skipped}


def test_recursive_files_as_added(corpus: Path) -> None:
    found = discover(["docs"], max_file_size=LIMIT)

    assert sorted(file.display for file in found.files) == ["docs/guide.md", "docs/report.pdf", "docs/sub/intro.rst"]
    assert all(file.path.is_absolute() for file in found.files)


def test_skips_with_reasons(corpus: Path) -> None:
    found = reasons(discover(["docs"], max_file_size=LIMIT))

    assert found["docs/.git"] == "hidden"
    assert found["docs/.draft.md"] == "hidden"
    assert found["docs/data.txt"] == "binary file (contains NUL bytes)"
    assert found["docs/huge.md"].endswith("MB limit; raise documents.max_file_size_mb in PIPER.user.md to read it")
    assert found["docs/empty.md"] == "empty file"
    assert found["docs/photo.png"] == "unsupported file type .png"
    assert "docs/.git/notes.md" not in found


def test_link_out_of_folder_skipped(corpus: Path) -> None:
    os.symlink(corpus.parent / "outside" / "secret.md", corpus / "link.md")
    os.symlink(corpus.parent / "outside", corpus / "linked-folder")

    found = discover(["docs"], max_file_size=LIMIT)

    assert "outside the folder being added" in reasons(found)["docs/link.md"]
    assert "outside the folder being added" in reasons(found)["docs/linked-folder"]
    assert not any("secret" in file.display or "link" in file.display for file in found.files)


def test_link_out_followed_when_asked(corpus: Path) -> None:
    os.symlink(corpus.parent / "outside", corpus / "linked-folder")

    found = discover(["docs"], max_file_size=LIMIT, follow_links=True)

    assert "docs/linked-folder/secret.md" in [file.display for file in found.files]


def test_link_inside_folder_followed_once(corpus: Path) -> None:
    os.symlink(corpus / "sub", corpus / "alias")
    os.symlink(corpus, corpus / "sub" / "loop")

    found = discover(["docs"], max_file_size=LIMIT)

    displays = [file.display for file in found.files]
    assert sum(display.endswith("intro.rst") for display in displays) == 1


def test_broken_link_reported(corpus: Path) -> None:
    os.symlink(corpus / "gone.md", corpus / "dangling.md")

    assert reasons(discover(["docs"], max_file_size=LIMIT))["docs/dangling.md"].startswith("broken symbolic link")


def test_named_hidden_file_read(corpus: Path) -> None:
    found = discover(["docs/.draft.md"], max_file_size=LIMIT)

    assert [file.display for file in found.files] == ["docs/.draft.md"]


def test_missing_path_is_usage_error(corpus: Path) -> None:
    with pytest.raises(UsageError) as raised:
        discover(["docs", "nope"], max_file_size=LIMIT)

    assert "nope" in raised.value.message


def test_dependency_folders_skipped(corpus: Path) -> None:
    (corpus / "web" / "node_modules" / "left-pad").mkdir(parents=True)
    (corpus / "web" / "node_modules" / "left-pad" / "README.md").write_text("# left-pad\n")
    (corpus / "web" / "notes.md").write_text("# Web notes\n")
    (corpus / "env" / "lib").mkdir(parents=True)
    (corpus / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (corpus / "env" / "lib" / "LICENSE.txt").write_text("MIT\n")

    found = discover(["docs"], max_file_size=LIMIT)
    named = discover(["docs/web/node_modules"], max_file_size=LIMIT)

    files = [file.display for file in found.files]
    assert "docs/web/notes.md" in files
    assert not [path for path in files if "node_modules" in path or path.startswith("docs/env")]
    assert reasons(found)["docs/web/node_modules"] == "dependency folder; add it by name to read it"
    assert reasons(found)["docs/env"] == "dependency folder; add it by name to read it"
    assert [file.display for file in named.files] == ["docs/web/node_modules/left-pad/README.md"]


def test_current_folder_paths_have_no_dot(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)

    found = discover(["."], max_file_size=LIMIT)

    assert [file.display for file in found.files] == ["guide.md", "report.pdf", "sub/intro.rst"]
    assert reasons(found)[".git"] == "hidden"
