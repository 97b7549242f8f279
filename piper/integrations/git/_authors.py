"""Decide whether a commit's author is one of the people the standup is for."""

from __future__ import annotations

import re
from collections.abc import Iterable

_NAME_AND_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>$")


class AuthorMatcher:
    """Match author names and emails against a list, ignoring case.

    An entry matches a whole name or a whole email, never a part of one.
    An entry in the form ``Name <email>`` matches either part. ``None`` in
    place of the list matches every author, and an empty list matches none.
    """

    def __init__(self, authors: Iterable[str] | None) -> None:
        self.matches_everyone = authors is None
        self._keys: set[str] = set()
        for author in authors or ():
            self._keys.update(_keys_of(author))

    def matches(self, *identities: str) -> bool:
        """Return True when any of ``identities`` (names or emails) is one of the authors."""
        if self.matches_everyone:
            return True
        return any(_normalise(identity) in self._keys for identity in identities if identity)


def _keys_of(author: str) -> set[str]:
    author = author.strip()
    keys = {_normalise(author)}
    match = _NAME_AND_EMAIL.match(author)
    if match:
        keys.update(_normalise(part) for part in (match.group("name"), match.group("email")) if part.strip())
    keys.discard("")
    return keys


def _normalise(identity: str) -> str:
    return identity.strip().casefold()
