"""Mapping of a fenced code block's info string to a language in Notion's code block enum."""

from __future__ import annotations

# The values Notion's API (version 2022-06-28) accepts for code.language, as its validation_error
# message lists them; the message is quoted in the GitHub issue ftnext/sphinx-notion#3.
NOTION_LANGUAGES = frozenset(
    {
        "abap", "abc", "agda", "arduino", "ascii art", "assembly", "bash", "basic", "bnf", "c", "c#", "c++",
        "clojure", "coffeescript", "coq", "css", "dart", "dhall", "diff", "docker", "ebnf", "elixir", "elm",
        "erlang", "f#", "flow", "fortran", "gherkin", "glsl", "go", "graphql", "groovy", "haskell", "hcl",
        "html", "idris", "java", "javascript", "json", "julia", "kotlin", "latex", "less", "lisp",
        "livescript", "llvm ir", "lua", "makefile", "markdown", "markup", "matlab", "mathematica", "mermaid",
        "nix", "notion formula", "objective-c", "ocaml", "pascal", "perl", "php", "plain text", "powershell",
        "prolog", "protobuf", "purescript", "python", "r", "racket", "reason", "ruby", "rust", "sass",
        "scala", "scheme", "scss", "shell", "smalltalk", "solidity", "sql", "swift", "toml", "typescript",
        "vb.net", "verilog", "vhdl", "visual basic", "webassembly", "xml", "yaml", "java/c/c++/c#",
    }
)

PLAIN_TEXT = "plain text"

_ALIASES = {
    "sh": "shell", "zsh": "shell", "console": "shell", "shell-session": "shell",
    "py": "python", "python3": "python", "py3": "python",
    "js": "javascript", "jsx": "javascript", "mjs": "javascript", "node": "javascript",
    "ts": "typescript", "tsx": "typescript",
    "rb": "ruby", "rs": "rust", "golang": "go", "kt": "kotlin", "cs": "c#", "csharp": "c#",
    "cpp": "c++", "cxx": "c++", "cc": "c++", "h": "c", "hpp": "c++", "fsharp": "f#", "objc": "objective-c",
    "yml": "yaml", "md": "markdown", "tex": "latex", "dockerfile": "docker", "make": "makefile",
    "proto": "protobuf", "ps1": "powershell", "pwsh": "powershell", "tf": "hcl", "terraform": "hcl",
    "jsonc": "json", "json5": "json", "htm": "html", "svg": "xml", "ex": "elixir", "exs": "elixir",
    "erl": "erlang", "hs": "haskell", "clj": "clojure", "ml": "ocaml", "pl": "perl", "vb": "visual basic",
    "wasm": "webassembly", "wat": "webassembly", "patch": "diff", "text": PLAIN_TEXT, "txt": PLAIN_TEXT,
    "plaintext": PLAIN_TEXT, "gql": "graphql", "postgres": "sql", "postgresql": "sql", "mysql": "sql",
}


def notion_language(info: str) -> str:
    """Return Notion's name for the language of a fence whose info string is ``info``.

    Only the first word counts (```` ```python title="x" ```` is Python). An
    empty or unknown language becomes "plain text", because Notion rejects
    the whole request for a value outside its enum.
    """
    words = info.strip().split()
    if not words:
        return PLAIN_TEXT
    name = words[0].lower().strip("{}.")
    if name in NOTION_LANGUAGES:
        return name
    return _ALIASES.get(name, PLAIN_TEXT)
