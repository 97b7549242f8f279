"""CSV: the header row, then groups of rows, each row written as ``column: value`` pairs.

Writing each value next to its column name lets a search for "Berlin
revenue" find the row even though the words sit in different columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

from piper.knowledge.extract.text_files import read_text, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

ROWS_PER_SECTION = 10
"""Maximum rows in one section; rows with long values get fewer (see SECTION_CHARACTERS)."""

SECTION_CHARACTERS = 240
"""Target length of a section's written rows, so that one section usually fits one passage.

Written rows such as ``id: 20; votes: 58; created: 2024-05-15`` run about
2.5 characters per token of the embedding model, and a passage has room for about
96 tokens of text after its title and heading.
"""

ROW_SEPARATOR = "\n\n"
"""Rows are separate paragraphs, so a section too long for one passage is cut between rows, not inside one."""
SNIFF_BYTES = 64 * 1024


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Return the header and the data rows of a CSV file, guessing its delimiter.

    Blank rows are dropped. Columns without a name get ``column N``; a short
    row is padded with empty values.
    """
    text = read_text(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(text.splitlines(), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        return [], []

    width = max(len(row) for row in rows)
    header = [name.strip() or f"column {index + 1}" for index, name in enumerate(rows[0])]
    header += [f"column {index + 1}" for index in range(len(header), width)]
    data = [row + [""] * (width - len(row)) for row in rows[1:]]
    return header, data


def read_csv(path: Path, document: str) -> ExtractedDocument:
    """Read a CSV file; the header becomes the first section so that column names are searchable."""
    header, rows = read_table(path)
    sections: list[Section] = []
    if header:
        sections.append(Section(heading_path=("Columns",), text=", ".join(header)))
    written = ["; ".join(f"{name}: {value.strip()}" for name, value in zip(header, row) if value.strip()) for row in rows]
    average = sum(len(line) for line in written) / len(written) if written else 1
    per_section = max(1, min(ROWS_PER_SECTION, int(SECTION_CHARACTERS // max(average, 1))))
    for start in range(0, len(written), per_section):
        group = written[start:start + per_section]
        heading = f"Rows {start + 1}-{start + len(group)}" if len(group) > 1 else f"Row {start + 1}"
        sections.append(Section(heading_path=(heading,), text=ROW_SEPARATOR.join(line for line in group if line)))
    return ExtractedDocument(path=document, title=title_from_path(path), sections=sections, kind="csv")
