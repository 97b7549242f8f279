"""The Typer command tree. Modules here import only typer and rich at top level."""
