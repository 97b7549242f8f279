"""Finding document records from what a user typed: a path, a folder, a file name or a title."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from piper.errors import NotFoundError

if TYPE_CHECKING:
    from piper.storage.repositories.documents import DocumentRecord


def records_at(records: list[DocumentRecord], argument: str) -> list[DocumentRecord]:
    """Return the records at a path or below a folder, matched by absolute path or by the path as added."""
    absolute = os.path.abspath(argument)
    as_added = os.path.normpath(argument)
    prefix = absolute.rstrip(os.sep) + os.sep
    as_added_prefix = as_added.rstrip(os.sep) + os.sep
    return [
        record
        for record in records
        if record.path == absolute
        or record.display_path == as_added
        or record.path.startswith(prefix)
        or (as_added != "." and record.display_path.startswith(as_added_prefix))
    ]


def best_match(records: list[DocumentRecord], name: str) -> DocumentRecord:
    """Match by exact path, then file name, then title, then a substring of the title or path, then all words of both."""
    requested = name.strip().strip("\"'")
    folded = requested.casefold()
    absolute = os.path.abspath(requested)
    tiers = [
        [record for record in records if record.path == absolute or record.display_path == os.path.normpath(requested)],
        [record for record in records if os.path.basename(record.path).casefold() == folded],
        [record for record in records if Path(record.path).stem.casefold() == folded or record.title.casefold() == folded],
        [record for record in records if folded and (folded in record.title.casefold() or folded in record.display_path.casefold())],
        [record for record in records if _words(folded) and _words(folded) <= _words(f"{record.title} {record.display_path}")],
    ]
    for matches in tiers:
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(record.display_path for record in matches[:5])
            raise NotFoundError(
                f"{requested!r} matches several documents: {names}.",
                hint="Give the document's path as 'piper docs list' shows it.",
                details={"candidates": [record.display_path for record in matches]},
            )
    raise NotFoundError(
        f"No document matches {requested!r}.",
        hint="Give a path, file name or title that 'piper docs list' shows.",
        details={"document": requested},
    )


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))
