"""Matching authors by name or email."""

from __future__ import annotations

import pytest

from piper.integrations.git import AuthorMatcher


@pytest.mark.parametrize(
    ("authors", "identities", "expected"),
    [
        (None, ("Anyone", "any@example.com"), True),
        ([], ("Ada Lovelace", "ada@example.com"), False),
        (["ada@example.com"], ("Ada Lovelace", "ada@example.com"), True),
        (["ADA@EXAMPLE.COM"], ("Ada Lovelace", "ada@example.com"), True),
        (["ada lovelace"], ("Ada Lovelace", "ada@example.com"), True),
        (["  ada@example.com  "], ("Ada Lovelace", "ada@example.com"), True),
        (["ada"], ("Ada Lovelace", "ada@example.com"), False),
        (["example.com"], ("Ada Lovelace", "ada@example.com"), False),
        (["grace@example.com", "ada@example.com"], ("Ada Lovelace", "ada@example.com"), True),
        (["grace@example.com"], ("Ada Lovelace", "ada@example.com"), False),
        (["Ada L <ada@example.com>"], ("Someone", "ada@example.com"), True),
        (["Ada L <ada@example.com>"], ("Ada L", "other@example.com"), True),
        (["Straße"], ("STRASSE", ""), True),
        (["ada@example.com"], ("", ""), False),
    ],
)
def test_author_matcher_cases(authors, identities, expected):
    assert AuthorMatcher(authors).matches(*identities) is expected


def test_author_matcher_everyone_flag():
    assert AuthorMatcher(None).matches_everyone
    assert not AuthorMatcher(["ada@example.com"]).matches_everyone
