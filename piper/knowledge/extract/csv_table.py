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
    for start in range(0, len(rows), ROWS_PER_SECTION):
        group = rows[start:start + ROWS_PER_SECTION]
        lines = ["; ".join(f"{name}: {value.strip()}" for name, value in zip(header, row) if value.strip()) for row in group]
        heading = f"Rows {start + 1}-{start + len(group)}"
        sections.append(Section(heading_path=(heading,), text="\n".join(line for line in lines if line)))
    return ExtractedDocument(path=document, title=title_from_path(path), sections=sections, kind="csv")
