"""Parsing ``git log -z`` records and raw dates."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.integrations.git._log import log_arguments, parse_commit, parse_raw_date

SHA = "0123456789abcdef0123456789abcdef01234567"


def record(*fields: bytes) -> bytes:
    return b"\x1f".join(fields)


def test_parse_commit_fields():
    commit = parse_commit(
        record(SHA.encode(), b"1772787600", b"Ada Lovelace", b"ada@example.com", b"Ada King", b"ada@old.example.com", b"1772787600 +0100", b"Add export")
    )

    assert commit is not None
    assert commit.sha == SHA
    assert commit.author_name == "Ada Lovelace"
    assert commit.author_email == "ada@example.com"
    assert commit.raw_author_name == "Ada King"
    assert commit.raw_author_email == "ada@old.example.com"
    assert commit.subject == "Add export"
    assert commit.authored_at == dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_parse_commit_separator_in_subject():
    commit = parse_commit(record(SHA.encode(), b"1772787600", b"A", b"a@x", b"A", b"a@x", b"1772787600 +0000", b"odd \x1f subject"))

    assert commit is not None
    assert commit.subject == "odd \x1f subject"


def test_parse_commit_invalid_utf8():
    commit = parse_commit(record(SHA.encode(), b"1772787600", b"Bj\xf6rn", b"b@x", b"Bj\xf6rn", b"b@x", b"1772787600 +0000", b"Fix \xff"))

    assert commit is not None
    assert commit.author_name == "Bj\ufffdrn"
    assert commit.subject == "Fix \ufffd"


def test_parse_commit_empty_subject():
    commit = parse_commit(record(SHA.encode(), b"1772787600", b"A", b"a@x", b"A", b"a@x", b"1772787600 +0000", b""))

    assert commit is not None
    assert commit.subject == ""


def test_parse_commit_sha256_id():
    sha256 = "ab" * 32
    commit = parse_commit(record(sha256.encode(), b"1772787600", b"A", b"a@x", b"A", b"a@x", b"1772787600 +0000", b"s"))

    assert commit is not None
    assert commit.sha == sha256


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n",
        record(SHA.encode(), b"1772787600", b"too", b"few"),
        record(b"not-a-commit-id", b"1772787600", b"A", b"a@x", b"A", b"a@x", b"1772787600 +0000", b"s"),
        record(SHA.encode(), b"1772787600", b"A", b"a@x", b"A", b"a@x", b"yesterday", b"s"),
    ],
)
def test_parse_commit_malformed(raw):
    assert parse_commit(raw) is None


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("1772787600 +0000", dt.timedelta(0)),
        ("1772787600 -0800", dt.timedelta(hours=-8)),
        ("1772787600 +0530", dt.timedelta(hours=5, minutes=30)),
        ("1772787600 -0045", dt.timedelta(minutes=-45)),
        ("1772787600 +1400", dt.timedelta(hours=14)),
    ],
)
def test_raw_date_offsets(text, offset):
    moment = parse_raw_date(text)

    assert moment is not None
    assert moment.utcoffset() == offset
    assert moment.timestamp() == 1772787600


@pytest.mark.parametrize("text", ["1772787600 +5960", "1772787600 +2400", "1772787600", "1772787600 0100"])
def test_raw_date_invalid_offset_is_utc(text):
    moment = parse_raw_date(text)

    assert moment is not None
    assert moment.utcoffset() == dt.timedelta(0)
    assert moment.timestamp() == 1772787600


@pytest.mark.parametrize("text", ["", "soon +0000", "99999999999999999999 +0000"])
def test_raw_date_invalid(text):
    assert parse_raw_date(text) is None


def test_log_arguments_leave_window_to_python():
    since = dt.datetime(2026, 3, 6, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    arguments = log_arguments(since, ["abc123"])

    assert not any(argument.startswith("--since") for argument in arguments)
    assert not any(argument.startswith("--until") for argument in arguments)
    for flag in ("--branches", "--remotes", "HEAD", "--no-merges", "-z", "--ignore-missing", "abc123"):
        assert flag in arguments
    assert arguments[-1] == "--"
